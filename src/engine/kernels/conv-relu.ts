/**
 * The fused Conv2d -> ReLU (-> MaxPool2d) pass (asm/conv-relu.ts): its reference, the composition of the single-layer
 * references, which is exactly what the fused kernels must compute; and its WebAssembly binding, on operands at byte
 * offsets of linear memory (At) and copying.
 */
import { conv2dBackwardReference, conv2dForwardReference, checkConv, convDims, type ConvShape } from './conv.js';
import { reluBackwardReference, reluReference } from './elementwise.js';
import { convOutSize } from './im2col.js';
import { maxPool2dReference } from './pool.js';
import type { WasmInstance } from './wasm/instance.js';

/** Max pooling after the ReLU: k x k windows, stride, no padding, floor mode. */
export interface PoolShape {
  k: number;
  stride: number;
}

/** Elements per image plane of the fused output: OH*OW, or PH*PW when pooled. */
export function convReluPlane(s: ConvShape, pool: PoolShape | undefined): number {
  const OH = convOutSize(s.H, s.k, s.stride, s.pad);
  const OW = convOutSize(s.W, s.k, s.stride, s.pad);
  if (!pool) return OH * OW;
  return convOutSize(OH, pool.k, pool.stride, 0) * convOutSize(OW, pool.k, pool.stride, 0);
}

/**
 * out = relu(conv(input) + bias) [N, Cout, OH, OW]; with `pool`, its max pooling [N, Cout, PH, PW] and argmax (one per
 * output) = the index of the chosen element within its OH x OW plane (maxPool2d's ties and NaN rule).
 */
export function convReluForwardReference(
  s: ConvShape, pool: PoolShape | undefined, input: Float32Array, weight: Float32Array, bias: Float32Array | undefined,
  out: Float32Array, argmax: Int32Array | undefined,
): void {
  const [P] = convDims(s);
  const y = new Float32Array(s.N * s.Cout * P);
  conv2dForwardReference(s, input, weight, bias, y);
  reluReference(y, y);
  if (!pool) {
    out.set(y);
    return;
  }
  const OH = convOutSize(s.H, s.k, s.stride, s.pad);
  const OW = convOutSize(s.W, s.k, s.stride, s.pad);
  const plane = convReluPlane(s, pool);
  const arg = argmax as Int32Array;
  maxPool2dReference(s.N * s.Cout, OH, OW, pool.k, pool.stride, y, out, arg);
  for (let i = 0; i < s.N * s.Cout * plane; i++) arg[i] -= Math.floor(i / plane) * P;
}

/**
 * Gradients of convReluForwardReference, given gradOut and the forward's out and argmax: gradWeight +=, gradBias +=
 * (if given), gradInput = (if given).
 */
export function convReluBackwardReference(
  s: ConvShape, pool: PoolShape | undefined, input: Float32Array, gradOut: Float32Array, out: Float32Array,
  argmax: Int32Array | undefined, weight: Float32Array, gradWeight: Float32Array, gradBias: Float32Array | undefined,
  gradInput: Float32Array | undefined,
): void {
  const [P] = convDims(s);
  const gy = new Float32Array(s.N * s.Cout * P);
  const plane = convReluPlane(s, pool);
  const n = s.N * s.Cout * plane;
  if (!pool) {
    reluBackwardReference(out.subarray(0, n), gradOut.subarray(0, n), gy);
  } else {
    const arg = argmax as Int32Array;
    for (let i = 0; i < n; i++) if (out[i] !== 0) gy[Math.floor(i / plane) * P + arg[i]] += gradOut[i];
  }
  conv2dBackwardReference(s, input, gy, weight, gradWeight, gradBias, gradInput);
}

export function checkArgmax(fn: string, argmax: Int32Array | undefined, pool: PoolShape | undefined, need: number): void {
  if (!pool) return;
  if (!argmax || argmax.length < need) throw new Error(`${fn}: argmax has ${argmax?.length ?? 0} elements, needs ${need}`);
}

