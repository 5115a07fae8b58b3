/**
 * RunConfig overrides: partial objects merged over the trainer's defaults, and single fields set by dotted path
 * ("optimizer.lr") for grid searches and sweeps. Checked against the defaults' shape so a typo names the field.
 */
import type { OptimizerName, RunConfig } from '../training/config.js';
import { optimizerDefaults } from '../training/defaults.js';

export type FieldValue = number | string | boolean;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * Virtual field of report 000: the auxiliary fraction f, loss = (1 - f) main + f/2 (aux1 + aux2).
 * Setting it sets loss.main = 1 - f and loss.aux = f / 2.
 */
export const AUX_FRACTION = 'auxFraction';

/**
 * Fields a RunConfig may have but its defaults leave out, with a value of their type: added after results were
 * stored, they are absent unless set, so older runs keep their config hashes.
 */
const OPTIONAL: Record<string, unknown> = { 'data.augment.rotate': 0, 'data.augment.scale': 0, ensemble: 1, tta: 0 };

/** Fields whose value replaces the default as a whole (unions, nullables, free-form). */
const WHOLE = new Set(['schedule', 'data.holdout', 'modelOptions']);

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  let s: string;
  try {
    s = JSON.stringify(v);
  } catch {
    return 'a value nested too deeply to print';
  }
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

/** Throws a ConfigError naming `field` when `partial` has a field the defaults lack or a value of the wrong type. */
export function checkOverrides(partial: Obj, defaults: RunConfig, field: string, file: string): void {
  walk(partial, defaults as unknown as Obj, '', field, file);
}

function walk(partial: Obj, defaults: Obj, path: string, field: string, file: string): void {
  for (const [k, v] of Object.entries(partial)) {
    const p = path ? `${path}.${k}` : k;
    const at = `${field}.${k}`;
    if (!(k in defaults) && !(p in OPTIONAL)) throw new ConfigError(`${file}: ${at}: unknown RunConfig field (known here: ${Object.keys(defaults).join(', ')}), got ${describeValue(v)}`);
    const d = k in defaults ? defaults[k] : OPTIONAL[p];
    if (p === 'modelOptions') {
      if (!isObj(v)) throw new ConfigError(`${file}: ${at}: expected an object of model options, got ${describeValue(v)}`);
      for (const [ok, ov] of Object.entries(v))
        if (!['number', 'string', 'boolean'].includes(typeof ov)) throw new ConfigError(`${file}: ${at}.${ok}: expected a number, string or boolean, got ${describeValue(ov)}`);
    } else if (WHOLE.has(p)) {
      checkWhole(p, v, `${file}: ${at}`);
    } else if (isObj(d)) {
      if (!isObj(v)) throw new ConfigError(`${file}: ${at}: expected an object, got ${describeValue(v)}`);
      walk(v, d, p, at, file);
    } else checkLeaf(p, v, d, `${file}: ${at}`);
  }
}

function checkWhole(path: string, v: unknown, where: string): void {
  if (path === 'data.holdout') {
    if (v === null) return;
    if (isObj(v) && Number.isInteger(v.folds) && Number.isInteger(v.fold) && (v.folds as number) >= 2 && (v.fold as number) >= 0 && (v.fold as number) < (v.folds as number)) return;
    throw new ConfigError(`${where}: expected null or {folds >= 2, fold in 0..folds-1}, got ${describeValue(v)}`);
  }
  if (path === 'schedule') {
    const ok =
      isObj(v) &&
      ((v.kind === 'constant') ||
        (v.kind === 'step' && isPositive(v.stepSize) && isPositive(v.gamma)) ||
        (v.kind === 'multistep' && Array.isArray(v.milestones) && v.milestones.every((m) => Number.isInteger(m) && m > 0) && isPositive(v.gamma)) ||
        (v.kind === 'exponential' && isPositive(v.gamma)) ||
        (v.kind === 'cosine' && typeof v.etaMin === 'number' && Number.isFinite(v.etaMin) && v.etaMin >= 0));
    if (!ok) throw new ConfigError(`${where}: expected {kind: constant} | {kind: step, stepSize, gamma} | {kind: multistep, milestones, gamma} | {kind: exponential, gamma} | {kind: cosine, etaMin}, got ${describeValue(v)}`);
  }
}

const isPositive = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v) && v > 0;

