/**
 * Batch normalisation (asm/batchnorm.ts) with PyTorch's semantics: training normalises with the BIASED batch variance
 * and updates
 *   running_mean = (1 - momentum) * running_mean + momentum * mean,
 *   running_var  = (1 - momentum) * running_var  + momentum * var * M / (M - 1)   (UNBIASED, M values per channel);
 * eval normalises with the running statistics. The reference's sums are float64; its elementwise steps are float32
 * operations, as in the kernel, so the optional ReLU's mask recomputed in backward is the forward's exactly.
 * The WebAssembly binding copies operands in and results out; x_hat, which only the backward kernel reads, may instead
 * stay in linear memory (a byte offset of a ResidentRegion in place of the array). The At variants take every
 * activation as such an offset (a plan's conv chain keeps its activations there) and copy only the per-channel arrays.
 */
import type { WasmInstance } from './wasm/instance.js';

/** x is [N, C, S]: N samples, C channels (the statistics' groups), S values per channel and sample. */
export interface NormShape {
  N: number;
  C: number;
  S: number;
}

export interface NormOptions {
  training: boolean;
  /** ReLU after the affine step (the fused BatchNorm -> ReLU). */
  relu: boolean;
}

export interface NormForwardOptions extends NormOptions {
  momentum: number;
  eps: number;
}

const f = Math.fround;

export function checkNormShape(fn: string, s: NormShape, arrays: [string, ArrayLike<number>, number][]): void {
  for (const [k, v] of Object.entries(s)) {
    if (!Number.isInteger(v) || v < 1) throw new Error(`${fn}: ${k} must be a positive integer, got ${v}`);
  }
  for (const [name, arr, need] of arrays) {
    if (arr.length < need) throw new Error(`${fn}: ${name} has ${arr.length} elements, needs ${need}`);
  }
}

/** Forward: invStd[c] = 1/sqrt(var + eps), xhat = (x - mean) invStd, y = gamma xhat + beta (then max(y, 0) with relu). */
export function batchnormForwardReference(
  s: NormShape, o: NormForwardOptions, x: Float32Array, gamma: Float32Array, beta: Float32Array, runningMean: Float32Array,
  runningVar: Float32Array, xhat: Float32Array, y: Float32Array, invStd: Float32Array,
): void {
  const { N, C, S } = s;
  const m = N * S;
  for (let c = 0; c < C; c++) {
    let mean: number;
    let variance: number;
    if (o.training) {
      let sum = 0;
      for (let n = 0; n < N; n++) for (let i = 0, p = (n * C + c) * S; i < S; i++) sum += x[p + i];
      mean = sum / m;
      const mf = f(mean);
      let sq = 0;
      for (let n = 0; n < N; n++) {
        for (let i = 0, p = (n * C + c) * S; i < S; i++) {
          const d = f(x[p + i] - mf);
          sq += f(d * d);
        }
      }
      variance = sq / m;
      runningMean[c] = (1 - o.momentum) * runningMean[c] + o.momentum * mean;
      runningVar[c] = (1 - o.momentum) * runningVar[c] + o.momentum * (sq / (m - 1));
    } else {
      mean = runningMean[c];
      variance = runningVar[c];
    }
    const inv = f(1 / Math.sqrt(variance + o.eps));
    invStd[c] = inv;
    const mf = f(mean);
    for (let n = 0; n < N; n++) {
      for (let i = 0, p = (n * C + c) * S; i < S; i++) {
        const h = f(f(x[p + i] - mf) * inv);
        xhat[p + i] = h;
        const v = f(f(gamma[c] * h) + beta[c]);
        y[p + i] = o.relu && v <= 0 ? 0 : v;
      }
    }
  }
}

/**
 * Backward from batchnormForwardReference's xhat and invStd: dgamma, dbeta accumulated (+=), dx written. With relu
 * the gradient passes where gamma xhat + beta is not <= 0 (ReLU's output is not 0). training: dx = k (g - mean(g) -
 * xhat mean(g xhat)) with k = gamma invStd (the batch statistics depend on x); else dx = k g.
 */
export function batchnormBackwardReference(
  s: NormShape, o: NormOptions, gy: Float32Array, xhat: Float32Array, gamma: Float32Array, beta: Float32Array,
  invStd: Float32Array, dgamma: Float32Array, dbeta: Float32Array, dx: Float32Array,
): void {
  const { N, C, S } = s;
  const m = N * S;
  for (let c = 0; c < C; c++) {
    let sumG = 0;
    let sumGX = 0;
    for (let n = 0; n < N; n++) {
      for (let i = 0, p = (n * C + c) * S; i < S; i++) {
        const h = xhat[p + i];
        const d = o.relu && f(f(gamma[c] * h) + beta[c]) <= 0 ? 0 : gy[p + i];
        dx[p + i] = d;
        sumG += d;
        sumGX += f(d * h);
      }
    }
    dgamma[c] += sumGX;
    dbeta[c] += sumG;
    const k = f(gamma[c] * invStd[c]);
    const mg = f(sumG / m);
    const mgx = f(sumGX / m);
    for (let n = 0; n < N; n++) {
      for (let i = 0, p = (n * C + c) * S; i < S; i++) {
        dx[p + i] = o.training ? f(k * f(f(dx[p + i] - mg) - f(xhat[p + i] * mgx))) : f(k * dx[p + i]);
      }
    }
  }
}

/** Where x_hat lives: a JS array, or a byte offset in the backend's memory. */
export type XhatAt = Float32Array | number;

/** Byte offsets of a forward's activations in linear memory. */
export interface NormForwardAt {
  x: number;
  xhat: number;
  y: number;
  /** Added to the output before its ReLU (a residual block's shortcut), if given. */
  res?: number;
}

