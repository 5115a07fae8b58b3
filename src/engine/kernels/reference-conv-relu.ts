/**
 * Reference of the fused Conv2d -> ReLU (-> MaxPool2d) kernels: the composition of the single-layer references,
 * which is exactly what the fused kernels must compute.
 */
import {
  conv2dBackwardReference, conv2dForwardReference, convDims, convOutSize, maxPool2dReference, reluBackwardReference,
  reluReference, type ConvShape,
} from './reference.js';

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
