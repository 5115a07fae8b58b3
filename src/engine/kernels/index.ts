// The kernel entry points the engine calls. Each dispatches to the fastest available implementation
// (WebAssembly SIMD, asm/kernels.ts); reference.ts, reference-conv-relu.ts and reference-batchnorm.ts hold the plain
// TypeScript definitions they are tested against (test/engine/kernels*.test.ts). All operands are row-major
// Float32Arrays; subarray views are fine and only the leading elements an operation needs are read or
// written. Operands are copied into the instance's linear memory per call (memcpy speed), which grows to
// the largest call made and is kept (WebAssembly memory cannot shrink); state that only kernels read
// between calls can live there instead (ResidentRegion: Adam's moments, a conv chain's activations, with
// the *At kernel variants). `npm run bench` times every kernel.
import { gemmReference, type AdamStepOptions, type ConvShape, type GemmOptions } from './reference.js';
import type { PoolShape } from './reference-conv-relu.js';
import type { NormForwardOptions, NormOptions, NormShape } from './reference-batchnorm.js';
import { batchnormBackwardWasm, batchnormForwardWasm, type XhatAt } from './wasm-batchnorm.js';
import { conv2dBackwardWasm, conv2dForwardWasm } from './wasm-conv.js';
import { convReluBackwardWasm, convReluForwardWasm } from './wasm-conv-relu.js';
import { dropoutForwardWasm, multiplyWasm } from './wasm-dropout.js';
import { addReluWasm, leakyReluBackwardWasm, leakyReluWasm, reluBackwardWasm, reluWasm } from './wasm-elementwise.js';
import { checkGemm, WasmKernels, relaxedSimdSupported, type KernelVariant } from './wasm-kernels.js';

export type { AdamStepOptions, ConvShape, GemmOptions } from './reference.js';
export {
  gemmReference, gemmBatchedReference, im2colReference, col2imReference, convOutSize, convDims, reluReference,
  reluBackwardReference, addReluReference, leakyReluReference, leakyReluBackwardReference, conv2dForwardReference,
  conv2dBackwardReference, maxPool2dReference, adamStepReference, dropoutForwardReference, multiplyReference, DROPOUT_SEED_WORDS,
} from './reference.js';
export {
  convReluBackwardReference, convReluForwardReference, convReluPlane, type PoolShape,
} from './reference-conv-relu.js';
export { WasmKernels, kernelBinary, relaxedSimdSupported, type KernelVariant } from './wasm-kernels.js';
export {
  conv2dBackwardAt, conv2dBackwardWasm, conv2dForwardAt, conv2dForwardWasm, convMethod, convMethodFits, type ConvBackwardAt,
  type ConvForwardAt, type ConvMethod,
} from './wasm-conv.js';
export { convReluBackwardWasm, convReluForwardWasm } from './wasm-conv-relu.js';
export { dropoutForwardWasm, multiplyWasm } from './wasm-dropout.js';
export { addReluWasm, leakyReluBackwardWasm, leakyReluWasm, reluBackwardWasm, reluWasm } from './wasm-elementwise.js';
export { AdamMoments } from './wasm-adam.js';
export {
  batchnormBackwardReference, batchnormForwardReference, type NormForwardOptions, type NormOptions, type NormShape,
} from './reference-batchnorm.js';
export {
  batchnormBackwardAt, batchnormBackwardWasm, batchnormForwardAt, batchnormForwardWasm, type NormBackwardAt, type NormForwardAt,
  type XhatAt,
} from './wasm-batchnorm.js';
export { ResidentRegion } from './resident.js';
export {
  convReluBackwardAt, convReluForwardAt, type BackwardAt, type ForwardAt,
} from './wasm-conv-relu.js';

let kernels: WasmKernels | undefined;
let pinned: KernelVariant | undefined;

/**
 * Node 20 keeps relaxed SIMD behind a V8 flag. Setting it here, before the first kernel is compiled, makes every
 * entry point (CLI, library, worker threads) choose the same build, so one config gives the same bits through any
 * of them. Browsers with relaxed SIMD (Chromium >= 114) need nothing; elsewhere this is a no-op.
 */
