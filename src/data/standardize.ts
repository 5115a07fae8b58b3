/**
 * Standardisation as in the course: mu, std = train_input.mean(), train_input.std() (one scalar each, over every
 * pixel of the TRAIN pairs, torch's unbiased std), then (x - mu) / std on train and test alike. The trainer turns it
 * on by config; the stats are returned so the web page can apply the same transform. No Node imports.
 */
import { DataError } from './errors.js';
import type { PairSet } from './types.js';

export interface Standardization {
  mean: number;
  std: number;
}

/** Mean and unbiased std of all input values (accumulated in float64). */
export function computeStandardization(train: PairSet): Standardization {
  const x = train.input;
  if (x.length < 2) throw new DataError(`standardize: need at least 2 values, the training set has ${x.length}`);
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += x[i];
  const mean = sum / x.length;
  let sq = 0;
  for (let i = 0; i < x.length; i++) sq += (x[i] - mean) * (x[i] - mean);
  const std = Math.sqrt(sq / (x.length - 1));
  if (!(std > 0)) throw new DataError(`standardize: the training inputs are constant (std ${std}), cannot standardise`);
  return { mean, std };
}

/** (x - mean) / std into `out` (may be `x` itself for in place). */
export function standardizeValues(x: Float32Array, stats: Standardization, out: Float32Array = new Float32Array(x.length)): Float32Array {
  const inv = 1 / stats.std;
  for (let i = 0; i < x.length; i++) out[i] = (x[i] - stats.mean) * inv;
  return out;
}

/** A copy of `set` with standardised inputs (classes and targets shared, they do not change). */
export function standardize(set: PairSet, stats: Standardization): PairSet {
  return { ...set, input: standardizeValues(set.input, stats) };
}

/** Standardise train and test with the train statistics; the test set never informs the transform. */
export function standardizePairSets(train: PairSet, test: PairSet): { train: PairSet; test: PairSet; stats: Standardization } {
  const stats = computeStandardization(train);
  return { train: standardize(train, stats), test: standardize(test, stats), stats };
}

/** The network input of a blank (0) pixel: what a shifted image's vacated pixels become. */
export function backgroundValue(stats: Standardization | null): number {
  return stats ? -stats.mean / stats.std : 0;
}
