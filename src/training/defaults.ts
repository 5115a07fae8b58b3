import { MNIST_DEFAULT } from '../data/sources.js';
import type { OptimizerConfig, OptimizerName, RunConfig } from './config.js';

/**
 * The default run: report 000's training setup over 25 epochs (Adam, lr 1e-3, batch 25, 1000 train and 1000 test
 * pairs, standardised inputs, main loss only). Models with digit outputs get their auxiliary weight from the
 * caller (e.g. report 000's f = 0.5 is loss.main = 0.5, loss.aux = 0.25).
 */
export function defaultRunConfig(): RunConfig {
  return {
    model: 'convsepnet',
    modelOptions: {},
    data: {
      source: MNIST_DEFAULT,
      trainPairs: 1000,
      testPairs: 1000,
      standardize: true,
      augment: { translate: 0, swap: false, repair: false },
      holdout: null,
    },
    optimizer: optimizerDefaults('adam'),
    schedule: { kind: 'constant' },
    loss: { main: 1, aux: 0, auxSchedule: 'constant' },
    batchSize: 25,
    epochs: 25,
    evalEveryEpoch: true,
    seed: 0,
  };
}

/** PyTorch 1.13's defaults for each optimizer (SGD has no default lr there; 0.01 is report 002's). */
export function optimizerDefaults(name: OptimizerName): OptimizerConfig {
  const common = { momentum: 0, dampening: 0, nesterov: false, weightDecay: 0, betas: [0.9, 0.999] as [number, number], rho: 0.9 };
  if (name === 'adam') return { name, lr: 1e-3, eps: 1e-8, ...common };
  if (name === 'sgd') return { name, lr: 0.01, eps: 1e-8, ...common };
  return { name, lr: 1, eps: 1e-6, ...common };
}

/** Report 000's full protocol: 200 epochs, lr 1e-3 then 1e-4 after epoch 100, f = 0.5. */
export const REPORT_000_PROTOCOL = {
  epochs: 200,
  schedule: { kind: 'multistep', milestones: [100], gamma: 0.1 },
  loss: { main: 0.5, aux: 0.25 },
} as const;
