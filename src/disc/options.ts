/**
 * Turns the raw strings of `pairnet disc` options into a validated plan. Kept apart from the commander wiring so
 * the rules (and their error messages naming the option and value) are tested without spawning the CLI.
 */
import { DEFAULT_PYTHON } from './torch.js';
import { resolveDiscConfig, type DiscActivation, type DiscConfig } from './config.js';

export interface DiscCliOptions {
  epochs?: string;
  lr?: string;
  batchSize?: string;
  activation?: string;
  outputs?: string;
  seed?: string;
  decayEpoch?: string;
  decayFactor?: string;
  standardize?: boolean;
  runs?: string;
  sweepLrs?: string;
  report?: string;
  compareTorch?: boolean;
  python?: string;
  json?: boolean;
  quiet?: boolean;
}

export interface DiscPlan {
  config: DiscConfig;
  runs: number;
  /** Learning rates of the report's sweep (run for tanh and relu). */
  sweepLrs: number[];
  reportDir: string | null;
  compareTorch: boolean;
  python: string;
  json: boolean;
  quiet: boolean;
}

export const DEFAULT_SWEEP_LRS = [0.5, 0.1, 0.05, 0.01];

function parseNumber(option: string, raw: string): number {
  const v = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(v)) throw new Error(`disc: ${option} must be a number, got '${raw}'`);
  return v;
}

function parseIntOption(option: string, raw: string, min: number): number {
  const v = parseNumber(option, raw);
  if (!Number.isInteger(v) || v < min) throw new Error(`disc: ${option} must be an integer >= ${min}, got '${raw}'`);
  return v;
}

function parsePositive(option: string, raw: string): number {
  const v = parseNumber(option, raw);
  if (v <= 0) throw new Error(`disc: ${option} must be > 0, got '${raw}'`);
  return v;
}

export function planDisc(o: DiscCliOptions): DiscPlan {
  const overrides: Partial<DiscConfig> = {};
  if (o.epochs !== undefined) overrides.epochs = parseIntOption('--epochs', o.epochs, 1);
  if (o.lr !== undefined) overrides.lr = parsePositive('--lr', o.lr);
  if (o.batchSize !== undefined) overrides.batchSize = parseIntOption('--batch-size', o.batchSize, 1);
  if (o.seed !== undefined) overrides.seed = parseIntOption('--seed', o.seed, 0);
  if (o.decayEpoch !== undefined) overrides.decayEpoch = parseIntOption('--decay-epoch', o.decayEpoch, 0);
  if (o.decayFactor !== undefined) {
    const f = parsePositive('--decay-factor', o.decayFactor);
    if (f > 1) throw new Error(`disc: --decay-factor must be in (0, 1], got '${o.decayFactor}'`);
    overrides.decayFactor = f;
  }
  if (o.standardize !== undefined) overrides.standardize = o.standardize;
  if (o.activation !== undefined) {
    if (o.activation !== 'tanh' && o.activation !== 'relu') {
      throw new Error(`disc: --activation must be tanh or relu, got '${o.activation}'`);
    }
    overrides.activation = o.activation as DiscActivation;
  }
  if (o.outputs !== undefined) {
    if (o.outputs !== '1' && o.outputs !== '2') throw new Error(`disc: --outputs must be 1 or 2, got '${o.outputs}'`);
    overrides.outputs = o.outputs === '1' ? 1 : 2;
  }
  const config = resolveDiscConfig(overrides);
  if (config.decayEpoch >= config.epochs) {
    throw new Error(`disc: --decay-epoch ${config.decayEpoch} must be below --epochs ${config.epochs} (0 = constant lr)`);
  }
  if (config.batchSize > config.trainPoints) {
    throw new Error(`disc: --batch-size ${config.batchSize} exceeds the ${config.trainPoints} training points`);
  }
  const sweepLrs =
    o.sweepLrs === undefined ? DEFAULT_SWEEP_LRS : o.sweepLrs.split(',').map((s) => parsePositive('--sweep-lrs', s));
  if (o.report === '') throw new Error('disc: --report needs a directory');
  return {
    config,
    runs: o.runs === undefined ? 1 : parseIntOption('--runs', o.runs, 1),
    sweepLrs,
    reportDir: o.report ?? null,
    compareTorch: o.compareTorch ?? false,
    python: o.python ?? DEFAULT_PYTHON,
    json: o.json ?? false,
    quiet: (o.quiet ?? false) || (o.json ?? false),
  };
}
