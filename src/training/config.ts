/**
 * The typed run configuration: defaults plus overrides, like nanoGPT. A run is a pure function of its
 * resolved RunConfig (seed included), so it can run in-process, in a worker thread or on another machine.
 */
import type { DataConfig } from '../data/config.js';

export type { AugmentConfig, DataConfig } from '../data/config.js';

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