function enableRelaxedSimd(): void {
  const node = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const v8 = node?.getBuiltinModule?.('v8') as { setFlagsFromString?: (flag: string) => void } | undefined;
  v8?.setFlagsFromString?.('--experimental-wasm-relaxed-simd');
}

function envVariant(): KernelVariant | undefined {
  const v = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.PAIRNET_KERNELS;
  if (v === undefined || v === '' || v === 'auto') return undefined;
  if (v !== 'relaxed' && v !== 'simd') throw new Error(`PAIRNET_KERNELS must be relaxed, simd or auto, got "${v}"`);
  return v;
}

/**
 * Pins the kernel build for this process ('simd' gives the same bits on every CPU; 'relaxed' fused multiply-adds
 * may round differently across CPUs). Must come before the first kernel call. PAIRNET_KERNELS=simd|relaxed does the
 * same from the environment (and reaches worker threads).
 */
export function pinKernelVariant(variant: KernelVariant): void {
  if (kernels && kernels.variant !== variant) throw new Error(`kernels: the ${kernels.variant} build is already in use; pin the variant before the first kernel call`);
  pinned = variant;
}

/** The build the shared kernels use: the pinned one, else relaxed SIMD where the runtime has it, else plain SIMD. */
export function kernelVariant(): KernelVariant {
  if (kernels) return kernels.variant;
  const wanted = pinned ?? envVariant();
  if (wanted === 'simd') return 'simd';
  enableRelaxedSimd();
  if (relaxedSimdSupported()) return 'relaxed';
  if (wanted === 'relaxed') throw new Error('kernels: relaxed SIMD was asked for but this runtime does not support it');
  return 'simd';
}

/** The shared kernel instance, built on first use with kernelVariant()'s build (6x8 FMA tiles or 5x8 mul+add tiles). */
export function wasmKernels(): WasmKernels {
  kernels ??= new WasmKernels(kernelVariant());
  return kernels;
}

/** Below this many multiply-adds the plain loops win over a wasm call with its copies (README, Performance). */
const SMALL_GEMM = 200;

/**
 * C[M,N] (+)= op(A)[M,K] * op(B)[K,N]. transA: A is stored K x M (use A^T); transB: B is stored N x K;
 * accumulate: C += instead of C =. Transposes cost nothing extra (packing absorbs them).
 */
export function gemm(
  M: number, N: number, K: number, A: Float32Array, B: Float32Array, C: Float32Array, opts: GemmOptions = {},
): void {
  if (M * N * K < SMALL_GEMM && M * N * K > 0) {
    checkGemm('gemm', 1, M, N, K, A, 0, B, 0, C, 0);
    gemmReference(M, N, K, A, B, C, opts);
  } else {
    wasmKernels().gemm(M, N, K, A, B, C, opts);
  }
}

/**
 * Strided batched GEMM, one call for many small products: for i < batch,
 * C_i (+)= op(A_i)[M,K] op(B_i)[K,N] where X_i starts at element i*strideX of X (stride 0 = the same
 * matrix every time). strideC = 0 sums all products into C (C = sum, or C += sum with accumulate);
 * otherwise strideC >= M*N and elements between the C_i are left alone.
 * E.g. a convolution straight into NCHW, per image n (P = OH*OW, CKK = C*k*k, cols from im2col):
 *   forward  out_n[Cout,P] = W cols_n^T:  gemmBatched(N, Cout, P, CKK, W, 0, cols, P*CKK, out, Cout*P, { transB: true })
 *   dW += sum_n gradOut_n cols_n:         gemmBatched(N, Cout, CKK, P, gradOut, Cout*P, cols, P*CKK, dW, 0, { accumulate: true })
 *   dcols_n[P,CKK] = gradOut_n^T W:       gemmBatched(N, P, CKK, Cout, gradOut, Cout*P, W, 0, dcols, P*CKK, { transA: true })
 */
export function gemmBatched(
  batch: number, M: number, N: number, K: number, A: Float32Array, strideA: number, B: Float32Array, strideB: number,
  C: Float32Array, strideC: number, opts: GemmOptions = {},
): void {
  wasmKernels().gemmBatched(batch, M, N, K, A, strideA, B, strideB, C, strideC, opts);
}

