/**
 * Conv2d on NCHW in one call per pass: the TypeScript reference (im2col + GEMM), the method choice, and the
 * WebAssembly binding in two forms, on operands at byte offsets of linear memory (the At variants, for a caller that
 * keeps activations there: a plan's conv chain) and copying (operands copied in, results out, through the At variant).
 */
import { checkLength } from './check.js';
import { gemmBatchedReference } from './gemm.js';
import { col2imReference, convOutSize, convSizes, im2colReference } from './im2col.js';
import type { WasmInstance } from './wasm/instance.js';

/** A Conv2d problem on NCHW: N images of C x H x W, Cout filters of C x k x k, stride, zero padding. */
export interface ConvShape {
  N: number;
  C: number;
  H: number;
  W: number;
  Cout: number;
  k: number;
  stride: number;
  pad: number;
}

/** [P = OH*OW, CKK = C*k*k, N*P*CKK (im2col size)]. */
export function convDims(s: ConvShape): [number, number, number] {
  const P = convOutSize(s.H, s.k, s.stride, s.pad) * convOutSize(s.W, s.k, s.stride, s.pad);
  const ckk = s.C * s.k * s.k;
  return [P, ckk, s.N * P * ckk];
}

/** out [N, Cout, OH, OW] = conv(input [N, C, H, W], weight [Cout, C, k, k]) + bias [Cout] (if given). */
export function conv2dForwardReference(
  s: ConvShape, input: Float32Array, weight: Float32Array, bias: Float32Array | undefined, out: Float32Array,
): void {
  const [P, ckk, colSize] = convDims(s);
  const cols = new Float32Array(colSize);
  im2colReference(input, s.N, s.C, s.H, s.W, s.k, s.stride, s.pad, cols);
  gemmBatchedReference(s.N, s.Cout, P, ckk, weight, 0, cols, P * ckk, out, s.Cout * P, { transB: true });
  if (!bias) return;
  for (let n = 0; n < s.N; n++) {
    for (let o = 0; o < s.Cout; o++) {
      for (let p = 0, at = (n * s.Cout + o) * P; p < P; p++) out[at + p] += bias[o];
    }
  }
}

/**
 * Gradients of conv2dForward for gradOut [N, Cout, OH, OW]: gradWeight += dL/dW, gradBias += dL/db
 * (if given), gradInput = dL/dx (if given).
 */
export function conv2dBackwardReference(
  s: ConvShape, input: Float32Array, gradOut: Float32Array, weight: Float32Array, gradWeight: Float32Array,
  gradBias: Float32Array | undefined, gradInput: Float32Array | undefined,
): void {
  const [P, ckk, colSize] = convDims(s);
  const cols = new Float32Array(colSize);
  im2colReference(input, s.N, s.C, s.H, s.W, s.k, s.stride, s.pad, cols);
  gemmBatchedReference(s.N, s.Cout, ckk, P, gradOut, s.Cout * P, cols, P * ckk, gradWeight, 0, { accumulate: true });
  if (gradBias) {
    for (let n = 0; n < s.N; n++) {
      for (let o = 0; o < s.Cout; o++) {
        let sum = 0;
        for (let p = 0, at = (n * s.Cout + o) * P; p < P; p++) sum += gradOut[at + p];
        gradBias[o] += sum;
      }
    }
  }
  if (!gradInput) return;
  const dcols = new Float32Array(colSize);
  gemmBatchedReference(s.N, P, ckk, s.Cout, gradOut, s.Cout * P, weight, 0, dcols, P * ckk, { transA: true });
  col2imReference(dcols, s.N, s.C, s.H, s.W, s.k, s.stride, s.pad, gradInput);
}

