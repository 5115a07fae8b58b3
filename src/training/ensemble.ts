import { shiftPairs, type PairSet } from '../data/browser.js';
import type { PairModel } from '../models/model.js';
import { comparisonProbability } from '../models/probability.js';
import { Batch } from './batches.js';
import type { Evaluation } from './evaluate.js';

export interface EnsembleOptions {
  /** Test-time augmentation: shifts of up to tta pixels each way (0: the pairs as they are). */
  tta: number;
  /** The value of a vacated pixel (the inputs' background). */
  fill: number;
  batchSize?: number;
}

/** Per pair, the ensemble's averaged P(first <= second) and, when every model has digit heads, digit posteriors. */
export interface EnsemblePrediction {
  prob: Float64Array;
  /** [count, 2, 10]: the averaged softmaxes of the first and the second digit, or null. */
  digits: Float64Array | null;
}

/**
 * An ensemble's predictions, each model on the test-time views of every pair: the pairs themselves and, with tta = t > 0,
 * the pairs shifted by every (dx, dy) in -t..t (both images alike, vacated pixels `fill`). Each model and view gives a
 * probability that the first digit is <= the second (comparisonProbability) and digit posteriors (softmax of the digit
 * logits); the ensemble averages them.
 */
export function predictEnsemble(models: readonly PairModel[], set: PairSet, options: EnsembleOptions): EnsemblePrediction {
  const views = shifts(options.tta);
  const prob = new Float64Array(set.count);
  const hasDigits = models.every((m) => m.hasDigits);
  const digits = hasDigits ? new Float64Array(set.count * 20) : null;
  let shifted: PairSet | undefined;
  for (const [dx, dy] of views) {
    const view = dx === 0 && dy === 0 ? set : (shifted = shiftPairs(set, dx, dy, options.fill, shifted));
    for (const model of models) accumulate(model, view, prob, digits, options.batchSize ?? 500);
  }
  const n = views.length * models.length;
  for (let i = 0; i < prob.length; i++) prob[i] /= n;
  if (digits) for (let i = 0; i < digits.length; i++) digits[i] /= n;
  return { prob, digits };
}

/**
 * Scores an ensemble (predictEnsemble) on `set`: it predicts the more probable class; loss: the mean negative
 * log-likelihood of the averaged probability.
 */
export function evaluateEnsemble(models: readonly PairModel[], set: PairSet, options: EnsembleOptions): Evaluation {
  const { prob, digits } = predictEnsemble(models, set, options);
  let lossSum = 0;
  let correct = 0;
  let digitsCorrect = 0;
  for (let i = 0; i < set.count; i++) {
    const p = prob[i];
    const t = set.target[i];
    lossSum -= Math.log(Math.max(t === 1 ? p : 1 - p, 1e-30));
    if ((p > 0.5 ? 1 : 0) === t) correct++;
    if (digits) for (let k = 0; k < 2; k++) digitsCorrect += Number(argmax(digits, i * 20 + k * 10) === set.classes[2 * i + k]);
  }
  return { loss: lossSum / set.count, accuracy: correct / set.count, digitAccuracy: digits ? digitsCorrect / (2 * set.count) : null };
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
      prob[from + j] += comparisonProbability(model.mainLoss, out.main.data, j);
      if (digits && out.digits) for (let k = 0; k < 2; k++) addSoftmax(out.digits[k].data, j * 10, digits, (from + j) * 20 + k * 10);
    }
  }
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
