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
import { LIMITS, quote } from '../io/limits.js';
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
  /** How many models the file holds: an ensemble's members (tensors `members.<i>.<name>`), else 1. */
  members: number;
  /** The test-time augmentation the run was evaluated with (config.tta), 0 when none. */
  tta: number;
}

/** The "__metadata__" strings of a weights file trained with `config` (`members` models: an ensemble when > 1). */
export function encodeWeightsMetadata(
  config: RunConfig, stats: Standardization | null, extra: Record<string, string> = {}, members = 1,
): Record<string, string> {
  return {
    ...(members > 1 ? { members: String(members) } : {}),
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
    const got = metadata[field] === undefined ? 'nothing' : quote(JSON.stringify(metadata[field]));
    throw new Error(`${source}: metadata "${field}" must be ${want}, got ${got}`);
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
  let tta = 0;
  if (metadata.config !== undefined) {
    let config: { loss?: { aux?: unknown }; tta?: unknown } = {};
    try {
      config = JSON.parse(metadata.config) as typeof config;
    } catch {
      bad('config', 'the JSON of a run config');
    }
    if (typeof config.loss?.aux === 'number') digitsTrained = config.loss.aux > 0;
    if (config.tta !== undefined) {
      if (!(Number.isInteger(config.tta) && (config.tta as number) >= 0 && (config.tta as number) <= 3)) bad('config', 'a run config with tta an integer 0..3');
      tta = config.tta as number;
    }
  }
  let members = 1;
  if (metadata.members !== undefined) {
    members = Number(metadata.members);
    if (!/^[0-9]+$/.test(metadata.members) || members < 2 || members > LIMITS.ensemble.max) bad('members', `an integer 2..${LIMITS.ensemble.max}`);
  }
  return { model: metadata.model, modelOptions, standardization, digitsTrained, members, tta };
}

/**
 * A checkpoint's bytes: the weights of `models` (one model, or an ensemble's members) trained with `config` on inputs
 * standardised by `stats`.
 */
export function encodeCheckpoint(
  models: PairModel | readonly PairModel[], config: RunConfig, stats: Standardization | null, extra: Record<string, string> = {},
): Uint8Array {
  const list = ([] as PairModel[]).concat(models);
  return encodeSafetensors(list.map((m) => m.module), encodeWeightsMetadata(config, stats, extra, list.length));
}

/** What a checkpoint says it holds (its weights unread); `source` (the file name) starts every error. */
export function readCheckpoint(bytes: Uint8Array, source: string): WeightsMetadata {
  return decodeWeightsMetadata(readSafetensors(bytes, source).metadata, source);
}

/**
 * Builds `count` models `name` with `options` and loads the weights into them (all-or-nothing: bad weights leave
 * nothing loaded); `count` > 1 reads an ensemble's members.
 */
export function modelsFromCheckpoint(
  bytes: Uint8Array, source: string, name: string, options: Record<string, ModelOptionValue>, count = 1,
): PairModel[] {
  const models: PairModel[] = [];
  try {
    // The seed only initialises weights that the file then overwrites.
    for (let i = 0; i < count; i++) models.push(buildModel(name, options, new Rng(0)));
  } catch (e) {
    throw new Error(`model "${name}" ${JSON.stringify(options)}: ${(e as Error).message}`);
  }
  loadSafetensors(models.map((m) => m.module), bytes, source);
  return models;
}

/** One model from a checkpoint of one (modelsFromCheckpoint). */
export function modelFromCheckpoint(bytes: Uint8Array, source: string, name: string, options: Record<string, ModelOptionValue>): PairModel {
  return modelsFromCheckpoint(bytes, source, name, options)[0];
}

/**
 * The models a checkpoint holds (one, or an ensemble's members; `model` is the first), with its metadata:
 * `given.model` must agree with the file's (or name it, for files that do not), `given.options` apply over the stored ones.
 */
export function loadCheckpoint(
  bytes: Uint8Array, source: string, given: { model?: string; options?: Record<string, ModelOptionValue> } = {},
): { model: PairModel; members: PairModel[]; meta: WeightsMetadata } {
  const meta = readCheckpoint(bytes, source);
  if (meta.model !== undefined && given.model !== undefined && meta.model !== given.model) throw new Error(`${source}: holds weights of '${meta.model}', not '${given.model}'`);
  const name = given.model ?? meta.model;
  if (name === undefined) throw new Error(`${source}: its metadata names no model: give --model`);
  const members = modelsFromCheckpoint(bytes, source, name, { ...meta.modelOptions, ...given.options }, meta.members);
  return { model: members[0], members, meta };
}
