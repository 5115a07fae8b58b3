import type { RunConfig } from './config.js';

/** Metrics after one epoch. Test fields are null when the run evaluates only at the end. */
export interface EpochMetrics {
  epoch: number;
  lr: number;
  auxWeight: number;
  trainLoss: number;
  trainAccuracy: number;
  testLoss: number | null;
  testAccuracy: number | null;
  /** Fraction of digits classified right by the auxiliary heads; null for models without digit outputs. */
  testDigitAccuracy: number | null;
  seconds: number;
}

export interface FinalMetrics {
  trainLoss: number;
  trainAccuracy: number;
  testLoss: number;
  testAccuracy: number;
  testDigitAccuracy: number | null;
}

/** Everything a run produced: the one JSON record a study stores per run. */
export interface RunRecord {
  pairnetVersion: string;
  /** The fully resolved config: re-running it reproduces this record. */
  config: RunConfig;
  /** Human-readable description of the data actually used (source, pool sizes). */
  dataSource: string;
  parameterCount: number;
  epochs: EpochMetrics[];
  final: FinalMetrics;
  trainingSeconds: number;
  startedAt: string;
}
