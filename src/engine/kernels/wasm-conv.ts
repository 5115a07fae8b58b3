/**
 * JS side of the whole-pass Conv2d kernels: validates, copies the operands into the instance's linear memory, calls,
 * copies the results out. Same contracts as conv2dForwardReference / conv2dBackwardReference.
 */
import { convOutSize, type ConvShape } from './reference.js';
import type { WasmKernels } from './wasm-kernels.js';

/**
 * 'direct': stride 1 and pad <= k-1 only, no im2col (asm/conv-direct.ts; the input gradient as a conv of gradOut
 * with the flipped weight). 'im2col': any geometry, per image im2col + GEMM (asm/conv.ts).
 */
export type ConvMethod = 'direct' | 'im2col';

/**
 * The faster method that fits `s` (bench: `npm run bench`, kernels section): direct where it applies, except the
 * backward pass of convs with fewer than 8 input channels (a first layer), whose weight gradient is per tap a GEMM
 * only C columns wide (C = 1: 3x slower than im2col).
 */
export function convMethod(s: ConvShape, pass: 'forward' | 'backward'): ConvMethod {
  const direct = s.stride === 1 && s.pad <= s.k - 1 && (pass === 'forward' || s.C >= 8);
  return direct ? 'direct' : 'im2col';
}

const ckkOf = (s: ConvShape): number => s.C * s.k * s.k;
const outPlane = (s: ConvShape): number => convOutSize(s.H, s.k, s.stride, s.pad) * convOutSize(s.W, s.k, s.stride, s.pad);

function checkMethod(fn: string, s: ConvShape, method: ConvMethod): void {
  if (method === 'direct' && convMethod(s, 'forward') !== 'direct') throw new Error(`${fn}: the direct method needs stride 1 and pad <= k-1`);
}

/** out [N, Cout, OH, OW] = conv(input, weight [Cout, C, k, k]) + bias; as conv2dForwardReference. */
export function conv2dForwardWasm(
  kernels: WasmKernels, s: ConvShape, input: Float32Array, weight: Float32Array, bias: Float32Array | undefined,
  out: Float32Array, method = convMethod(s, 'forward'),
): void {
  const { N, C, H, W, Cout, k, stride, pad } = s;
  const [P, ckk] = kernels.checkConv('conv2dForward', s, [
    ['input', input, N * C * H * W], ['weight', weight, Cout * ckkOf(s)], ['bias', bias, Cout], ['out', out, N * Cout * outPlane(s)],
  ]);
  checkMethod('conv2dForward', s, method);
  const sizeX = N * C * H * W, sizeW = Cout * ckk, sizeOut = N * Cout * P;
  const e = kernels.exports;
  const direct = method === 'direct';
  // im2col goes image by image: one image's columns (P*CKK floats) of scratch.
  const [offX, offW, offB, offOut, offCols, offS] = kernels.layout([
    sizeX, sizeW, Cout, sizeOut, direct ? 0 : P * ckk,
    direct ? Math.ceil(e.directForwardScratchBytes(C, H, W, Cout, k, pad) / 4) : kernels.gemmScratch([[Cout, P, ckk]]),
  ]);
  const heap = kernels.heap;
  heap.set(input.subarray(0, sizeX), offX >> 2);
  heap.set(weight.subarray(0, sizeW), offW >> 2);
  if (bias) heap.set(bias.subarray(0, Cout), offB >> 2);
  const offBias = bias ? offB : 0;
  if (direct) e.conv2dDirectForward(N, C, H, W, Cout, k, pad, offX, offW, offBias, offOut, offS);
  else e.conv2dForward(N, C, H, W, Cout, k, stride, pad, offX, offW, offBias, offOut, offCols, offS);
  out.set(heap.subarray(offOut >> 2, (offOut >> 2) + sizeOut));
}

/** gradWeight += , gradBias += (if given), gradInput = (if given); as conv2dBackwardReference. */
export function conv2dBackwardWasm(
  kernels: WasmKernels, s: ConvShape, input: Float32Array, gradOut: Float32Array, weight: Float32Array,
  gradWeight: Float32Array, gradBias: Float32Array | undefined, gradInput: Float32Array | undefined, method = convMethod(s, 'backward'),
): void {
  const { N, C, H, W, Cout, k, stride, pad } = s;
  const sizeX = N * C * H * W, sizeW = Cout * ckkOf(s), sizeGy = N * Cout * outPlane(s);
  const [P, ckk] = kernels.checkConv('conv2dBackward', s, [
    ['input', input, sizeX], ['gradOut', gradOut, sizeGy], ['weight', weight, sizeW], ['gradWeight', gradWeight, sizeW],
    ['gradBias', gradBias, Cout], ['gradInput', gradInput, sizeX],
  ]);
  checkMethod('conv2dBackward', s, method);
  const e = kernels.exports;
  const direct = method === 'direct';
  // im2col: per image columns (and the input gradient's), a GEMM's scratch and the weight gradient's partial sums.
  const [offX, offGy, offW, offDw, offDwNew, offDb, offDx, offCols, offDcols, offS, offT] = kernels.layout([
    sizeX, sizeGy, sizeW, sizeW, direct ? 0 : sizeW, Cout, sizeX, direct ? 0 : P * ckk, gradInput && !direct ? P * ckk : 0,
    direct ? Math.ceil(e.directBackwardScratchBytes(C, H, W, Cout, k, pad) / 4) : kernels.gemmScratch([[Cout, ckk, P], [P, ckk, Cout]]),
    direct ? 0 : sizeW,
  ]);
  const heap = kernels.heap;
  heap.set(input.subarray(0, sizeX), offX >> 2);
  heap.set(gradOut.subarray(0, sizeGy), offGy >> 2);
  heap.set(weight.subarray(0, sizeW), offW >> 2);
  heap.set(gradWeight.subarray(0, sizeW), offDw >> 2);
  if (gradBias) heap.set(gradBias.subarray(0, Cout), offDb >> 2);
  const [pDb, pDx] = [gradBias ? offDb : 0, gradInput ? offDx : 0];
  if (direct) e.conv2dDirectBackward(N, C, H, W, Cout, k, pad, offX, offGy, offW, offDw, pDb, pDx, offS);
  else e.conv2dBackward(N, C, H, W, Cout, k, stride, pad, offX, offGy, offW, offDw, offDwNew, pDb, pDx, offCols, offDcols, offS, offT);
  gradWeight.set(heap.subarray(offDw >> 2, (offDw >> 2) + sizeW));
  if (gradBias) gradBias.set(heap.subarray(offDb >> 2, (offDb >> 2) + Cout));
  if (gradInput) gradInput.set(heap.subarray(offDx >> 2, (offDx >> 2) + sizeX));
}