/**
 * 3x3 convolutions with stride 1, no padding, pooled 2x2 with stride 2 and a multiple of 4 channels (ConvSepNet's
 * conv2) go by Winograd's F(2x2, 3x3) (asm/winograd.ts): 2.25x fewer multiplications, and each 2x2 output block is a
 * pooling window. Its rounding differs from the direct sum by a few ulps (the reference test uses exact integers).
 */
function winograd(s: ConvShape, pool: PoolShape | undefined): boolean {
  return s.k === 3 && s.stride === 1 && s.pad === 0 && pool?.k === 2 && pool.stride === 2 && s.Cout % 4 === 0;
}

/** Byte offsets of a fused forward's operands in linear memory (arg: 0 when not pooled). */
export interface ForwardAt {
  x: number;
  out: number;
  arg: number;
}

/**
 * convReluForward on operands already in linear memory (a caller that keeps activations there, conv-chain.ts, or
 * the copying wrapper below); copies only the weights in. `from`: where its scratch may start.
 */
export function convReluForwardAt(
  kernels: WasmInstance, s: ConvShape, pool: PoolShape | undefined, at: ForwardAt, weight: Float32Array,
  bias: Float32Array | undefined, from?: number,
): void {
  const { N, C, H, W, Cout, k, stride, pad } = s;
  const [P, ckk] = checkConv('convReluForward', s, [['weight', weight, Cout * C * k * k], ['bias', bias, Cout]]);
  const sizeW = Cout * ckk;
  const useWinograd = winograd(s, pool);
  const [offW, offB, offWT, offCols, offT, offS] = kernels.layout(
    useWinograd
      ? [sizeW, Cout, 0, 0, 0, Math.ceil(kernels.exports.winogradScratchBytes(C, Cout, H, W) / 4)]
      : [sizeW, Cout, sizeW, P * ckk, P * Cout, kernels.gemmScratch([[P, Cout, ckk], [Cout, P, ckk]])],
    from,
  );
  const heap = kernels.heap;
  heap.set(weight.subarray(0, sizeW), offW >> 2);
  if (bias) heap.set(bias.subarray(0, Cout), offB >> 2);
  if (useWinograd) {
    kernels.exports.convReluPoolWinograd(N, C, H, W, Cout, at.x, offW, bias ? offB : 0, at.out, at.arg, offS);
  } else {
    kernels.exports.convReluForward(
      N, C, H, W, Cout, k, stride, pad, pool?.k ?? 0, pool?.stride ?? 0,
      at.x, offW, bias ? offB : 0, at.out, at.arg, offWT, offCols, offT, offS,
    );
  }
}

/** out = relu(conv(input) + bias), max pooled with argmax when `pool` is given; as convReluForwardReference. */
export function convReluForwardWasm(
  kernels: WasmInstance, s: ConvShape, pool: PoolShape | undefined, input: Float32Array, weight: Float32Array,
  bias: Float32Array | undefined, out: Float32Array, argmax: Int32Array | undefined,
): void {
  const sizeX = s.N * s.C * s.H * s.W, sizeOut = s.N * s.Cout * convReluPlane(s, pool);
  checkConv('convReluForward', s, [['input', input, sizeX], ['out', out, sizeOut]]);
  checkArgmax('convReluForward', argmax, pool, sizeOut);
  const [x, o, arg, end] = kernels.layout([sizeX, sizeOut, pool ? sizeOut : 0]);
  kernels.heap.set(input.subarray(0, sizeX), x >> 2);
  convReluForwardAt(kernels, s, pool, { x, out: o, arg }, weight, bias, end);
  const heap = kernels.heap;
  out.set(heap.subarray(o >> 2, (o >> 2) + sizeOut));
  if (pool) (argmax as Int32Array).set(new Int32Array(heap.buffer, arg, sizeOut));
}

/** Byte offsets of a fused backward's operands in linear memory (arg: 0 when not pooled; dx: 0 for none). */
export interface BackwardAt {
  x: number;
  gy: number;
  y: number;
  arg: number;
  dx: number;
}

