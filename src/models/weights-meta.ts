/**
 * The metadata `pairnet train --save` (and the page's trainer) writes into a weights file, and its reading: the
 * zoo model and options the weights belong to, and the standardisation of the training inputs. One writer and one
 * reader for the CLI and the page; a bad value (std 0, mean NaN, options that are not JSON) is an error naming the
 * file and the field. Browser-safe.
 */
import type { Standardization } from '../data/standardize.js';
import type { RunConfig } from '../training/config.js';
import { quote } from '../io/limits.js';
import type { ModelOptions } from './model.js';

export interface WeightsMetadata {
  /** The zoo model, when the file names it. */
  model: string | undefined;
  modelOptions: ModelOptions;
  /** The training inputs' mean and std when training standardised them, else null. */
  standardization: Standardization | null;
  /**
   * Whether training gave the digit outputs an auxiliary loss (config.loss.aux > 0): without one they sit at chance
   * and must not be shown as predictions. Null when the file does not say.
   */
  digitsTrained: boolean | null;
}

/** The "__metadata__" strings of a weights file trained with `config`. */
export function encodeWeightsMetadata(config: RunConfig, stats: Standardization | null, extra: Record<string, string> = {}): Record<string, string> {
  return {
    model: config.model,
    modelOptions: JSON.stringify(config.modelOptions),
    standardize: String(stats !== null),
    mean: String(stats?.mean ?? 0),
    std: String(stats?.std ?? 1),
    config: JSON.stringify(config),
    ...extra,
  };
}

/** Reads and checks the metadata; `source` (the file name) starts every error. */
export function decodeWeightsMetadata(metadata: Record<string, string>, source: string): WeightsMetadata {
  const bad = (field: string, want: string): never => {
    throw new Error(`${source}: metadata "${field}" must be ${want}, got ${quote(JSON.stringify(metadata[field]))}`);
  };
  let modelOptions: ModelOptions = {};
  if (metadata.modelOptions !== undefined) {
    let o: unknown;
    try {
      o = JSON.parse(metadata.modelOptions);
    } catch {
      bad('modelOptions', 'a JSON object');
    }
    if (typeof o !== 'object' || o === null || Array.isArray(o)) bad('modelOptions', 'a JSON object');
    modelOptions = o as ModelOptions;
  }
  let standardization: Standardization | null = null;
  if (metadata.standardize !== undefined && metadata.standardize !== 'false') {
    if (metadata.standardize !== 'true') bad('standardize', '"true" or "false"');
    const mean = Number(metadata.mean);
    const std = Number(metadata.std);
    if (metadata.mean === undefined || metadata.mean.trim() === '' || !Number.isFinite(mean)) bad('mean', 'a finite number');
    if (metadata.std === undefined || !(Number.isFinite(std) && std > 0)) bad('std', 'a finite number > 0');
    standardization = { mean, std };
  }
  let digitsTrained: boolean | null = null;
  if (metadata.config !== undefined) {
    try {
      const aux = (JSON.parse(metadata.config) as { loss?: { aux?: unknown } }).loss?.aux;
      if (typeof aux === 'number') digitsTrained = aux > 0;
    } catch {
      bad('config', 'the JSON of a run config');
    }
  }
  return { model: metadata.model, modelOptions, standardization, digitsTrained };
}
