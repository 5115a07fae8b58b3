/**
 * A run's data from its DataConfig: the course's pair sets, the optional holdout fold, the optional
 * standardisation. The caller loads the MnistSource (loadMnist in Node, the page's own digits in a browser), so
 * this file has no Node imports. Augmentation is per epoch: the trainer calls augmentPairs on `train` with
 * `background` as the translation fill.
 */
import { Rng, deriveSeed } from '../engine/rng.js';
import type { DataConfig } from './config.js';
import { generatePairSets } from './pairs.js';
import { holdoutSplit } from './splits.js';
import { backgroundValue, computeStandardization, standardize } from './standardize.js';
import type { Standardization } from './standardize.js';
import type { MnistSource, PairSet } from './types.js';

export interface RunData {
  train: PairSet;
  /** The test pairs, or with config.holdout the held-out fold of the TRAINING pairs (the test set is then unused). */
  test: PairSet;
  /** What `test` is: 'test' or 'holdout fold f of k'. */
  evaluatedOn: string;
  /** Train statistics when config.standardize, else null. */
  stats: Standardization | null;
  /** The value of a blank pixel in `train` (0, or -mean/std once standardised): the fill for translations. */
  background: number;
}

export function prepareRunData(source: MnistSource, config: DataConfig, seed: number): RunData {
  const pairs = generatePairSets(source, { train: config.trainPairs, test: config.testPairs }, seed);
  let train = pairs.train;
  let test = pairs.test;
  let evaluatedOn = 'test';
  if (config.holdout) {
    const split = holdoutSplit(pairs.train, config.holdout, new Rng(deriveSeed(seed, 'holdout')));
    train = split.train;
    test = split.validation;
    evaluatedOn = `holdout fold ${config.holdout.fold} of ${config.holdout.folds}`;
  }
  if (!config.standardize) return { train, test, evaluatedOn, stats: null, background: 0 };
  const stats = computeStandardization(train);
  return {
    train: standardize(train, stats),
    test: standardize(test, stats),
    evaluatedOn,
    stats,
    background: backgroundValue(stats),
  };
}
