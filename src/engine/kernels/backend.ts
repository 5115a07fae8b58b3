/**
 * The one way the engine calls kernels: a Backend object, handed to an execution plan (compile(m, { backend })) and
 * to the optimizers (Adam's backend option); modules run on defaultBackend() (default.ts). A backend owns a memory
 * (WebAssembly linear memory for WasmBackend) holding two kinds of operands: copied in and out per call (the ops that
 * take Float32Arrays), and resident (the At ops, at byte offsets of `heap`: a plan's conv chain keeps its activations
 * there from forward to backward, in regions from allocate()). Each op computes what its reference in the op
 * family's file (gemm.ts, conv.ts, conv-relu.ts, batchnorm.ts, elementwise.ts, pool.ts, dropout.ts, adam.ts) defines.
 * dispose() gives the memory back; the backend is unusable after.
 */
import type { AdamStepOptions } from './adam.js';
import type { NormBackwardAt, NormForwardAt, NormForwardOptions, NormOptions, NormShape, XhatAt } from './batchnorm.js';
import type { ConvBackwardAt, ConvForwardAt, ConvShape } from './conv.js';
import type { BackwardAt, ForwardAt, PoolShape } from './conv-relu.js';
import type { GemmOptions } from './gemm.js';
import type { RegionMemory } from './resident.js';

/** Adam's moment estimates of a parameter list, kept in a backend's memory (adamMoments). */
export interface AdamState {
  /** One step of parameter p: w updated in place from the gradient g, with p's moments. */
  step(p: number, w: Float32Array, g: Float32Array, o: AdamStepOptions): void;
  dispose(): void;
}

export interface Backend extends RegionMemory {
  /** The kernel build, e.g. wasm-relaxed (run records name it). */
  readonly name: string;
  /** The current view of the backend's memory (offsets are bytes; re-read it after any call, memory may grow). */
  readonly heap: Float32Array;
  /**
   * Consecutive scratch regions of the given float counts from `from` (default: the scratch area's start), valid until
   * the next call; returns their byte offsets and the end.
   */
  layout(sizes: number[], from?: number): number[];
  dispose(): void;

  gemm(M: number, N: number, K: number, A: Float32Array, B: Float32Array, C: Float32Array, opts?: GemmOptions): void;
  gemmBatched(
    batch: number, M: number, N: number, K: number, A: Float32Array, strideA: number, B: Float32Array, strideB: number,
    C: Float32Array, strideC: number, opts?: GemmOptions,
  ): void;
  im2col(input: Float32Array, N: number, C: number, H: number, W: number, k: number, stride: number, pad: number, out: Float32Array): void;
  col2im(cols: Float32Array, N: number, C: number, H: number, W: number, k: number, stride: number, pad: number, gradInput: Float32Array): void;
  maxPool2d(planes: number, H: number, W: number, k: number, stride: number, input: Float32Array, out: Float32Array, argmax: Int32Array): void;
  relu(x: Float32Array, y: Float32Array): void;
  reluBackward(y: Float32Array, dy: Float32Array, dx: Float32Array): void;
  addRelu(relu: boolean, a: Float32Array, b: Float32Array, y: Float32Array): void;
  leakyRelu(slope: number, x: Float32Array, y: Float32Array): void;
  leakyReluBackward(slope: number, x: Float32Array, dy: Float32Array, dx: Float32Array): void;
  conv2dForward(s: ConvShape, input: Float32Array, weight: Float32Array, bias: Float32Array | undefined, out: Float32Array): void;
  conv2dBackward(
    s: ConvShape, input: Float32Array, gradOut: Float32Array, weight: Float32Array, gradWeight: Float32Array,
    gradBias: Float32Array | undefined, gradInput: Float32Array | undefined,
  ): void;
  convReluForward(
    s: ConvShape, pool: PoolShape | undefined, input: Float32Array, weight: Float32Array, bias: Float32Array | undefined,
    out: Float32Array, argmax: Int32Array | undefined,
  ): void;
  convReluBackward(
    s: ConvShape, pool: PoolShape | undefined, input: Float32Array, gradOut: Float32Array, out: Float32Array,
    argmax: Int32Array | undefined, weight: Float32Array, gradWeight: Float32Array, gradBias: Float32Array | undefined,
    gradInput: Float32Array | undefined,
  ): void;
  dropoutForward(seed: ArrayLike<number>, threshold: number, scale: number, x: Float32Array, y: Float32Array, mask: Float32Array): void;
  multiply(a: Float32Array, b: Float32Array, out: Float32Array): void;
  batchnormForward(
    s: NormShape, o: NormForwardOptions, x: Float32Array, gamma: Float32Array, beta: Float32Array, runningMean: Float32Array,
    runningVar: Float32Array, xhat: XhatAt, y: Float32Array, invStd: Float32Array,
  ): void;
  batchnormBackward(
    s: NormShape, o: NormOptions, gy: Float32Array, xhat: XhatAt, gamma: Float32Array, beta: Float32Array,
    invStd: Float32Array, dgamma: Float32Array, dbeta: Float32Array, dx: Float32Array,
  ): void;
  adamStep(w: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, o: AdamStepOptions): void;
  /** Zeroed moments for parameters of these sizes, resident in this backend's memory until disposed. */
  adamMoments(sizes: readonly number[]): AdamState;

  conv2dForwardAt(s: ConvShape, at: ConvForwardAt, weight: Float32Array, bias: Float32Array | undefined, from?: number): void;
  conv2dBackwardAt(
    s: ConvShape, at: ConvBackwardAt, weight: Float32Array, gradWeight: Float32Array, gradBias: Float32Array | undefined, from?: number,
  ): void;
  convReluForwardAt(
    s: ConvShape, pool: PoolShape | undefined, at: ForwardAt, weight: Float32Array, bias: Float32Array | undefined, from?: number,
  ): void;
  convReluBackwardAt(
    s: ConvShape, pool: PoolShape | undefined, at: BackwardAt, weight: Float32Array, gradWeight: Float32Array,
    gradBias: Float32Array | undefined, from?: number,
  ): void;
  batchnormForwardAt(
    s: NormShape, o: NormForwardOptions, at: NormForwardAt, gamma: Float32Array, beta: Float32Array, runningMean: Float32Array,
    runningVar: Float32Array, invStd: Float32Array, from?: number,
  ): void;
  batchnormBackwardAt(
    s: NormShape, o: NormOptions, at: NormBackwardAt, gamma: Float32Array, beta: Float32Array, invStd: Float32Array,
    dgamma: Float32Array, dbeta: Float32Array, from?: number,
  ): void;
  reluBackwardAt(n: number, y: number, dy: number, dx: number): void;
  addReluAt(relu: boolean, n: number, a: number, b: number, y: number): void;
}
