import { loadMnist, type MnistSource } from '../data/index.js';
import type { RunConfig } from './config.js';
import { nodeEnvironment } from './environment.js';
import type { EpochMetrics, RunRecord } from './record.js';
import { trainModel, type TrainedRun, type TrainingHooks } from './trainer.js';

const sources = new Map<string, MnistSource>();

/** loadMnist with a per-process (per-worker) cache: the digit pools never change during a process. */
export function cachedLoadMnist(source: string): MnistSource {
  let s = sources.get(source);
  if (!s) {
    s = loadMnist(source);
    sources.set(source, s);
  }
  return s;
}

export interface RunOptions {
  onEpoch?: (m: EpochMetrics) => void;
  onStep?: TrainingHooks['onStep'];
  /** Defaults to cachedLoadMnist. */
  loadData?: (source: string) => MnistSource;
}

/**
 * Trains one run and returns its record: a pure function of the resolved config (validated here; all randomness
 * from Rng(config.seed) forks), safe to call in worker threads. Throws on a bad config or a non-finite loss.
 */
export function runTraining(config: RunConfig, options: RunOptions = {}): RunRecord {
  return trainRun(config, options).record;
}

/** runTraining that also returns the trained model and its data (the CLI saves the weights). */
export function trainRun(config: RunConfig, options: RunOptions = {}): TrainedRun {
  return trainModel(config, {
    onEpoch: options.onEpoch,
    onStep: options.onStep,
    loadData: options.loadData ?? cachedLoadMnist,
    environment: nodeEnvironment(),
  });
}
