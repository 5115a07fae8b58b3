/**
 * Trains a zoo model inside the page, off the main thread, with pairnet's own trainer (src/training): the same
 * code as `pairnet train`, fed with the page's digit samples instead of the MNIST files.
 */
import { encodeCheckpoint } from '../../src/training/checkpoint.js';
import type { DigitSet } from '../../src/data/types.js';
import type { Standardization } from '../../src/data/standardize.js';
import type { RunConfig } from '../../src/training/config.js';
import type { EpochMetrics, RunRecord } from '../../src/training/record.js';
import { trainModel } from '../../src/training/trainer.js';

export interface TrainRequest {
  config: RunConfig;
  train: DigitSet;
  test: DigitSet;
  description: string;
}

export type TrainMessage =
  | { type: 'step'; epoch: number; step: number; steps: number }
  | { type: 'epoch'; metrics: EpochMetrics }
  | { type: 'done'; record: RunRecord; weights: Uint8Array; standardization: Standardization | null }
  | { type: 'error'; message: string };

const post = (m: TrainMessage, transfer: Transferable[] = []): void => postMessage(m, { transfer });

onmessage = (e: MessageEvent<TrainRequest>) => {
  const { config, train, test, description } = e.data;
  try {
    let last = 0;
    const run = trainModel(config, {
      loadData: () => ({ train, test, description }),
      environment: { commit: null, node: null, cpu: navigator.userAgent },
      onStep: (step, steps, epoch) => {
        const now = performance.now();
        if (now - last < 100 && step < steps) return; // a few progress messages per second are enough
        last = now;
        post({ type: 'step', epoch, step, steps });
      },
      onEpoch: (metrics) => post({ type: 'epoch', metrics }),
    });
    const weights = encodeCheckpoint(run.model, config, run.data.stats);
    post({ type: 'done', record: run.record, weights, standardization: run.data.stats }, [weights.buffer]);
  } catch (err) {
    post({ type: 'error', message: err instanceof Error ? err.message : String(err) });
  }
};
