import type { PairSet } from '../data/browser.js';
import type { PairModel } from '../models/model.js';
import { Batch } from './batches.js';
import { PairLoss, predictTarget } from './pair-loss.js';

export interface Evaluation {
  /** Mean main loss (unweighted). */
  loss: number;
  accuracy: number;
  /** Fraction of the 2n digits the digit outputs classify right; null without digit outputs. */
  digitAccuracy: number | null;
}

/**
 * Scores a model on a pair set in eval mode (dropout off, BatchNorm running statistics), in batches; pass it compiled
 * (model.compile()) to run on its execution plan, as the trainer does.
 */
export function evaluate(model: PairModel, set: PairSet, batchSize = 500): Evaluation {
  const loss = new PairLoss(model.mainLoss);
  const batch = new Batch();
  const order = Int32Array.from({ length: set.count }, (_, i) => i);
  let lossSum = 0;
  let correct = 0;
  let digitsCorrect = 0;
  for (let from = 0; from < set.count; from += batchSize) {
    const to = Math.min(set.count, from + batchSize);
    const out = model.forward(batch.fill(set, order, from, to), false);
    lossSum += loss.forward(out, batch.targets, { main: 1, aux: 0 }).main * (to - from);
    const { target, first, second } = batch.targets;
    for (let j = 0; j < to - from; j++) {
      if (predictTarget(model.mainLoss, out.main, j) === target[j]) correct++;
      if (out.digits) digitsCorrect += Number(argmax10(out.digits[0].data, j) === first[j]) + Number(argmax10(out.digits[1].data, j) === second[j]);
    }
  }
  return { loss: lossSum / set.count, accuracy: correct / set.count, digitAccuracy: model.hasDigits ? digitsCorrect / (2 * set.count) : null };
}

export function argmax10(d: Float32Array, row: number): number {
  let best = 0;
  for (let k = 1; k < 10; k++) if (d[row * 10 + k] > d[row * 10 + best]) best = k;
  return best;
}
