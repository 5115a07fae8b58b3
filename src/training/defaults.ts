import type { RunConfig } from './config.js';
import { RUN_SCHEMA, defaultsOf } from './run-schema.js';

export { optimizerDefaults } from './run-schema.js';

/**
 * The default run (the schema's defaults): report 000's training setup over 25 epochs (Adam, lr 1e-3, batch 25,
 * 1000 train and 1000 test pairs, standardised inputs, main loss only). Models with digit outputs get their
 * auxiliary weight from the caller (e.g. report 000's f = 0.5 is loss.main = 0.5, loss.aux = 0.25).
 */
export function defaultRunConfig(): RunConfig {
  return defaultsOf(RUN_SCHEMA) as RunConfig;
}

/** Report 000's full protocol: 200 epochs, lr 1e-3 then 1e-4 after epoch 100, f = 0.5. */
export const REPORT_000_PROTOCOL = {
  epochs: 200,
  schedule: { kind: 'multistep', milestones: [100], gamma: 0.1 },
  loss: { main: 0.5, aux: 0.25 },
} as const;
