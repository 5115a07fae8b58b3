/**
 * The RunConfig every study starts from before its base, variant and protocol overrides: report 000's setting
 * (Adam 1e-3, batch 25, 1000/1000 standardized pairs from the embedded MNIST, cross-entropy main loss only).
 * A study config only needs to state what differs.
 */
import type { RunConfig } from '../training/config.js';

export function studyDefaults(): RunConfig {
  return {
    model: 'convsepnet',
    modelOptions: {},
    data: {
      source: 'embedded',
      trainPairs: 1000,
      testPairs: 1000,
      standardize: true,
      augment: { translate: 0, swap: false, repair: false },
      holdout: null,
    },
    optimizer: { name: 'adam', lr: 1e-3, momentum: 0, dampening: 0, nesterov: false, weightDecay: 0, betas: [0.9, 0.999], eps: 1e-8, rho: 0.9 },
    schedule: { kind: 'constant' },
    loss: { main: 1, aux: 0, auxSchedule: 'constant' },
    batchSize: 25,
    epochs: 25,
    evalEveryEpoch: true,
    seed: 0,
  };
}