/** Validates a conv's geometry and operand lengths (undefined operands skipped); returns convDims(s). */
export function checkConv(fn: string, s: ConvShape, arrays: [string, Float32Array | undefined, number][]): [number, number, number] {
  const { N, C, H, W, Cout, k, stride, pad } = s;
  convSizes(fn, N, C, H, W, k, stride, pad);
  if (!Number.isInteger(Cout) || Cout < 1) throw new Error(`${fn}: Cout must be a positive integer, got ${Cout}`);
  for (const [name, arr, need] of arrays) if (arr) checkLength(fn, name, arr, need);
  return convDims(s);
}

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
 * The method that fits `s` and was fastest where measured (the bench's conv section; figures in README, Performance):
 * winograd, else direct, else im2col, except
 *  - fewer than 8 input channels (a first layer): im2col (Winograd's GEMMs over C channels and the per-tap weight
 *    gradient GEMMs C columns wide are too thin to pay);
 *  - direct backward only with padding and channel counts that are multiples of 8 (elsewhere it lost to im2col).
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

/** Byte offsets of a conv forward's operands in linear memory. */
export interface ConvForwardAt {
  x: number;
  out: number;
}

/**
 * conv2dForward on operands already in linear memory (a caller that keeps activations there, conv-chain.ts, or the
 * copying wrapper below); copies only the weights in. `from`: where its scratch may start.
 */
export function conv2dForwardAt(
  kernels: WasmInstance, s: ConvShape, at: ConvForwardAt, weight: Float32Array, bias: Float32Array | undefined,
  method = convMethod(s, 'forward'), from?: number,
): void {
  const { N, C, H, W, Cout, k, stride, pad } = s;
  const [P, ckk] = checkConv('conv2dForward', s, [['weight', weight, Cout * ckkOf(s)], ['bias', bias, Cout]]);
  checkMethod('conv2dForward', s, 'forward', method);
  const sizeW = Cout * ckk;
  const e = kernels.exports;
  const scratch = method === 'im2col'
    ? kernels.gemmScratch([[Cout, P, ckk]])
    : (method === 'winograd' ? e.winogradForwardScratchBytes(C, H, W, Cout, pad) : e.directForwardScratchBytes(C, H, W, Cout, k, pad)) / 4;
  // im2col goes image by image: one image's columns (P*CKK floats) of scratch.
  const [offW, offB, offCols, offS] = kernels.layout([sizeW, Cout, method === 'im2col' ? P * ckk : 0, Math.ceil(scratch)], from);
  const heap = kernels.heap;
  heap.set(weight.subarray(0, sizeW), offW >> 2);
  if (bias) heap.set(bias.subarray(0, Cout), offB >> 2);
  const offBias = bias ? offB : 0;
  if (method === 'winograd') e.conv2dWinogradForward(N, C, H, W, Cout, pad, at.x, offW, offBias, at.out, offS);
  else if (method === 'direct') e.conv2dDirectForward(N, C, H, W, Cout, k, pad, at.x, offW, offBias, at.out, offS);
  else e.conv2dForward(N, C, H, W, Cout, k, stride, pad, at.x, offW, offBias, at.out, offCols, offS);
}

/** out [N, Cout, OH, OW] = conv(input, weight [Cout, C, k, k]) + bias; as conv2dForwardReference. */
export function conv2dForwardWasm(
  kernels: WasmInstance, s: ConvShape, input: Float32Array, weight: Float32Array, bias: Float32Array | undefined,
  out: Float32Array, method = convMethod(s, 'forward'),
): void {
  const sizeX = s.N * s.C * s.H * s.W, sizeOut = s.N * s.Cout * outPlane(s);
  checkConv('conv2dForward', s, [['input', input, sizeX], ['out', out, sizeOut]]);
  const [x, o, end] = kernels.layout([sizeX, sizeOut]);
  kernels.heap.set(input.subarray(0, sizeX), x >> 2);
  conv2dForwardAt(kernels, s, { x, out: o }, weight, bias, method, end);
  out.set(kernels.heap.subarray(o >> 2, (o >> 2) + sizeOut));
}

/** Byte offsets of a conv backward's operands in linear memory (dx: 0 for no input gradient). */
export interface ConvBackwardAt {
  x: number;
  gy: number;
  dx: number;
}

/**
 * conv2dBackward on operands already in linear memory (as conv2dForwardAt); copies only the weights and their
 * gradients in, and the gradients out.
 */
export function conv2dBackwardAt(
  kernels: WasmInstance, s: ConvShape, at: ConvBackwardAt, weight: Float32Array, gradWeight: Float32Array,
  gradBias: Float32Array | undefined, method = convMethod(s, 'backward'), from?: number,
): void {
  const { N, C, H, W, Cout, k, stride, pad } = s;
  const sizeW = Cout * ckkOf(s);
  const [P, ckk] = checkConv('conv2dBackward', s, [
    ['weight', weight, sizeW], ['gradWeight', gradWeight, sizeW], ['gradBias', gradBias, Cout],
  ]);
  checkMethod('conv2dBackward', s, 'backward', method);
  const e = kernels.exports;
  const direct = method !== 'im2col', winograd = method === 'winograd' ? 1 : 0;
  // im2col: per image columns (and the input gradient's), a GEMM's scratch and the weight gradient's partial sums.
  const [offW, offDw, offDwNew, offDb, offCols, offDcols, offS, offT] = kernels.layout([
    sizeW, sizeW, direct ? 0 : sizeW, Cout, direct ? 0 : P * ckk, at.dx && !direct ? P * ckk : 0,
    direct ? Math.ceil(e.directBackwardScratchBytes(C, H, W, Cout, k, pad, winograd) / 4) : kernels.gemmScratch([[Cout, ckk, P], [P, ckk, Cout]]),
    direct ? 0 : sizeW,
  ], from);
  const heap = kernels.heap;
  heap.set(weight.subarray(0, sizeW), offW >> 2);
  heap.set(gradWeight.subarray(0, sizeW), offDw >> 2);
  if (gradBias) heap.set(gradBias.subarray(0, Cout), offDb >> 2);
  const pDb = gradBias ? offDb : 0;
  if (direct) e.conv2dDirectBackward(N, C, H, W, Cout, k, pad, at.x, at.gy, offW, offDw, pDb, at.dx, winograd, offS);
  else e.conv2dBackward(N, C, H, W, Cout, k, stride, pad, at.x, at.gy, offW, offDw, offDwNew, pDb, at.dx, offCols, offDcols, offS, offT);
  gradWeight.set(heap.subarray(offDw >> 2, (offDw >> 2) + sizeW));
  if (gradBias) gradBias.set(heap.subarray(offDb >> 2, (offDb >> 2) + Cout));
}

/** gradWeight += , gradBias += (if given), gradInput = (if given); as conv2dBackwardReference. */
export function conv2dBackwardWasm(
  kernels: WasmInstance, s: ConvShape, input: Float32Array, gradOut: Float32Array, weight: Float32Array,
  gradWeight: Float32Array, gradBias: Float32Array | undefined, gradInput: Float32Array | undefined, method = convMethod(s, 'backward'),
): void {
  const sizeX = s.N * s.C * s.H * s.W, sizeGy = s.N * s.Cout * outPlane(s);
  checkConv('conv2dBackward', s, [['input', input, sizeX], ['gradOut', gradOut, sizeGy], ['gradInput', gradInput, sizeX]]);
  const [x, gy, dx, end] = kernels.layout([sizeX, sizeGy, gradInput ? sizeX : 0]);
  const heap = kernels.heap;
  heap.set(input.subarray(0, sizeX), x >> 2);
  heap.set(gradOut.subarray(0, sizeGy), gy >> 2);
  conv2dBackwardAt(kernels, s, { x, gy, dx: gradInput ? dx : 0 }, weight, gradWeight, gradBias, method, end);
  if (gradInput) gradInput.set(kernels.heap.subarray(dx >> 2, (dx >> 2) + sizeX));
}
