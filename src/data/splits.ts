/**
 * Splits of the TRAINING pairs for model selection (k-fold, train/validation). The test set is never split or
 * used to choose anything. No Node imports.
 */
import type { Rng } from '../engine/rng.js';
import { DataError } from './errors.js';
import { PAIR_PIXELS, allocPairSet } from './types.js';
import type { PairSet } from './types.js';

export interface Split {
  train: Int32Array;
  validation: Int32Array;
}

function order(n: number, rng?: Rng): Int32Array {
  if (rng) return rng.permutation(n);
  const idx = new Int32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  return idx;
}

/**
 * k folds over 0..n-1 (shuffled when an rng is given, else contiguous). Fold sizes differ by at most one (the
 * first n % k folds get the extra item, as in scikit-learn); each index is in exactly one validation set.
 */
export function kFold(n: number, k: number, rng?: Rng): Split[] {
  if (!Number.isInteger(k) || k < 2) throw new DataError(`kFold: k must be an integer >= 2, got ${k}`);
  if (!Number.isInteger(n) || n < k) throw new DataError(`kFold: cannot make ${k} folds of ${n} items`);
  const idx = order(n, rng);
  const folds: Split[] = [];
  let start = 0;
  for (let f = 0; f < k; f++) {
    const size = Math.floor(n / k) + (f < n % k ? 1 : 0);
    const validation = idx.slice(start, start + size);
    const train = new Int32Array(n - size);
    train.set(idx.subarray(0, start), 0);
    train.set(idx.subarray(start + size), start);
    folds.push({ train, validation });
    start += size;
  }
  return folds;
}

/** Hold out round(n * fraction) items for validation (shuffled when an rng is given, else the last ones). */
export function trainValidationSplit(n: number, validationFraction: number, rng?: Rng): Split {
  if (!(validationFraction > 0 && validationFraction < 1)) {
    throw new DataError(`trainValidationSplit: the validation fraction must be in (0, 1), got ${validationFraction}`);
  }
  const nVal = Math.round(n * validationFraction);
  if (nVal < 1 || nVal >= n) throw new DataError(`trainValidationSplit: ${validationFraction} of ${n} items leaves an empty side`);
  const idx = order(n, rng);
  return { train: idx.slice(0, n - nVal), validation: idx.slice(n - nVal) };
}

/** The pairs at `indices`, in that order (a copy). */
export function subset(pairs: PairSet, indices: ArrayLike<number>): PairSet {
  const out = allocPairSet(indices.length);
  for (let j = 0; j < indices.length; j++) {
    const i = indices[j];
    if (!Number.isInteger(i) || i < 0 || i >= pairs.count) throw new DataError(`subset: index ${i} is outside 0..${pairs.count - 1}`);
    out.input.set(pairs.input.subarray(i * 2 * PAIR_PIXELS, (i + 1) * 2 * PAIR_PIXELS), j * 2 * PAIR_PIXELS);
    out.classes[2 * j] = pairs.classes[2 * i];
    out.classes[2 * j + 1] = pairs.classes[2 * i + 1];
    out.target[j] = pairs.target[i];
  }
  return out;
}

/**
 * DataConfig.holdout: train on the other folds, validate on fold `fold` of `folds` (shuffled by `rng`, so a
 * given rng state always gives the same folds).
 */
export function holdoutSplit(
  pairs: PairSet,
  holdout: { folds: number; fold: number },
  rng: Rng,
): { train: PairSet; validation: PairSet } {
  const { folds, fold } = holdout;
  if (!Number.isInteger(fold) || fold < 0 || fold >= folds) throw new DataError(`holdout: fold ${fold} is outside 0..${folds - 1}`);
  const split = kFold(pairs.count, folds, rng)[fold];
  return { train: subset(pairs, split.train), validation: subset(pairs, split.validation) };
}