/**
 * convReluBackward on operands already in linear memory (as convReluForwardAt); copies only the weights and their
 * gradients in, and the gradients out.
 */
export function convReluBackwardAt(
  kernels: WasmInstance, s: ConvShape, pool: PoolShape | undefined, at: BackwardAt, weight: Float32Array,
  gradWeight: Float32Array, gradBias: Float32Array | undefined, from?: number,
): void {
  const { N, C, H, W, Cout, k, stride, pad } = s;
  const sizeW = Cout * C * k * k;
  const [P, ckk] = checkConv('convReluBackward', s, [
    ['weight', weight, sizeW], ['gradWeight', gradWeight, sizeW], ['gradBias', gradBias, Cout],
  ]);
  // The pooled case is sparse (lists in the G region, no GEMM scratch and weight-gradient parts).
  const dense = pool ? 0 : 1;
  const [offW, offDw, offDb, offG, offDwT, offDwPart, offCols, offDcols, offS] = kernels.layout([
    sizeW, sizeW, Cout,
    pool ? Math.ceil(kernels.exports.pooledScratchBytes(P, C, Cout, convReluPlane(s, pool)) / 4) : P * Cout,
    dense * sizeW, dense * sizeW, P * ckk, at.dx ? P * ckk : 0, dense * kernels.gemmScratch([[Cout, ckk, P], [P, ckk, Cout]]),
  ], from);
  const heap = kernels.heap;
  heap.set(weight.subarray(0, sizeW), offW >> 2);
  heap.set(gradWeight.subarray(0, sizeW), offDw >> 2);
  if (gradBias) heap.set(gradBias.subarray(0, Cout), offDb >> 2);
  kernels.exports.convReluBackward(
    N, C, H, W, Cout, k, stride, pad, pool?.k ?? 0, pool?.stride ?? 0, at.x, at.gy, at.y, at.arg, offW, offDw,
    gradBias ? offDb : 0, at.dx, offG, offDwT, offDwPart, offCols, offDcols, offS,
  );
  gradWeight.set(heap.subarray(offDw >> 2, (offDw >> 2) + sizeW));
  if (gradBias) gradBias.set(heap.subarray(offDb >> 2, (offDb >> 2) + Cout));
}

/**
 * Gradients of convReluForwardWasm given gradOut and that call's out and argmax (argmax must be as it wrote them):
 * gradWeight +=, gradBias += (if given), gradInput = (if given); as convReluBackwardReference.
 */
export function convReluBackwardWasm(
  kernels: WasmInstance, s: ConvShape, pool: PoolShape | undefined, input: Float32Array, gradOut: Float32Array,
  out: Float32Array, argmax: Int32Array | undefined, weight: Float32Array, gradWeight: Float32Array,
  gradBias: Float32Array | undefined, gradInput: Float32Array | undefined,
): void {
  const sizeX = s.N * s.C * s.H * s.W, sizeOut = s.N * s.Cout * convReluPlane(s, pool);
  checkConv('convReluBackward', s, [
    ['input', input, sizeX], ['gradOut', gradOut, sizeOut], ['out', out, sizeOut], ['gradInput', gradInput, sizeX],
  ]);
  checkArgmax('convReluBackward', argmax, pool, sizeOut);
  const [x, gy, y, arg, dx, end] = kernels.layout([sizeX, sizeOut, sizeOut, pool ? sizeOut : 0, gradInput ? sizeX : 0]);
  const heap = kernels.heap;
  heap.set(input.subarray(0, sizeX), x >> 2);
  heap.set(gradOut.subarray(0, sizeOut), gy >> 2);
  heap.set(out.subarray(0, sizeOut), y >> 2);
  if (pool) new Int32Array(heap.buffer, arg, sizeOut).set((argmax as Int32Array).subarray(0, sizeOut));
  convReluBackwardAt(kernels, s, pool, { x, gy, y, arg: pool ? arg : 0, dx: gradInput ? dx : 0 }, weight, gradWeight, gradBias, end);
  if (gradInput) gradInput.set(kernels.heap.subarray(dx >> 2, (dx >> 2) + sizeX));
}
