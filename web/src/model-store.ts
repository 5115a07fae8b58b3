/**
 * The page's models: web/public/models/manifest.json lists weights trained by `pairnet train --save` (with the
 * command that made them, their measured test accuracy and the standardisation of their training inputs);
 * the user may also load their own .safetensors file for the selected architecture. Every failure becomes one
 * message naming the file and the problem (missing, corrupt, or weights of another model).
 */
import type { ModelOptions, PairModel } from '../../src/models/model.js';
import { modelFromCheckpoint, modelsFromCheckpoint, readCheckpoint } from '../../src/training/checkpoint.js';
import type { Standardization } from './preprocess.js';

export interface ModelEntry {
  id: string;
  label: string;
  /** Zoo name and options, as `pairnet train --model NAME` took them. */
  model: string;
  options: ModelOptions;
  /** Weights file, relative to the manifest. */
  weights: string;
  /** Mean and std of the training inputs when training standardised them, else null. */
  standardization: Standardization | null;
  testAccuracy?: number;
  digitAccuracy?: number;
  testPairs?: number;
  trainPairs?: number;
  /** The exact command that produced the weights. */
  command?: string;
}

export interface LoadedModel {
  entry: ModelEntry;
  /** The first (or only) model of the weights. */
  model: PairModel;
  /** Every model of the weights: an ensemble's members (their predictions averaged), else just `model`. */
  members: PairModel[];
  /** Test-time shifts the weights were evaluated with (their run's tta), 0 for none. */
  tta: number;
  /** False when the weights were trained without an auxiliary digit loss: their digit outputs mean nothing. */
  digitsTrained: boolean | null;
  /** Where the weights came from (shown to the user). */
  source: string;
}

function check(cond: boolean, where: string, what: string): void {
  if (!cond) throw new Error(`${where}: ${what}`);
}

export function parseManifest(json: unknown, name: string): ModelEntry[] {
  const models = (json as { models?: unknown }).models;
  check(Array.isArray(models) && models.length > 0, name, 'needs a non-empty "models" list');
  return (models as Partial<ModelEntry>[]).map((m, i) => {
    const where = `${name}: models[${i}]`;
    for (const key of ['id', 'label', 'model', 'weights'] as const) check(typeof m[key] === 'string', where, `"${key}" must be a string`);
    check(typeof m.options === 'object' && m.options !== null, where, '"options" must be an object');
    const s = m.standardization;
    check(s === null || (typeof s === 'object' && s !== undefined && s.std > 0 && Number.isFinite(s.mean)), where,
      '"standardization" must be null or {mean, std > 0}');
    return m as ModelEntry;
  });
}

export async function fetchManifest(url: string): Promise<ModelEntry[]> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}, no model list`);
  return parseManifest(await res.json(), url);
}

/** Builds the entry's architecture and loads `bytes` into it (all-or-nothing: bad weights leave nothing loaded). */
export function modelFromWeights(entry: ModelEntry, bytes: Uint8Array, source: string): PairModel {
  const model = modelFromCheckpoint(bytes, source, entry.model, entry.options);
  model.module.eval();
  return model;
}

/**
 * Loads weights of the entry's architecture: one model or, when their metadata says so, an ensemble's members (all
 * in eval mode), with what the metadata says of their digit outputs and test-time shifts.
 */
export function loadWeights(entry: ModelEntry, bytes: Uint8Array, source: string, label = entry.label): LoadedModel {
  const meta = readCheckpoint(bytes, source);
  const members = modelsFromCheckpoint(bytes, source, entry.model, entry.options, meta.members);
  for (const m of members) m.module.eval();
  return { entry, model: members[0], members, tta: meta.tta, source: label, digitsTrained: meta.digitsTrained };
}

export async function loadManifestModel(entry: ModelEntry): Promise<LoadedModel> {
  const url = new URL(entry.weights, new URL('./models/', document.baseURI)).href;
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${entry.weights}: HTTP ${res.status}, cannot load the weights of ${entry.label}`);
  return loadWeights(entry, new Uint8Array(await res.arrayBuffer()), entry.weights, `${entry.label} (${entry.weights})`);
}

/**
 * The user's own weights. `pairnet train --save` names the model and its standardisation in the file's metadata
 * (model, modelOptions, standardize, mean, std); those are used when present, otherwise the selected entry's.
 */
export function loadOwnWeights(bytes: Uint8Array, fileName: string, selected: ModelEntry): LoadedModel {
  const meta = readCheckpoint(bytes, fileName);
  const entry: ModelEntry = { ...selected, id: `file:${fileName}`, label: fileName, weights: fileName, command: undefined,
    testAccuracy: undefined, digitAccuracy: undefined, testPairs: undefined };
  if (meta.model !== undefined) {
    entry.model = meta.model;
    entry.options = meta.modelOptions;
    entry.standardization = meta.standardization;
  }
  try {
    return loadWeights(entry, bytes, fileName, fileName);
  } catch (e) {
    const which = meta.model !== undefined ? `its metadata's model "${meta.model}"` : `the selected model, ${selected.label}`;
    throw new Error(`${(e as Error).message}\n(the weights must fit ${which})`);
  }
}
