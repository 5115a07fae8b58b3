/**
 * The native batch normalisation (native/src/batchnorm.c): the WebAssembly kernel's arithmetic (per-plane float32
 * sums, float64 across planes; the same float32 elementwise steps), vectorised for the CPU's widest instruction set.
 * Activations are passed as (array, element offset): the caller's arrays, or the WebAssembly heap for a plan's
 * resident ones (the At ops, and a resident x_hat given as a byte offset).
 */
import {
  checkNormShape, type NormBackwardAt, type NormForwardAt, type NormForwardOptions, type NormOptions, type NormShape, type XhatAt,
} from './batchnorm.js';
import { heapElement as element, type NativeAddon } from './native-addon.js';

type Channels = [string, Float32Array][];

const channels = (s: NormShape, named: Channels): [string, Float32Array, number][] => named.map(([name, a]) => [name, a, s.C]);

/** A native backend's BatchNorm entry points; `heap` gives the backend's current heap view. */
export class NativeNorm {
  constructor(
    private readonly addon: NativeAddon,
    private readonly heap: () => Float32Array,
  ) {}

  /** x_hat as (array, element offset): its own array, or the heap at a resident byte offset. */
  private xhat(fn: string, xhat: XhatAt): [Float32Array, number] {
    return typeof xhat === 'number' ? [this.heap(), element(fn, 'xhat', xhat)] : [xhat, 0];
  }

  /** As batchnormForwardReference, on the caller's arrays (x_hat resident or not). */
  forward(
    s: NormShape, o: NormForwardOptions, x: Float32Array, gamma: Float32Array, beta: Float32Array, runningMean: Float32Array,
    runningVar: Float32Array, xhat: XhatAt, y: Float32Array, invStd: Float32Array,
  ): void {
    const n = s.N * s.C * s.S;
    const fn = 'batchnormForward';
    checkNormShape(fn, s, [
      ['x', x, n], ['y', y, n], ...(typeof xhat === 'number' ? [] : [['xhat', xhat, n] as [string, Float32Array, number]]),
      ...channels(s, [['gamma', gamma], ['beta', beta], ['runningMean', runningMean], ['runningVar', runningVar], ['invStd', invStd]]),
    ]);
    const [xh, xhAt] = this.xhat(fn, xhat);
    this.addon.batchnormForward(
      s.N, s.C, s.S, o.training ? 1 : 0, o.relu ? 1 : 0, o.momentum, o.eps, x, 0, gamma, beta, runningMean, runningVar, xh, xhAt,
      null, 0, y, 0, invStd,
    );
  }

  /** As batchnormBackwardReference: dgamma, dbeta accumulate; dx is overwritten. */
  backward(
    s: NormShape, o: NormOptions, gy: Float32Array, xhat: XhatAt, gamma: Float32Array, beta: Float32Array, invStd: Float32Array,
    dgamma: Float32Array, dbeta: Float32Array, dx: Float32Array,
  ): void {
    const n = s.N * s.C * s.S;
    const fn = 'batchnormBackward';
    checkNormShape(fn, s, [
      ['gy', gy, n], ['dx', dx, n], ...(typeof xhat === 'number' ? [] : [['xhat', xhat, n] as [string, Float32Array, number]]),
      ...channels(s, [['gamma', gamma], ['beta', beta], ['invStd', invStd], ['dgamma', dgamma], ['dbeta', dbeta]]),
    ]);
    const [xh, xhAt] = this.xhat(fn, xhat);
    this.addon.batchnormBackward(s.N, s.C, s.S, o.training ? 1 : 0, o.relu ? 1 : 0, gy, 0, xh, xhAt, gamma, beta, invStd, dgamma, dbeta, dx, 0);
  }

  /** forward on activations at byte offsets of the heap (with at.res: y = the output + res before the ReLU). */
  forwardAt(
    s: NormShape, o: NormForwardOptions, at: NormForwardAt, gamma: Float32Array, beta: Float32Array, runningMean: Float32Array,
    runningVar: Float32Array, invStd: Float32Array,
  ): void {
    const fn = 'batchnormForward';
    checkNormShape(fn, s, channels(s, [
      ['gamma', gamma], ['beta', beta], ['runningMean', runningMean], ['runningVar', runningVar], ['invStd', invStd],
    ]));
    const heap = this.heap();
    const res = at.res === undefined ? null : heap;
    this.addon.batchnormForward(
      s.N, s.C, s.S, o.training ? 1 : 0, o.relu ? 1 : 0, o.momentum, o.eps, heap, element(fn, 'x', at.x), gamma, beta, runningMean,
      runningVar, heap, element(fn, 'xhat', at.xhat), res, at.res === undefined ? 0 : element(fn, 'res', at.res), heap,
      element(fn, 'y', at.y), invStd,
    );
  }

  /** backward on activations at byte offsets of the heap. */
  backwardAt(
    s: NormShape, o: NormOptions, at: NormBackwardAt, gamma: Float32Array, beta: Float32Array, invStd: Float32Array,
    dgamma: Float32Array, dbeta: Float32Array,
  ): void {
    const fn = 'batchnormBackward';
    checkNormShape(fn, s, channels(s, [['gamma', gamma], ['beta', beta], ['invStd', invStd], ['dgamma', dgamma], ['dbeta', dbeta]]));
    const heap = this.heap();
    this.addon.batchnormBackward(
      s.N, s.C, s.S, o.training ? 1 : 0, o.relu ? 1 : 0, heap, element(fn, 'gy', at.gy), heap, element(fn, 'xhat', at.xhat), gamma,
      beta, invStd, dgamma, dbeta, heap, element(fn, 'dx', at.dx),
    );
  }
}
