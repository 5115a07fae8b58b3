import { shiftPairs, type PairSet } from '../data/browser.js';
import type { MainLossKind, PairModel } from '../models/model.js';
import { Batch } from './batches.js';
import type { Evaluation } from './evaluate.js';

/**
 * Scores an ensemble of models, each on the test-time views of every pair: the pairs themselves and, with tta = t > 0,
 * the pairs shifted by every (dx, dy) in -t..t (both images alike, vacated pixels `fill`). Each model and view gives a
 * probability that the first digit is <= the second (the main output through its sigmoid or two-class softmax) and
 * digit posteriors (softmax of the digit logits); the ensemble averages them and predicts the more probable class.
 * loss: the mean negative log-likelihood of the averaged probability.
 */
export function evaluateEnsemble(models: PairModel[], set: PairSet, options: { tta: number; fill: number; batchSize?: number }): Evaluation {
  const views = shifts(options.tta);
  const prob = new Float64Array(set.count);
  const digits = new Float64Array(set.count * 20);
  const hasDigits = models.every((m) => m.hasDigits);
  let shifted: PairSet | undefined;
  for (const [dx, dy] of views) {
    const view = dx === 0 && dy === 0 ? set : (shifted = shiftPairs(set, dx, dy, options.fill, shifted));
    for (const model of models) accumulate(model, view, prob, hasDigits ? digits : null, options.batchSize ?? 500);
  }
  const n = views.length * models.length;
  let lossSum = 0;
  let correct = 0;
  let digitsCorrect = 0;
  for (let i = 0; i < set.count; i++) {
    const p = prob[i] / n;
    const t = set.target[i];
    lossSum -= Math.log(Math.max(t === 1 ? p : 1 - p, 1e-30));
    if ((p > 0.5 ? 1 : 0) === t) correct++;
    if (hasDigits) for (let k = 0; k < 2; k++) digitsCorrect += Number(argmax(digits, i * 20 + k * 10) === set.classes[2 * i + k]);
  }
  return { loss: lossSum / set.count, accuracy: correct / set.count, digitAccuracy: hasDigits ? digitsCorrect / (2 * set.count) : null };
}

/** The (dx, dy) views of test-time augmentation t: (0, 0) first, then every other shift in -t..t. */
export function shifts(t: number): Array<[number, number]> {
  const out: Array<[number, number]> = [[0, 0]];
  for (let dy = -t; dy <= t; dy++) for (let dx = -t; dx <= t; dx++) if (dx !== 0 || dy !== 0) out.push([dx, dy]);
  return out;
}

/** Adds one model's probabilities (and digit posteriors) on `set`, in eval mode, to the sums. */
function accumulate(model: PairModel, set: PairSet, prob: Float64Array, digits: Float64Array | null, batchSize: number): void {
  const batch = new Batch();
  const order = Int32Array.from({ length: set.count }, (_, i) => i);
  for (let from = 0; from < set.count; from += batchSize) {
    const to = Math.min(set.count, from + batchSize);
    const out = model.forward(batch.fill(set, order, from, to), false);
    for (let j = 0; j < to - from; j++) {
      prob[from + j] += probabilityLe(model.mainLoss, out.main.data, j);
      if (digits && out.digits) for (let k = 0; k < 2; k++) addSoftmax(out.digits[k].data, j * 10, digits, (from + j) * 20 + k * 10);
    }
  }
}

/** P(first <= second) of row j of a main output, per its loss kind. */
export function probabilityLe(kind: MainLossKind, main: Float32Array, j: number): number {
  if (kind === 'bce') return 1 / (1 + Math.exp(-main[j]));
  const a = main[2 * j];
  const b = main[2 * j + 1];
  return 1 / (1 + Math.exp(a - b));
}

function addSoftmax(src: Float32Array, off: number, dst: Float64Array, at: number): void {
  let max = -Infinity;
  for (let k = 0; k < 10; k++) max = Math.max(max, src[off + k]);
  let sum = 0;
  for (let k = 0; k < 10; k++) sum += Math.exp(src[off + k] - max);
  for (let k = 0; k < 10; k++) dst[at + k] += Math.exp(src[off + k] - max) / sum;
}

function argmax(v: Float64Array, off: number): number {
  let best = 0;
  for (let k = 1; k < 10; k++) if (v[off + k] > v[off + best]) best = k;
  return best;
}
