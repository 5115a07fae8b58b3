import { ensure, type Tensor } from '../engine/index.js';
import { PAIR_PIXELS, type PairSet } from '../data/browser.js';
import type { BatchTargets } from './pair-loss.js';

/** A reusable minibatch: input [B, 2, 14, 14] and its targets, filled from a PairSet by indices. */
export class Batch {
  input: Tensor | undefined;
  targets: BatchTargets = { target: new Int32Array(0), first: new Int32Array(0), second: new Int32Array(0) };

  /** Fills rows indices[from..to) of `set` and returns the input tensor. */
  fill(set: PairSet, indices: ArrayLike<number>, from: number, to: number): Tensor {
    const b = to - from;
    const x = (this.input = ensure(this.input, [b, 2, 14, 14]));
    if (this.targets.target.length !== b) this.targets = { target: new Int32Array(b), first: new Int32Array(b), second: new Int32Array(b) };
    const { target, first, second } = this.targets;
    const n = 2 * PAIR_PIXELS;
    for (let j = 0; j < b; j++) {
      const i = indices[from + j];
      x.data.set(set.input.subarray(i * n, (i + 1) * n), j * n);
      target[j] = set.target[i];
      first[j] = set.classes[2 * i];
      second[j] = set.classes[2 * i + 1];
    }
    return x;
  }
}
