/**
 * A zoo model, or an ensemble of them, on one pair, read as the page shows it: P(first <= second) and, when the
 * models have digit heads, both digits' softmaxes; an ensemble (with its test-time shifts) averages them exactly as
 * `pairnet eval` does (predictEnsemble).
 */
import { PAIR_PIXELS } from '../../src/data/types.js';
import type { PairModel } from '../../src/models/model.js';
import { predictEnsemble } from '../../src/training/ensemble.js';

export interface PairPrediction {
  /** P(first <= second) as the model states it (class 1 of the comparison target). */
  pLessEqual: number;
  /** Softmax over 0..9 of the first and second digit, when the model predicts digits. */
  digits: [Float64Array, Float64Array] | null;
}

/**
 * Runs `models` (eval mode) on one pair of 14x14 network inputs; with tta > 0 also on the pair shifted by up to tta
 * pixels each way, vacated pixels `fill` (the inputs' background).
 */
export function predictPair(
  models: PairModel | readonly PairModel[], first: Float32Array, second: Float32Array, view: { tta: number; fill: number } = { tta: 0, fill: 0 },
): PairPrediction {
  if (first.length !== PAIR_PIXELS || second.length !== PAIR_PIXELS) {
    throw new Error(`predictPair: each image must have ${PAIR_PIXELS} values (14x14)`);
  }
  const input = new Float32Array(2 * PAIR_PIXELS);
  input.set(first, 0);
  input.set(second, PAIR_PIXELS);
  const pair = { input, classes: new Int32Array(2), target: new Int32Array(1), count: 1 };
  const list = ([] as PairModel[]).concat(models);
  const { prob, digits } = predictEnsemble(list, pair, { ...view, batchSize: 1 });
  return { pLessEqual: prob[0], digits: digits ? [digits.slice(0, 10), digits.slice(10, 20)] : null };
}

export function argmax(p: ArrayLike<number>): number {
  let best = 0;
  for (let k = 1; k < p.length; k++) if (p[k] > p[best]) best = k;
  return best;
}
