/**
 * The WebAssembly SIMD backend: one kernel instance with its linear memory (wasm/instance.ts), each op bound to its
 * family's wasm binding. GEMMs below SMALL_GEMM multiply-adds run the reference loops: there a wasm call with its
 * copies costs more than it saves.
 */
import { AdamMoments, adamStepWasm, type AdamStepOptions } from './adam.js';
import type { AdamState, Backend } from './backend.js';
import {
  batchnormBackwardAt, batchnormBackwardWasm, batchnormForwardAt, batchnormForwardWasm, type NormBackwardAt, type NormForwardAt,
  type NormForwardOptions, type NormOptions, type NormShape, type XhatAt,
} from './batchnorm.js';
import {
  conv2dBackwardAt, conv2dBackwardWasm, conv2dForwardAt, conv2dForwardWasm, type ConvBackwardAt, type ConvForwardAt, type ConvShape,
} from './conv.js';
import {
  convReluBackwardAt, convReluBackwardWasm, convReluForwardAt, convReluForwardWasm, type BackwardAt, type ForwardAt, type PoolShape,
} from './conv-relu.js';
import { dropoutForwardWasm, multiplyWasm } from './dropout.js';
import {
  addReluAt, addReluWasm, leakyReluBackwardWasm, leakyReluWasm, reluBackwardAt, reluBackwardWasm, reluWasm,
} from './elementwise.js';
import { checkGemm, gemmBatchedWasm, gemmReference, gemmWasm, type GemmOptions } from './gemm.js';
import { col2imWasm, im2colWasm } from './im2col.js';
import { maxPool2dWasm } from './pool.js';
import { WasmInstance } from './wasm/instance.js';

const SMALL_GEMM = 200;

export class WasmBackend extends WasmInstance implements Backend {
  get name(): string {
    return `wasm-${this.variant}`;
  }

  gemm(M: number, N: number, K: number, A: Float32Array, B: Float32Array, C: Float32Array, opts: GemmOptions = {}): void {
    if (M * N * K < SMALL_GEMM && M * N * K > 0) {
      checkGemm('gemm', 1, M, N, K, A, 0, B, 0, C, 0);
      gemmReference(M, N, K, A, B, C, opts);
    } else {
      gemmWasm(this, M, N, K, A, B, C, opts);
    }
  }

  gemmBatched(
    batch: number, M: number, N: number, K: number, A: Float32Array, strideA: number, B: Float32Array, strideB: number,
    C: Float32Array, strideC: number, opts: GemmOptions = {},
  ): void {
    gemmBatchedWasm(this, batch, M, N, K, A, strideA, B, strideB, C, strideC, opts);
  }

  im2col(input: Float32Array, N: number, C: number, H: number, W: number, k: number, stride: number, pad: number, out: Float32Array): void {
    im2colWasm(this, input, N, C, H, W, k, stride, pad, out);
  }

  col2im(cols: Float32Array, N: number, C: number, H: number, W: number, k: number, stride: number, pad: number, gradInput: Float32Array): void {
    col2imWasm(this, cols, N, C, H, W, k, stride, pad, gradInput);
  }

  maxPool2d(planes: number, H: number, W: number, k: number, stride: number, input: Float32Array, out: Float32Array, argmax: Int32Array): void {
    maxPool2dWasm(this, planes, H, W, k, stride, input, out, argmax);
  }

  relu(x: Float32Array, y: Float32Array): void {
    reluWasm(this, x, y);
  }

  reluBackward(y: Float32Array, dy: Float32Array, dx: Float32Array): void {
    reluBackwardWasm(this, y, dy, dx);
  }

  addRelu(relu: boolean, a: Float32Array, b: Float32Array, y: Float32Array): void {
    addReluWasm(this, relu, a, b, y);
  }

  leakyRelu(slope: number, x: Float32Array, y: Float32Array): void {
    leakyReluWasm(this, slope, x, y);
  }

  leakyReluBackward(slope: number, x: Float32Array, dy: Float32Array, dx: Float32Array): void {
    leakyReluBackwardWasm(this, slope, x, dy, dx);
  }

  conv2dForward(s: ConvShape, input: Float32Array, weight: Float32Array, bias: Float32Array | undefined, out: Float32Array): void {
    conv2dForwardWasm(this, s, input, weight, bias, out);
  }

  conv2dBackward(
    s: ConvShape, input: Float32Array, gradOut: Float32Array, weight: Float32Array, gradWeight: Float32Array,
    gradBias: Float32Array | undefined, gradInput: Float32Array | undefined,
  ): void {
    conv2dBackwardWasm(this, s, input, gradOut, weight, gradWeight, gradBias, gradInput);
  }

