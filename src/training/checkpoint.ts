/**
 * Checkpoints: a trained model's weights and what they need to be used again, in one safetensors file whose
 * "__metadata__" strings name the zoo model and options, the standardisation of the training inputs and the run
 * config. The one writer and reader of that format, for `pairnet train --save` and `pairnet eval`, the page's
 * trainer and model store, and web/scripts. A bad value (std 0, mean NaN, options that are not JSON) is an error
 * naming the file and the field. Browser-safe: bytes in and out (the CLI writes them with writeFileAtomic).
 */
import type { Standardization } from '../data/standardize.js';
import { Rng } from '../engine/rng.js';
import { encodeSafetensors, loadSafetensors, readSafetensors } from '../engine/safetensors.js';
import { quote } from '../io/limits.js';
import type { ModelOptions, ModelOptionValue, PairModel } from '../models/model.js';
import { buildModel } from '../models/registry.js';
import type { RunConfig } from './config.js';

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

/** A checkpoint's bytes: `model`'s weights trained with `config` on inputs standardised by `stats`. */
export function encodeCheckpoint(model: PairModel, config: RunConfig, stats: Standardization | null, extra: Record<string, string> = {}): Uint8Array {
  return encodeSafetensors(model.module, encodeWeightsMetadata(config, stats, extra));
}

/** What a checkpoint says it holds (its weights unread); `source` (the file name) starts every error. */
export function readCheckpoint(bytes: Uint8Array, source: string): WeightsMetadata {
  return decodeWeightsMetadata(readSafetensors(bytes, source).metadata, source);
}

/** Builds `name` with `options` and loads the weights into it (all-or-nothing: bad weights leave nothing loaded). */
export function modelFromCheckpoint(bytes: Uint8Array, source: string, name: string, options: Record<string, ModelOptionValue>): PairModel {
  let model: PairModel;
  try {
    // The seed only initialises weights that the file then overwrites.
    model = buildModel(name, options, new Rng(0));
  } catch (e) {
    throw new Error(`model "${name}" ${JSON.stringify(options)}: ${(e as Error).message}`);
  }
  loadSafetensors(model.module, bytes, source);
  return model;
}

/**
 * The model a checkpoint names, with its weights: `given.model` must agree with the file's (or name it, for files
 * that do not), `given.options` apply over the stored ones.
 */
export function loadCheckpoint(bytes: Uint8Array, source: string, given: { model?: string; options?: Record<string, ModelOptionValue> } = {}): { model: PairModel; meta: WeightsMetadata } {
  const meta = readCheckpoint(bytes, source);
  if (meta.model !== undefined && given.model !== undefined && meta.model !== given.model) throw new Error(`${source}: holds weights of '${meta.model}', not '${given.model}'`);
  const name = given.model ?? meta.model;
  if (name === undefined) throw new Error(`${source}: its metadata names no model: give --model`);
  return { model: modelFromCheckpoint(bytes, source, name, { ...meta.modelOptions, ...given.options }), meta };
}