/** Byte offsets of a backward's activations in linear memory. */
export interface NormBackwardAt {
  gy: number;
  xhat: number;
  dx: number;
}

/** Checks per-channel operands (C floats each) and copies them to consecutive scratch regions from `from`; their offsets. */
function stageChannels(kernels: WasmInstance, fn: string, s: NormShape, named: [string, Float32Array][], from?: number): number[] {
  checkNormShape(fn, s, named.map(([name, a]) => [name, a, s.C]));
  const offsets = kernels.layout(named.map(() => s.C), from);
  named.forEach(([, a], i) => kernels.heap.set(a.subarray(0, s.C), offsets[i] >> 2));
  return offsets;
}

/** Copies C floats from each byte offset of linear memory back into its array. */
function readChannels(kernels: WasmInstance, C: number, pairs: [number, Float32Array][]): void {
  const heap = kernels.heap;
  for (const [off, a] of pairs) a.set(heap.subarray(off >> 2, (off >> 2) + C));
}

/** batchnormForwardWasm on activations in linear memory. `from`: where its scratch may start. */
export function batchnormForwardAt(
  kernels: WasmInstance, s: NormShape, o: NormForwardOptions, at: NormForwardAt, gamma: Float32Array, beta: Float32Array,
  runningMean: Float32Array, runningVar: Float32Array, invStd: Float32Array, from?: number,
): void {
  const [offG, offB, offRm, offRv, offInv] = stageChannels(kernels, 'batchnormForward', s, [
    ['gamma', gamma], ['beta', beta], ['runningMean', runningMean], ['runningVar', runningVar], ['invStd', invStd],
  ], from);
  kernels.exports.batchnormForward(
    s.N, s.C, s.S, o.training ? 1 : 0, o.relu ? 1 : 0, o.momentum, o.eps, at.x, offG, offB, offRm, offRv, at.xhat, at.res ?? 0, at.y,
    offInv,
  );
  readChannels(kernels, s.C, o.training ? [[offInv, invStd], [offRm, runningMean], [offRv, runningVar]] : [[offInv, invStd]]);
}

/** As batchnormForwardReference; with `res`, y = that output + res before the ReLU (as addReluReference after it). */
export function batchnormForwardWasm(
  kernels: WasmInstance, s: NormShape, o: NormForwardOptions, x: Float32Array, gamma: Float32Array, beta: Float32Array,
  runningMean: Float32Array, runningVar: Float32Array, xhat: XhatAt, y: Float32Array, invStd: Float32Array,
  res?: Float32Array,
): void {
  const n = s.N * s.C * s.S;
  const resident = typeof xhat === 'number';
  const operands: [string, Float32Array, number][] = [['x', x, n], ['y', y, n], ...(resident ? [] : [['xhat', xhat, n] as [string, Float32Array, number]])];
  checkNormShape('batchnormForward', s, res ? [...operands, ['res', res, n]] : operands);
  const [offX, offY, offXh, offRes, end] = kernels.layout([n, n, resident ? 0 : n, res ? n : 0]);
  kernels.heap.set(x.subarray(0, n), offX >> 2);
  if (res) kernels.heap.set(res.subarray(0, n), offRes >> 2);
  const at = { x: offX, xhat: resident ? xhat : offXh, y: offY, res: res ? offRes : undefined };
  batchnormForwardAt(kernels, s, o, at, gamma, beta, runningMean, runningVar, invStd, end);
  const heap = kernels.heap;
  y.set(heap.subarray(offY >> 2, (offY >> 2) + n));
  if (!resident) xhat.set(heap.subarray(offXh >> 2, (offXh >> 2) + n));
}

/** batchnormBackwardWasm on activations in linear memory. `from`: where its scratch may start. */
export function batchnormBackwardAt(
  kernels: WasmInstance, s: NormShape, o: NormOptions, at: NormBackwardAt, gamma: Float32Array, beta: Float32Array,
  invStd: Float32Array, dgamma: Float32Array, dbeta: Float32Array, from?: number,
): void {
  const [offG, offB, offInv, offDg, offDb] = stageChannels(kernels, 'batchnormBackward', s, [
    ['gamma', gamma], ['beta', beta], ['invStd', invStd], ['dgamma', dgamma], ['dbeta', dbeta],
  ], from);
  kernels.exports.batchnormBackward(
    s.N, s.C, s.S, o.training ? 1 : 0, o.relu ? 1 : 0, at.gy, at.xhat, offG, offB, offInv, offDg, offDb, at.dx,
  );
  readChannels(kernels, s.C, [[offDg, dgamma], [offDb, dbeta]]);
}

/** As batchnormBackwardReference. */
export function batchnormBackwardWasm(
  kernels: WasmInstance, s: NormShape, o: NormOptions, gy: Float32Array, xhat: XhatAt, gamma: Float32Array,
  beta: Float32Array, invStd: Float32Array, dgamma: Float32Array, dbeta: Float32Array, dx: Float32Array,
): void {
  const n = s.N * s.C * s.S;
  const resident = typeof xhat === 'number';
  checkNormShape('batchnormBackward', s, [['gy', gy, n], ['dx', dx, n], ...(resident ? [] : [['xhat', xhat, n] as [string, Float32Array, number]])]);
  const [offGy, offDx, offXh, end] = kernels.layout([n, n, resident ? 0 : n]);
  const heap = kernels.heap;
  heap.set(gy.subarray(0, n), offGy >> 2);
  if (!resident) heap.set(xhat.subarray(0, n), offXh >> 2);
  batchnormBackwardAt(kernels, s, o, { gy: offGy, xhat: resident ? xhat : offXh, dx: offDx }, gamma, beta, invStd, dgamma, dbeta, end);
  dx.set(kernels.heap.subarray(offDx >> 2, (offDx >> 2) + n));
}
