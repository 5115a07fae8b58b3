import { MNIST_DEFAULT, canonicalSource } from '../data/sources.js';
import { resolveModelOptions } from '../models/registry.js';
import type { RunConfig } from './config.js';
import { LIMITS, limitText, quote, type LimitName } from '../io/limits.js';

export class RunConfigError extends Error {
  override name = 'RunConfigError';
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Fields an override replaces as a whole (unions and free-form objects), as the studies' overrides do. */
const WHOLE = new Set(['schedule', 'data.holdout', 'modelOptions']);

/** Deep merge of plain objects; arrays, WHOLE fields and non-object values replace. Neither input is modified. */
export function deepMerge<T>(base: T, override: unknown, path = ''): T {
  if (!isObj(base) || !isObj(override)) return structuredClone(override === undefined ? base : override) as T;
  const out: Obj = structuredClone(base);
  for (const [k, v] of Object.entries(override)) {
    const p = path ? `${path}.${k}` : k;
    out[k] = !WHOLE.has(p) && isObj(out[k]) && isObj(v) ? deepMerge(out[k], v, p) : structuredClone(v);
  }
  return out as T;
}

/**
 * Checks every field of a RunConfig (after merging, so unknown fields and wrong types from JSON are caught too)
 * and throws a RunConfigError naming the first bad field and its value.
 */
export function validateRunConfig(c: RunConfig): RunConfig {
  const fail = (field: string, want: string, v: unknown): never => {
    throw new RunConfigError(`RunConfig field '${field}' must be ${want}, got ${quote(String(JSON.stringify(v)))}`);
  };
  const known = (o: unknown, field: string, keys: string[]): void => {
    if (!isObj(o)) fail(field, 'an object', o);
    for (const k of Object.keys(o as Obj)) if (!keys.includes(k)) fail(`${field ? `${field}.` : ''}${k}`, `absent (unknown field; known: ${keys.join(', ')})`, (o as Obj)[k]);
  };
  const posInt = (v: unknown, f: string): void => void (Number.isInteger(v) && (v as number) > 0 ? 0 : fail(f, 'a positive integer', v));
  const bounded = (v: unknown, f: string, limit: LimitName): void => {
    posInt(v, f);
    if ((v as number) > LIMITS[limit].max) fail(f, limitText(limit), v);
  };
  const nonNeg = (v: unknown, f: string): void => void (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? 0 : fail(f, 'a finite number >= 0', v));
  const pos = (v: unknown, f: string): void => void (typeof v === 'number' && Number.isFinite(v) && v > 0 ? 0 : fail(f, 'a finite number > 0', v));
  const bool = (v: unknown, f: string): void => void (typeof v === 'boolean' ? 0 : fail(f, 'true or false', v));

  known(c, '', ['model', 'modelOptions', 'data', 'optimizer', 'schedule', 'loss', 'batchSize', 'epochs', 'evalEveryEpoch', 'seed']);
  if (typeof c.model !== 'string') fail('model', 'a zoo model name', c.model);
  if (!isObj(c.modelOptions)) fail('modelOptions', 'an object', c.modelOptions);
  try {
    resolveModelOptions(c.model, c.modelOptions);
  } catch (e) {
    throw new RunConfigError(`RunConfig field 'model'/'modelOptions': ${(e as Error).message}`);
  }

  const d = c.data;
  known(d, 'data', ['source', 'trainPairs', 'testPairs', 'standardize', 'augment', 'holdout']);
  if (typeof d.source !== 'string' || d.source === '') fail('data.source', `'${MNIST_DEFAULT}' or an MNIST directory`, d.source);
  bounded(d.trainPairs, 'data.trainPairs', 'pairs');
  bounded(d.testPairs, 'data.testPairs', 'pairs');
  bool(d.standardize, 'data.standardize');
  known(d.augment, 'data.augment', ['translate', 'swap', 'repair', 'rotate', 'scale']);
  const a = d.augment as unknown as Obj;
  if (a.rotate !== undefined && !(typeof a.rotate === 'number' && a.rotate >= 0 && a.rotate <= 180)) fail('data.augment.rotate', 'a number of degrees in 0..180', a.rotate);
  if (a.scale !== undefined && !(typeof a.scale === 'number' && a.scale >= 0 && a.scale < 1)) fail('data.augment.scale', 'a number in [0, 1)', a.scale);
  if (!(Number.isInteger(d.augment.translate) && d.augment.translate >= 0 && d.augment.translate < 14)) fail('data.augment.translate', 'an integer in 0..13', d.augment.translate);
  bool(d.augment.swap, 'data.augment.swap');
  bool(d.augment.repair, 'data.augment.repair');
  if (d.holdout !== null) {
    known(d.holdout, 'data.holdout', ['folds', 'fold']);
    if (!(Number.isInteger(d.holdout.folds) && d.holdout.folds >= 2)) fail('data.holdout.folds', 'an integer >= 2', d.holdout.folds);
    if (!(Number.isInteger(d.holdout.fold) && d.holdout.fold >= 0 && d.holdout.fold < d.holdout.folds)) fail('data.holdout.fold', `an integer in 0..${d.holdout.folds - 1}`, d.holdout.fold);
    if (d.trainPairs < d.holdout.folds) fail('data.trainPairs', `at least data.holdout.folds (${d.holdout.folds})`, d.trainPairs);
  }

  const o = c.optimizer;
  known(o, 'optimizer', ['name', 'lr', 'momentum', 'dampening', 'nesterov', 'weightDecay', 'betas', 'eps', 'rho']);
  if (!['adam', 'sgd', 'adadelta'].includes(o.name)) fail('optimizer.name', 'adam, sgd or adadelta', o.name);
  pos(o.lr, 'optimizer.lr');
  nonNeg(o.momentum, 'optimizer.momentum');
  nonNeg(o.dampening, 'optimizer.dampening');
  bool(o.nesterov, 'optimizer.nesterov');
  if (o.nesterov && !(o.momentum > 0 && o.dampening === 0)) fail('optimizer.nesterov', 'false unless momentum > 0 and dampening = 0', o.nesterov);
  nonNeg(o.weightDecay, 'optimizer.weightDecay');
  if (!(Array.isArray(o.betas) && o.betas.length === 2 && o.betas.every((b) => typeof b === 'number' && b >= 0 && b < 1))) fail('optimizer.betas', 'two numbers in [0, 1)', o.betas);
  pos(o.eps, 'optimizer.eps');
  if (!(typeof o.rho === 'number' && o.rho >= 0 && o.rho <= 1)) fail('optimizer.rho', 'a number in [0, 1]', o.rho);

  const s = c.schedule as Obj;
  if (!isObj(s)) fail('schedule', 'an object', s);
  if (s.kind === 'constant') known(s, 'schedule', ['kind']);
  else if (s.kind === 'step') {
    known(s, 'schedule', ['kind', 'stepSize', 'gamma']);
    posInt(s.stepSize, 'schedule.stepSize');
    pos(s.gamma, 'schedule.gamma');
  } else if (s.kind === 'multistep') {
    known(s, 'schedule', ['kind', 'milestones', 'gamma']);
    const m = s.milestones;
    if (!(Array.isArray(m) && m.every((x, i) => Number.isInteger(x) && x > 0 && (i === 0 || x > m[i - 1])))) fail('schedule.milestones', 'increasing positive integers', m);
    if ((m as number[]).length > LIMITS.milestones.max) fail('schedule.milestones', `${limitText('milestones')} milestones`, (m as number[]).length);
    pos(s.gamma, 'schedule.gamma');
  } else if (s.kind === 'exponential') {
    known(s, 'schedule', ['kind', 'gamma']);
    pos(s.gamma, 'schedule.gamma');
  } else if (s.kind === 'cosine') {
    known(s, 'schedule', ['kind', 'etaMin']);
    nonNeg(s.etaMin, 'schedule.etaMin');
  } else fail('schedule.kind', 'constant, step, multistep, exponential or cosine', s.kind);

  known(c.loss, 'loss', ['main', 'aux', 'auxSchedule']);
  nonNeg(c.loss.main, 'loss.main');
  nonNeg(c.loss.aux, 'loss.aux');
  if (c.loss.main === 0 && c.loss.aux === 0) fail('loss.main', '> 0 when loss.aux is 0 (nothing to train)', c.loss.main);
  if (!['constant', 'linear', 'cosine'].includes(c.loss.auxSchedule)) fail('loss.auxSchedule', 'constant, linear or cosine', c.loss.auxSchedule);

  bounded(c.batchSize, 'batchSize', 'batchSize');
  bounded(c.epochs, 'epochs', 'epochs');
  bool(c.evalEveryEpoch, 'evalEveryEpoch');
  if (!(Number.isInteger(c.seed) && c.seed >= 0 && c.seed <= Number.MAX_SAFE_INTEGER)) fail('seed', 'a non-negative integer', c.seed);
  return c;
}

/** defaults <- overrides (deep merge, in order), validated. */
export function resolveRunConfig(base: RunConfig, ...overrides: unknown[]): RunConfig {
  let c = base;
  for (const o of overrides) c = deepMerge(c, o);
  // An old alias resolves to its source's current name, so the config hash says which data a run used.
  if (typeof c.data?.source === 'string') c = { ...c, data: { ...c.data, source: canonicalSource(c.data.source) } };
  return validateRunConfig(c);
}
