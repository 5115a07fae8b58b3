/**
 * JS side of the whole-pass Conv2d kernels: validates, copies the operands into the instance's linear memory, calls,
 * copies the results out. Same contracts as conv2dForwardReference / conv2dBackwardReference.
 */
import { convOutSize, type ConvShape } from './reference.js';
import type { WasmKernels } from './wasm-kernels.js';

/**
 * 'im2col': any geometry, per image im2col + GEMM (asm/conv.ts). 'direct': stride 1 and pad <= k-1, on a padded copy
 * of each image without im2col (asm/conv-direct.ts); backward: the weight gradient as per-tap GEMMs, the input
 * gradient as the direct conv of gradOut with the flipped weight. 'winograd': 3x3 with even output sizes (and the
 * input gradient's: even input sizes) by Winograd's F(2x2, 3x3) (asm/conv-winograd*.ts): the forward conv, the weight
 * gradient by its adjoint, the input gradient's conv; output channels (input channels for the input gradient) a
 * multiple of 4. Winograd rounds differently from the direct sum, by a few ulps.
 */
export type ConvMethod = 'winograd' | 'direct' | 'im2col';

const directFits = (s: ConvShape): boolean => s.stride === 1 && s.pad <= s.k - 1;

/** Whether a stride-1 conv (pad <= 2) with this output fits conv2dWinogradForward. */
const winogradFits = (k: number, outH: number, outW: number, outChannels: number): boolean =>
  k === 3 && outH % 2 === 0 && outW % 2 === 0 && outChannels % 4 === 0;

/** Whether `method` can run this pass (backward: the input gradient's conv for winograd). */
export function convMethodFits(s: ConvShape, pass: 'forward' | 'backward', method: ConvMethod): boolean {
  if (method === 'im2col') return true;
  if (!directFits(s)) return false;
  if (method === 'direct') return true;
  const forward = winogradFits(s.k, outSize(s.H, s), outSize(s.W, s), s.Cout);
  // Backward: the weight gradient takes the forward pass's tiles (any Cout), the input gradient is a forward conv.
  return pass === 'forward' ? forward : winogradFits(s.k, outSize(s.H, s), outSize(s.W, s), 4) && winogradFits(s.k, s.H, s.W, s.C);
}

/**
 * The method that fits `s` and was fastest where measured (bench conv section, and one-off comparisons): winograd,
 * else direct, else im2col, except
 *  - fewer than 8 input channels (a first layer): im2col (direct 0.9x-1.2x of it; Winograd's GEMMs over C channels
 *    and the per-tap weight gradient GEMMs C columns wide are too thin: C = 1, 1.5x and 3x slower);
 *  - direct backward only with padding and channel counts that are multiples of 8 (32 -> 32 7x7 pad 1: 1.3x; without
 *    padding or with odd channel counts it lost up to 0.6x: 10 -> 20 12x12, 32 -> 64 k 2 7x7).
 */
export function convMethod(s: ConvShape, pass: 'forward' | 'backward'): ConvMethod {
  if (s.C < 8) return 'im2col';
  if (convMethodFits(s, pass, 'winograd')) return 'winograd';
  const direct = pass === 'forward' || (s.pad > 0 && s.C % 8 === 0 && s.Cout % 8 === 0);
  return direct && convMethodFits(s, pass, 'direct') ? 'direct' : 'im2col';
}

const outSize = (size: number, s: ConvShape): number => convOutSize(size, s.k, s.stride, s.pad);
const ckkOf = (s: ConvShape): number => s.C * s.k * s.k;
const outPlane = (s: ConvShape): number => outSize(s.H, s) * outSize(s.W, s);

function checkMethod(fn: string, s: ConvShape, pass: 'forward' | 'backward', method: ConvMethod): void {
  if (!convMethodFits(s, pass, method)) throw new Error(`${fn}: the ${method} method does not fit ${JSON.stringify(s)}`);
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
  checkMethod('conv2dForward', s, 'forward', method);
  const sizeX = N * C * H * W, sizeW = Cout * ckk, sizeOut = N * Cout * P;
  const e = kernels.exports;
  const scratch = method === 'im2col'
    ? kernels.gemmScratch([[Cout, P, ckk]])
    : (method === 'winograd' ? e.winogradForwardScratchBytes(C, H, W, Cout, pad) : e.directForwardScratchBytes(C, H, W, Cout, k, pad)) / 4;
  // im2col goes image by image: one image's columns (P*CKK floats) of scratch.
  const [offX, offW, offB, offOut, offCols, offS] = kernels.layout([
    sizeX, sizeW, Cout, sizeOut, method === 'im2col' ? P * ckk : 0, Math.ceil(scratch),
  ]);
  const heap = kernels.heap;
  heap.set(input.subarray(0, sizeX), offX >> 2);
  heap.set(weight.subarray(0, sizeW), offW >> 2);
  if (bias) heap.set(bias.subarray(0, Cout), offB >> 2);
  const offBias = bias ? offB : 0;
  if (method === 'winograd') e.conv2dWinogradForward(N, C, H, W, Cout, pad, offX, offW, offBias, offOut, offS);
  else if (method === 'direct') e.conv2dDirectForward(N, C, H, W, Cout, k, pad, offX, offW, offBias, offOut, offS);
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
  checkMethod('conv2dBackward', s, 'backward', method);
  const e = kernels.exports;
  const direct = method !== 'im2col', winograd = method === 'winograd' ? 1 : 0;
  // im2col: per image columns (and the input gradient's), a GEMM's scratch and the weight gradient's partial sums.
  const [offX, offGy, offW, offDw, offDwNew, offDb, offDx, offCols, offDcols, offS, offT] = kernels.layout([
    sizeX, sizeGy, sizeW, sizeW, direct ? 0 : sizeW, Cout, sizeX, direct ? 0 : P * ckk, gradInput && !direct ? P * ckk : 0,
    direct ? Math.ceil(e.directBackwardScratchBytes(C, H, W, Cout, k, pad, winograd) / 4) : kernels.gemmScratch([[Cout, ckk, P], [P, ckk, Cout]]),
    direct ? 0 : sizeW,
  ]);
  const heap = kernels.heap;
  heap.set(input.subarray(0, sizeX), offX >> 2);
  heap.set(gradOut.subarray(0, sizeGy), offGy >> 2);
  heap.set(weight.subarray(0, sizeW), offW >> 2);
  heap.set(gradWeight.subarray(0, sizeW), offDw >> 2);
  if (gradBias) heap.set(gradBias.subarray(0, Cout), offDb >> 2);
  const [pDb, pDx] = [gradBias ? offDb : 0, gradInput ? offDx : 0];
  if (direct) e.conv2dDirectBackward(N, C, H, W, Cout, k, pad, offX, offGy, offW, offDw, pDb, pDx, winograd, offS);
  else e.conv2dBackward(N, C, H, W, Cout, k, stride, pad, offX, offGy, offW, offDw, offDwNew, pDb, pDx, offCols, offDcols, offS, offT);
  gradWeight.set(heap.subarray(offDw >> 2, (offDw >> 2) + sizeW));
  if (gradBias) gradBias.set(heap.subarray(offDb >> 2, (offDb >> 2) + Cout));
  if (gradInput) gradInput.set(heap.subarray(offDx >> 2, (offDx >> 2) + sizeX));
}