/**
 * im2col of NCHW input [N, C, H, W] for a k x k window (stride, zero padding) into
 * out [N*OH*OW, C*k*k]: row (n*OH + oh)*OW + ow, column (c*k + ki)*k + kj. Conv forward is then
 * gemm(N*OH*OW, Cout, C*k*k, out, weight, rows, { transB: true }) giving rows [N*OH*OW, Cout];
 * dW += gemm(Cout, C*k*k, N*OH*OW, gradRows, cols, dW, { transA: true, accumulate: true });
 * dcols = gemm(N*OH*OW, C*k*k, Cout, gradRows, weight, dcols). OH = floor((H + 2pad - k)/stride) + 1.
 */
export function im2col(
  input: Float32Array, N: number, C: number, H: number, W: number, k: number, stride: number, pad: number, out: Float32Array,
): void {
  wasmKernels().im2col(input, N, C, H, W, k, stride, pad, out);
}

/** The adjoint of im2col (same layouts): gradInput [N, C, H, W] is overwritten with the sum of the cols entries read from each element. */
export function col2im(
  cols: Float32Array, N: number, C: number, H: number, W: number, k: number, stride: number, pad: number, gradInput: Float32Array,
): void {
  wasmKernels().col2im(cols, N, C, H, W, k, stride, pad, gradInput);
}

/**
 * Max pooling of `planes` H x W planes (an NCHW tensor has N*C of them) over k x k windows with a
 * stride, no padding, floor mode: out [planes, OH, OW] = window maxima, argmax [planes*OH*OW] = the
 * flat input index of each (ties: first in row-major window order; a NaN wins, as in PyTorch).
 * The backward pass is a scatter: gradInput = 0, then gradInput[argmax[i]] += gradOut[i].
 */
export function maxPool2d(
  planes: number, H: number, W: number, k: number, stride: number, input: Float32Array, out: Float32Array, argmax: Int32Array,
): void {
  wasmKernels().maxPool2d(planes, H, W, k, stride, input, out, argmax);
}

/** y[i] = max(x[i], 0) for i < x.length; NaN stays NaN, -0 and -Infinity give +0 (PyTorch's relu). */
export function relu(x: Float32Array, y: Float32Array): void {
  reluWasm(wasmKernels(), x, y);
}

/** dx[i] = y[i] != 0 ? dy[i] : 0 for i < dy.length, where y is relu's output (NaN passes the gradient). */
export function reluBackward(y: Float32Array, dy: Float32Array, dx: Float32Array): void {
  reluBackwardWasm(wasmKernels(), y, dy, dx);
}

/** y[i] = a[i] + b[i] for i < a.length, then max(y[i], 0) when relu (NaN stays NaN, as relu). */
export function addRelu(relu: boolean, a: Float32Array, b: Float32Array, y: Float32Array): void {
  addReluWasm(wasmKernels(), relu, a, b, y);
}

/** y[i] = x[i] > 0 ? x[i] : x[i] * slope for i < x.length (float32 slope; NaN stays NaN), as PyTorch's leaky_relu. */
export function leakyRelu(slope: number, x: Float32Array, y: Float32Array): void {
  leakyReluWasm(wasmKernels(), slope, x, y);
}

/** dx[i] = x[i] > 0 ? dy[i] : dy[i] * slope for i < dy.length, where x is leakyRelu's input. */
export function leakyReluBackward(slope: number, x: Float32Array, dy: Float32Array, dx: Float32Array): void {
  leakyReluBackwardWasm(wasmKernels(), slope, x, dy, dx);
}

/**
 * Conv2d forward on NCHW in one call: out [N, Cout, OH, OW] = conv(input [N, C, H, W], weight
 * [Cout, C, k, k]) + bias [Cout] (bias optional), inside WebAssembly: stride 1 with pad <= k-1 on a padded copy of
 * each image without im2col (3x3 with even output sizes by Winograd's F(2x2, 3x3)), else per image im2col and a GEMM
 * written straight in NCHW (convMethod).
 */
export function conv2dForward(
  s: ConvShape, input: Float32Array, weight: Float32Array, bias: Float32Array | undefined, out: Float32Array,
): void {
  conv2dForwardWasm(wasmKernels(), s, input, weight, bias, out);
}

