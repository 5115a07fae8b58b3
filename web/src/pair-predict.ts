/**
 * One forward pass of a zoo model on one pair, read as the page shows it: P(first <= second) from the main
 * output (however the model's loss defines it) and, when the model has digit heads, both digits' softmaxes.
 */
import type { MainLossKind, PairModel } from '../../src/models/model.js';
import { PAIR_PIXELS, PAIR_SIDE } from '../../src/data/types.js';

export interface PairPrediction {
  /** P(first <= second) as the model states it (class 1 of the comparison target). */
  pLessEqual: number;
  /** Softmax over 0..9 of the first and second digit, when the model predicts digits. */
  digits: [Float64Array, Float64Array] | null;
}

function softmax(logits: Float32Array, offset: number, n: number): Float64Array {
  let max = -Infinity;
  for (let k = 0; k < n; k++) max = Math.max(max, logits[offset + k]);
  const out = new Float64Array(n);
  let sum = 0;
  for (let k = 0; k < n; k++) sum += out[k] = Math.exp(logits[offset + k] - max);
  for (let k = 0; k < n; k++) out[k] /= sum;
  return out;
}

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

/** P(first <= second) from row 0 of a main output. */
export function comparisonProbability(kind: MainLossKind, main: Float32Array): number {
  switch (kind) {
    case 'ce':
      return softmax(main, 0, 2)[1];
    case 'nll':
      return Math.exp(main[1]);
    case 'bce':
      return sigmoid(main[0]);
    case 'bce-onehot': {
      // Two independent sigmoids (one per class); normalised so the two read as one probability.
      const s0 = sigmoid(main[0]);
      const s1 = sigmoid(main[1]);
      return s1 / (s0 + s1);
    }
  }
}

/** Runs `model` (eval mode) on one pair of 14x14 network inputs. */
export function predictPair(model: PairModel, first: Float32Array, second: Float32Array): PairPrediction {
  if (first.length !== PAIR_PIXELS || second.length !== PAIR_PIXELS) {
    throw new Error(`predictPair: each image must have ${PAIR_PIXELS} values (14x14)`);
  }
  const data = new Float32Array(2 * PAIR_PIXELS);
  data.set(first, 0);
  data.set(second, PAIR_PIXELS);
  const out = model.forward({ data, shape: [1, 2, PAIR_SIDE, PAIR_SIDE] }, false);
  return {
    pLessEqual: comparisonProbability(model.mainLoss, out.main.data),
    digits: out.digits ? [softmax(out.digits[0].data, 0, 10), softmax(out.digits[1].data, 0, 10)] : null,
  };
}

export function argmax(p: ArrayLike<number>): number {
  let best = 0;
  for (let k = 1; k < p.length; k++) if (p[k] > p[best]) best = k;
  return best;
}