/** Fields that must be positive integers / positive numbers / fractions, beyond matching the default's type. */
const POSITIVE_INT = new Set(['epochs', 'batchSize', 'data.trainPairs', 'data.testPairs']);
const POSITIVE = new Set(['optimizer.lr']);
const NON_NEGATIVE = new Set(['loss.main', 'loss.aux', 'optimizer.weightDecay', 'optimizer.momentum', 'data.augment.translate', 'data.augment.rotate', 'data.augment.scale']);

function checkLeaf(path: string, v: unknown, d: unknown, where: string): void {
  if (Array.isArray(d)) {
    if (!Array.isArray(v) || v.length !== d.length || !v.every((x) => typeof x === 'number' && Number.isFinite(x)))
      throw new ConfigError(`${where}: expected an array of ${d.length} numbers, got ${describeValue(v)}`);
    return;
  }
  if (typeof v !== typeof d || (typeof v === 'number' && !Number.isFinite(v)))
    throw new ConfigError(`${where}: expected a ${typeof d}, got ${describeValue(v)}`);
  if (POSITIVE_INT.has(path) && !(Number.isInteger(v) && (v as number) >= 1)) throw new ConfigError(`${where}: expected a positive integer, got ${describeValue(v)}`);
  if (POSITIVE.has(path) && !((v as number) > 0)) throw new ConfigError(`${where}: expected a positive number, got ${describeValue(v)}`);
  if (NON_NEGATIVE.has(path) && !((v as number) >= 0)) throw new ConfigError(`${where}: expected a number >= 0, got ${describeValue(v)}`);
  if (path === 'optimizer.name' && !['adam', 'sgd', 'adadelta'].includes(v as string)) throw new ConfigError(`${where}: expected "adam", "sgd" or "adadelta", got ${describeValue(v)}`);
  if (path === 'loss.auxSchedule' && !['constant', 'linear', 'cosine'].includes(v as string)) throw new ConfigError(`${where}: expected "constant", "linear" or "cosine", got ${describeValue(v)}`);
}

/** {a: {b: value}} for path "a.b". */
function partialAt(path: string, value: FieldValue): Obj {
  const partial: Obj = {};
  let cur = partial;
  const parts = path.split('.');
  parts.forEach((p, i) => {
    if (i === parts.length - 1) cur[p] = value;
    else cur = cur[p] = {};
  });
  return partial;
}

/** Checks that one grid/sweep value can be set at `path`. */
export function checkFieldPath(path: string, value: FieldValue, defaults: RunConfig, field: string, file: string): void {
  if (path === AUX_FRACTION) {
    if (typeof value !== 'number' || !(value >= 0 && value <= 1)) throw new ConfigError(`${file}: ${field}: auxFraction must be a number in [0, 1], got ${describeValue(value)}`);
    return;
  }
  try {
    checkOverrides(partialAt(path, value), defaults, '', file);
  } catch (e) {
    throw new ConfigError(`${file}: ${field}: cannot set field "${path}" to ${describeValue(value)} (${(e as Error).message.replace(/^.*?: \.[^:]*: /, '')})`);
  }
}

/** Deep-merges `partial` over `base` (objects merged key by key; arrays, unions and nullables replaced). Returns a new object. */
export function applyOverrides(base: RunConfig, partial: Obj): RunConfig {
  return merge(base as unknown as Obj, partial, '') as unknown as RunConfig;
}

function merge(base: Obj, partial: Obj, path: string): Obj {
  const out: Obj = structuredClone(base);
  for (const [k, v] of Object.entries(partial)) {
    const p = path ? `${path}.${k}` : k;
    if (p === 'modelOptions' && isObj(v)) out[k] = { ...(out[k] as Obj), ...structuredClone(v) };
    // Switching optimizer starts from that optimizer's PyTorch defaults (eps differs) for fields not given with it.
    else if (p === 'optimizer' && isObj(v) && typeof v.name === 'string' && v.name !== (out[k] as Obj).name)
      out[k] = merge(optimizerDefaults(v.name as OptimizerName) as unknown as Obj, v, p);
    else if (!WHOLE.has(p) && isObj(v) && isObj(out[k])) out[k] = merge(out[k] as Obj, v, p);
    else out[k] = structuredClone(v);
  }
  return out;
}

/** Returns a copy of `config` with one field set by dotted path (or the virtual auxFraction). */
export function setField(config: RunConfig, path: string, value: FieldValue): RunConfig {
  if (path === AUX_FRACTION) {
    const f = value as number;
    return applyOverrides(config, { loss: { main: 1 - f, aux: f / 2 } });
  }
  return applyOverrides(config, partialAt(path, value));
}
