/**
 * JS side of asm/batchnorm.ts: copies operands into linear memory, calls, copies results out (as reference.ts).
 * x_hat, which only the backward kernel reads, may instead stay in the kernels' memory: pass a byte offset of a
 * ResidentRegion of N*C*S floats in place of the array. The At variants take every activation as such an offset
 * (a chain of layers that keeps its activations there, conv-chain.ts) and copy only the per-channel arrays.
 */
import { checkNormShape, type NormForwardOptions, type NormOptions, type NormShape } from './reference-batchnorm.js';
import type { WasmKernels } from './wasm-kernels.js';

/** Where x_hat lives: a JS array, or a byte offset in the kernels' memory. */
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

const channelArrays = (C: number, named: [string, Float32Array][]): [string, Float32Array, number][] =>
  named.map(([name, a]) => [name, a, C]);

/** batchnormForwardWasm on activations in linear memory. `from`: where its scratch may start. */
export function batchnormForwardAt(
  kernels: WasmKernels, s: NormShape, o: NormForwardOptions, at: NormForwardAt, gamma: Float32Array, beta: Float32Array,
  runningMean: Float32Array, runningVar: Float32Array, invStd: Float32Array, from?: number,
): void {
  const C = s.C;
  checkNormShape('batchnormForward', s, channelArrays(C, [
    ['gamma', gamma], ['beta', beta], ['runningMean', runningMean], ['runningVar', runningVar], ['invStd', invStd],
  ]));
  const [offG, offB, offRm, offRv, offInv] = kernels.layout([C, C, C, C, C], from);
  const heap = kernels.heap;
  heap.set(gamma.subarray(0, C), offG >> 2);
  heap.set(beta.subarray(0, C), offB >> 2);
  heap.set(runningMean.subarray(0, C), offRm >> 2);
  heap.set(runningVar.subarray(0, C), offRv >> 2);
  kernels.exports.batchnormForward(
    s.N, C, s.S, o.training ? 1 : 0, o.relu ? 1 : 0, o.momentum, o.eps, at.x, offG, offB, offRm, offRv, at.xhat, at.res ?? 0, at.y,
    offInv,
  );
  invStd.set(heap.subarray(offInv >> 2, (offInv >> 2) + C));
  if (o.training) {
    runningMean.set(heap.subarray(offRm >> 2, (offRm >> 2) + C));
    runningVar.set(heap.subarray(offRv >> 2, (offRv >> 2) + C));
  }
}

/** As batchnormForwardReference; with `res`, y = that output + res before the ReLU (as addReluReference after it). */
export function batchnormForwardWasm(
  kernels: WasmKernels, s: NormShape, o: NormForwardOptions, x: Float32Array, gamma: Float32Array, beta: Float32Array,
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
  kernels: WasmKernels, s: NormShape, o: NormOptions, at: NormBackwardAt, gamma: Float32Array, beta: Float32Array,
  invStd: Float32Array, dgamma: Float32Array, dbeta: Float32Array, from?: number,
): void {
  const C = s.C;
  checkNormShape('batchnormBackward', s, channelArrays(C, [
    ['gamma', gamma], ['beta', beta], ['invStd', invStd], ['dgamma', dgamma], ['dbeta', dbeta],
  ]));
  const [offG, offB, offInv, offDg, offDb] = kernels.layout([C, C, C, C, C], from);
  const heap = kernels.heap;
  heap.set(gamma.subarray(0, C), offG >> 2);
  heap.set(beta.subarray(0, C), offB >> 2);
  heap.set(invStd.subarray(0, C), offInv >> 2);
  heap.set(dgamma.subarray(0, C), offDg >> 2);
  heap.set(dbeta.subarray(0, C), offDb >> 2);
  kernels.exports.batchnormBackward(
    s.N, C, s.S, o.training ? 1 : 0, o.relu ? 1 : 0, at.gy, at.xhat, offG, offB, offInv, offDg, offDb, at.dx,
  );
  dgamma.set(heap.subarray(offDg >> 2, (offDg >> 2) + C));
  dbeta.set(heap.subarray(offDb >> 2, (offDb >> 2) + C));
}

/** As batchnormBackwardReference. */
export function batchnormBackwardWasm(
  kernels: WasmKernels, s: NormShape, o: NormOptions, gy: Float32Array, xhat: XhatAt, gamma: Float32Array,
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
