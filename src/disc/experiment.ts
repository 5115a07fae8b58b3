/**
 * Many disc runs of one config (fresh data and weights each: run i uses seed config.seed + i), and the
 * learning-rate x activation sweep of the report. Runs execute one after another: the net is tiny.
 */
import { summarize, type Summary } from '../studies/statistics.js';
import type { DiscActivation, DiscConfig } from './config.js';
import { trainDisc, type DiscEpoch, type DiscRun } from './train.js';

/** What a multi-run keeps of each run: metrics only (the first run's model is kept apart for the decision map). */
export interface DiscRunSummary {
  seed: number;
  trainError: number;
  testError: number;
  trainingSeconds: number;
  trainingCpuSeconds: number;
  epochs: DiscEpoch[];
}

export interface DiscMultiRun {
  config: DiscConfig;
  runs: DiscRunSummary[];
  test: Summary;
  train: Summary;
  meanTrainingSeconds: number;
  meanTrainingCpuSeconds: number;
  /** The first run in full (model and data), for the decision map and the PyTorch side-by-side. */
  first: DiscRun;
  /** Data of every run, so the PyTorch side-by-side can train on exactly the same points. */
  sets: Pick<DiscRun, 'train' | 'test'>[];
}

export interface RunManyOptions {
  /** Per-epoch train/test errors (see TrainDiscOptions.curves). */
  curves?: boolean;
  onRun?: (index: number, run: DiscRun) => void;
  onEpoch?: (index: number, e: DiscEpoch) => void;
}

export function runDiscMany(
  config: DiscConfig,
  runs: number,
  { curves = false, onRun, onEpoch }: RunManyOptions = {},
): DiscMultiRun {
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`disc: runs must be a positive integer, got ${runs}`);
  const summaries: DiscRunSummary[] = [];
  const sets: Pick<DiscRun, 'train' | 'test'>[] = [];
  let first: DiscRun | undefined;
  for (let i = 0; i < runs; i++) {
    const run = trainDisc({ ...config, seed: config.seed + i }, { curves, onEpoch: onEpoch && ((e) => onEpoch(i, e)) });
    first ??= run;
    sets.push({ train: run.train, test: run.test });
    summaries.push({
      seed: run.config.seed,
      trainError: run.trainError,
      testError: run.testError,
      trainingSeconds: run.trainingSeconds,
      trainingCpuSeconds: run.trainingCpuSeconds,
      epochs: run.epochs,
    });
    onRun?.(i, run);
  }
  return {
    config,
    runs: summaries,
    test: summarize(summaries.map((r) => r.testError)),
    train: summarize(summaries.map((r) => r.trainError)),
    meanTrainingSeconds: summaries.reduce((a, r) => a + r.trainingSeconds, 0) / runs,
    meanTrainingCpuSeconds: summaries.reduce((a, r) => a + r.trainingCpuSeconds, 0) / runs,
    first: first as DiscRun,
    sets,
  };
}

export interface SweepCell {
  activation: DiscActivation;
  lr: number;
  test: Summary;
  train: Summary;
  meanTrainingSeconds: number;
  meanTrainingCpuSeconds: number;
}

/**
 * The 004 report's sweep: every (activation, lr) pair, `runs` runs each, same seeds across cells. A cell with the
 * same config as `reuse` (the main multi-run, already trained) takes its results instead of training again.
 */
export function discSweep(
  base: DiscConfig,
  lrs: readonly number[],
  activations: readonly DiscActivation[],
  runs: number,
  reuse?: DiscMultiRun,
  onCell?: (cell: SweepCell) => void,
): SweepCell[] {
  const cells: SweepCell[] = [];
  for (const activation of activations) {
    for (const lr of lrs) {
      const config = { ...base, activation, lr };
      const same = reuse && reuse.runs.length === runs && JSON.stringify(reuse.config) === JSON.stringify(config);
      const m = same ? reuse : runDiscMany(config, runs);
      const cell = {
        activation,
        lr,
        test: m.test,
        train: m.train,
        meanTrainingSeconds: m.meanTrainingSeconds,
        meanTrainingCpuSeconds: m.meanTrainingCpuSeconds,
      };
      cells.push(cell);
      onCell?.(cell);
    }
  }
  return cells;
}