  convReluForward(
    s: ConvShape, pool: PoolShape | undefined, input: Float32Array, weight: Float32Array, bias: Float32Array | undefined,
    out: Float32Array, argmax: Int32Array | undefined,
  ): void {
    convReluForwardWasm(this, s, pool, input, weight, bias, out, argmax);
  }

  convReluBackward(
    s: ConvShape, pool: PoolShape | undefined, input: Float32Array, gradOut: Float32Array, out: Float32Array,
    argmax: Int32Array | undefined, weight: Float32Array, gradWeight: Float32Array, gradBias: Float32Array | undefined,
    gradInput: Float32Array | undefined,
  ): void {
    convReluBackwardWasm(this, s, pool, input, gradOut, out, argmax, weight, gradWeight, gradBias, gradInput);
  }

  dropoutForward(seed: ArrayLike<number>, threshold: number, scale: number, x: Float32Array, y: Float32Array, mask: Float32Array): void {
    dropoutForwardWasm(this, seed, threshold, scale, x, y, mask);
  }

  multiply(a: Float32Array, b: Float32Array, out: Float32Array): void {
    multiplyWasm(this, a, b, out);
  }

  batchnormForward(
    s: NormShape, o: NormForwardOptions, x: Float32Array, gamma: Float32Array, beta: Float32Array, runningMean: Float32Array,
    runningVar: Float32Array, xhat: XhatAt, y: Float32Array, invStd: Float32Array,
  ): void {
    batchnormForwardWasm(this, s, o, x, gamma, beta, runningMean, runningVar, xhat, y, invStd);
  }

  batchnormBackward(
    s: NormShape, o: NormOptions, gy: Float32Array, xhat: XhatAt, gamma: Float32Array, beta: Float32Array,
    invStd: Float32Array, dgamma: Float32Array, dbeta: Float32Array, dx: Float32Array,
  ): void {
    batchnormBackwardWasm(this, s, o, gy, xhat, gamma, beta, invStd, dgamma, dbeta, dx);
  }

  adamStep(w: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, o: AdamStepOptions): void {
    adamStepWasm(this, w, g, m, v, o);
  }

  adamMoments(sizes: readonly number[]): AdamState {
    return new AdamMoments(this, sizes);
  }

  conv2dForwardAt(s: ConvShape, at: ConvForwardAt, weight: Float32Array, bias: Float32Array | undefined, from?: number): void {
    conv2dForwardAt(this, s, at, weight, bias, undefined, from);
  }

  conv2dBackwardAt(
    s: ConvShape, at: ConvBackwardAt, weight: Float32Array, gradWeight: Float32Array, gradBias: Float32Array | undefined, from?: number,
  ): void {
    conv2dBackwardAt(this, s, at, weight, gradWeight, gradBias, undefined, from);
  }

  convReluForwardAt(
    s: ConvShape, pool: PoolShape | undefined, at: ForwardAt, weight: Float32Array, bias: Float32Array | undefined, from?: number,
  ): void {
    convReluForwardAt(this, s, pool, at, weight, bias, from);
  }

  convReluBackwardAt(
    s: ConvShape, pool: PoolShape | undefined, at: BackwardAt, weight: Float32Array, gradWeight: Float32Array,
    gradBias: Float32Array | undefined, from?: number,
  ): void {
    convReluBackwardAt(this, s, pool, at, weight, gradWeight, gradBias, from);
  }

  batchnormForwardAt(
    s: NormShape, o: NormForwardOptions, at: NormForwardAt, gamma: Float32Array, beta: Float32Array, runningMean: Float32Array,
    runningVar: Float32Array, invStd: Float32Array, from?: number,
  ): void {
    batchnormForwardAt(this, s, o, at, gamma, beta, runningMean, runningVar, invStd, from);
  }

  batchnormBackwardAt(
    s: NormShape, o: NormOptions, at: NormBackwardAt, gamma: Float32Array, beta: Float32Array, invStd: Float32Array,
    dgamma: Float32Array, dbeta: Float32Array, from?: number,
  ): void {
    batchnormBackwardAt(this, s, o, at, gamma, beta, invStd, dgamma, dbeta, from);
  }

  reluBackwardAt(n: number, y: number, dy: number, dx: number): void {
    reluBackwardAt(this, n, y, dy, dx);
  }

  addReluAt(relu: boolean, n: number, a: number, b: number, y: number): void {
    addReluAt(this, relu, n, a, b, y);
  }
}