/**
 * Conv2d backward in one call, for gradOut [N, Cout, OH, OW]: gradWeight += dL/dW, gradBias += dL/db
 * (if given), gradInput = dL/dx (if given; skip it for a first layer). Same methods as conv2dForward.
 */
export function conv2dBackward(
  s: ConvShape, input: Float32Array, gradOut: Float32Array, weight: Float32Array, gradWeight: Float32Array,
  gradBias: Float32Array | undefined, gradInput: Float32Array | undefined,
): void {
  conv2dBackwardWasm(wasmKernels(), s, input, gradOut, weight, gradWeight, gradBias, gradInput);
}

/**
 * Conv2d -> ReLU (-> MaxPool2d when `pool` is given) forward in one call: out = relu(conv(input) + bias)
 * [N, Cout, OH, OW], or its max pooling [N, Cout, PH, PW] with argmax = the index of each output's element within
 * its OH x OW plane. Neither the conv nor the ReLU output goes through JS.
 */
export function convReluForward(
  s: ConvShape, pool: PoolShape | undefined, input: Float32Array, weight: Float32Array, bias: Float32Array | undefined,
  out: Float32Array, argmax: Int32Array | undefined,
): void {
  convReluForwardWasm(wasmKernels(), s, pool, input, weight, bias, out, argmax);
}

/**
 * Backward of convReluForward from its out and argmax: gradWeight +=, gradBias += (if given), gradInput = (if given;
 * skip it for a first layer). Pooled, only each window's argmax gets a gradient, so it runs sparse (no GEMM).
 */
export function convReluBackward(
  s: ConvShape, pool: PoolShape | undefined, input: Float32Array, gradOut: Float32Array, out: Float32Array,
  argmax: Int32Array | undefined, weight: Float32Array, gradWeight: Float32Array, gradBias: Float32Array | undefined,
  gradInput: Float32Array | undefined,
): void {
  convReluBackwardWasm(wasmKernels(), s, pool, input, gradOut, out, argmax, weight, gradWeight, gradBias, gradInput);
}

/**
 * Dropout forward: mask[i] = scale or 0 from the next draw of stream i % 4 of the 4 xoshiro128** streams seeded with
 * `seed` (16 words; kept when below `threshold`), y = x * mask; as dropoutForwardReference, bit for bit.
 */
export function dropoutForward(
  seed: ArrayLike<number>, threshold: number, scale: number, x: Float32Array, y: Float32Array, mask: Float32Array,
): void {
  dropoutForwardWasm(wasmKernels(), seed, threshold, scale, x, y, mask);
}

/** out[i] = a[i] * b[i] for i < a.length (dropout's backward). */
export function multiply(a: Float32Array, b: Float32Array, out: Float32Array): void {
  multiplyWasm(wasmKernels(), a, b, out);
}

/**
 * One Adam step in float32 SIMD, as adamStepReference: w, m, v (same length) are updated in place from the
 * gradient g (at least as long).
 */
export function adamStep(w: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, o: AdamStepOptions): void {
  wasmKernels().adamStep(w, g, m, v, o);
}

/**
 * Batch normalisation of x [N, C, S] per channel (then ReLU when o.relu), as batchnormForwardReference: writes y,
 * x_hat (an array, or a byte offset of a ResidentRegion for the backward pass) and invStd; in training updates the
 * running statistics in place.
 */
export function batchnormForward(
  s: NormShape, o: NormForwardOptions, x: Float32Array, gamma: Float32Array, beta: Float32Array, runningMean: Float32Array,
  runningVar: Float32Array, xhat: XhatAt, y: Float32Array, invStd: Float32Array,
): void {
  batchnormForwardWasm(wasmKernels(), s, o, x, gamma, beta, runningMean, runningVar, xhat, y, invStd);
}

/** Backward of batchnormForward from its x_hat and invStd: dgamma +=, dbeta +=, dx =. */
export function batchnormBackward(
  s: NormShape, o: NormOptions, gy: Float32Array, xhat: XhatAt, gamma: Float32Array, beta: Float32Array,
  invStd: Float32Array, dgamma: Float32Array, dbeta: Float32Array, dx: Float32Array,
): void {
  batchnormBackwardWasm(wasmKernels(), s, o, gy, xhat, gamma, beta, invStd, dgamma, dbeta, dx);
}
