/**
 * The study config (a JSON file in studies/): variants, rounds, epochs, protocol, seed and the published numbers
 * of the report it reproduces. validateStudyConfig turns untrusted JSON into a StudyConfig or throws an error that
 * names the file, the field and the bad value.
 */
import { resolveModelOptions } from '../models/registry.js';
import { isObj, type Obj } from '../training/run-schema.js';
import { LIMITS, limitText, quote, type LimitName } from '../io/limits.js';
import { checkOverrides, checkFieldPath, ConfigError, describeValue, type FieldValue } from './overrides.js';

export { ConfigError } from './overrides.js';
export type { FieldValue } from './overrides.js';

export interface VariantConfig {
  /** Row name in tables, e.g. "ConvSepNet + AL". */
  name: string;
  /** Zoo model name (`pairnet models`). */
  model: string;
  /** Partial RunConfig applied over the study's base, e.g. {"loss": {"main": 0.5, "aux": 0.25}}. */
  overrides: Record<string, unknown>;
}

export interface GridStep {
  name: string;
  /** Field path (e.g. "optimizer.lr", "batchSize", "auxFraction") -> candidate values; the grid is their product. */
  grid: Record<string, FieldValue[]>;
  /** Variants this step tunes (default: all). */
  variants: string[] | null;
}

export type ProtocolConfig =
  /** Every variant trained `rounds` times, fresh pairs and weights per round. */
  | { kind: 'multi-round' }
  /** Grid-search steps scored by k-fold CV on the training pairs, each step keeping the earlier steps' choices, then the multi-round protocol with the chosen values. */
  | { kind: 'grid-search'; folds: number; steps: GridStep[] }
  /** Every variant trained `rounds` times at each value of one field. */
  | { kind: 'sweep'; field: string; values: FieldValue[] };

/** A report's published figures for one variant, as printed (percent); [mean, sigma]. */
export interface PublishedRow {
  testAccuracy: [number, number] | null;
  digitAccuracy: [number, number] | null;
  trainAccuracy: [number, number] | null;
  parameters: number | null;
  trainSeconds: number | null;
}

export interface PublishedNumbers {
  /** Where in the report, e.g. "000_32060470ab690860.txt, Table II". */
  source: string;
  /** Rounds behind the published means (for Welch's test against them). */
  rounds: number;
  note: string;
  rows: Record<string, PublishedRow>;
}

export interface StudyConfig {
  /** Lower-case words joined by '-': names the default output directory out/<name>/. */
  name: string;
  description: string;
  seed: number;
  rounds: number;
  epochs: number;
  /** Partial RunConfig applied to every run (data source and sizes, optimizer, schedule, batch size, ...). */
  base: Record<string, unknown>;
  variants: VariantConfig[];
  protocol: ProtocolConfig;
  /** Pairs of variant names to compare (paired t and Wilcoxon signed-rank tests on the rounds, Holm-corrected). */
  comparisons: [string, string][];
  published: PublishedNumbers | null;
}


/** Validates parsed JSON against the study schema (RunConfig overrides against the RunConfig schema). */
export function validateStudyConfig(json: unknown, file: string): StudyConfig {
  const fail = (field: string, problem: string, value: unknown): never => {
    // Every part bounded: the message stays under 1 KB whatever the file holds.
    throw new ConfigError(`${quote(file)}: ${quote(field)}: ${problem.length > 400 ? `${problem.slice(0, 397)}...` : problem}, got ${describeValue(value)}`);
  };
  if (!isObj(json)) fail('(top level)', 'expected a JSON object', json);
  const o = json as Obj;
  // "$schema" names studies/schema.json for editors and "$comment" is free text: neither is part of the study.
  const known = ['$schema', '$comment', 'name', 'description', 'seed', 'rounds', 'epochs', 'base', 'variants', 'protocol', 'comparisons', 'published'];
  for (const k of Object.keys(o)) if (!known.includes(k)) fail(k, `unknown field (expected one of ${known.slice(2).join(', ')})`, o[k]);

  const str = (v: unknown, field: string): string => (typeof v === 'string' && v.length > 0 ? v : fail(field, 'expected a non-empty string', v));
  const label = (v: unknown, field: string): string => {
    const s = str(v, field);
    return s.length <= LIMITS.nameChars.max ? s : fail(field, `expected ${limitText('nameChars')} characters`, s);
  };
  // Variant and step names are parts of run keys, which are split at '/'.
  const keyPart = (v: unknown, field: string): string => {
    const s = label(v, field);
    return s.includes('/') ? fail(field, 'expected a name without "/" (run keys are split at it)', s) : s;
  };
  const int = (v: unknown, field: string, min: number, limit?: LimitName): number => {
    if (!(typeof v === 'number' && Number.isInteger(v) && v >= min)) return fail(field, `expected an integer >= ${min}`, v);
    return limit !== undefined && v > LIMITS[limit].max ? fail(field, `expected ${limitText(limit)}`, v) : v;
  };

  const name = str(o.name, 'name');
  if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(name)) fail('name', 'expected lower-case words joined by "-"', name);
  const description = str(o.description, 'description');
  const seed = int(o.seed, 'seed', 0);
  const rounds = int(o.rounds, 'rounds', 1, 'rounds');
  const epochs = int(o.epochs, 'epochs', 1, 'epochs');
  const base = o.base === undefined ? {} : isObj(o.base) ? o.base : fail('base', 'expected an object of RunConfig overrides', o.base);
  checkOverrides(base, 'base', file);

  if (!Array.isArray(o.variants) || o.variants.length === 0) fail('variants', 'expected a non-empty array', o.variants);
  if ((o.variants as unknown[]).length > LIMITS.variants.max) fail('variants', `expected ${limitText('variants')} variants`, (o.variants as unknown[]).length);
  const variants: VariantConfig[] = (o.variants as unknown[]).map((v, i) => {
    const at = `variants[${i}]`;
    if (!isObj(v)) return fail(at, 'expected an object {name, model, overrides}', v);
    for (const k of Object.keys(v)) if (!['name', 'model', 'overrides'].includes(k)) fail(`${at}.${k}`, 'unknown field (expected name, model, overrides)', v[k]);
    const overrides = v.overrides === undefined ? {} : isObj(v.overrides) ? v.overrides : fail(`${at}.overrides`, 'expected an object', v.overrides);
    checkOverrides(overrides, `${at}.overrides`, file);
    return { name: keyPart(v.name, `${at}.name`), model: label(v.model, `${at}.model`), overrides };
  });
  const baseOptions = (isObj(base.modelOptions) ? base.modelOptions : {}) as Record<string, FieldValue>;
  variants.forEach((v, i) => {
    const options = { ...baseOptions, ...((v.overrides.modelOptions ?? {}) as Record<string, FieldValue>) };
    try {
      resolveModelOptions(v.model, options);
    } catch (e) {
      fail(`variants[${i}].model`, (e as Error).message, v.model);
    }
  });
  const names = new Set<string>();
  variants.forEach((v, i) => {
    if (names.has(v.name)) fail(`variants[${i}].name`, 'duplicate variant name', v.name);
    names.add(v.name);
  });
  const variantRef = (v: unknown, field: string): string => {
    const s = str(v, field);
    return names.has(s) ? s : fail(field, `no variant of that name (variants: ${[...names].join(', ')})`, s);
  };

  const protocol = validateProtocol(o.protocol, fail, int, str, keyPart, variantRef, file);

  const comparisons: [string, string][] = o.comparisons === undefined ? [] : Array.isArray(o.comparisons)
    ? o.comparisons.map((c, i) =>
        Array.isArray(c) && c.length === 2
          ? [variantRef(c[0], `comparisons[${i}][0]`), variantRef(c[1], `comparisons[${i}][1]`)]
          : fail(`comparisons[${i}]`, 'expected a pair of variant names', c))
    : fail('comparisons', 'expected an array of [variantA, variantB] pairs', o.comparisons);

  const published = o.published === undefined || o.published === null ? null : validatePublished(o.published, fail, int, str, variantRef);
  const planned = plannedRunCount(rounds, variants.length, protocol);
  if (planned > LIMITS.studyRuns.max) fail('(top level)', `plans ${planned.toExponential(2)} runs; expected ${limitText('studyRuns')}`, { rounds, variants: variants.length });
  return { name, description, seed, rounds, epochs, base, variants, protocol, comparisons, published };
}

/** Runs the study will train, counted without listing them (a grid's points are the product of its value lists). */
export function plannedRunCount(rounds: number, variants: number, protocol: ProtocolConfig): number {
  if (protocol.kind === 'multi-round') return rounds * variants;
  if (protocol.kind === 'sweep') return rounds * variants * protocol.values.length;
  let total = rounds * variants;
  for (const step of protocol.steps) {
    const points = Object.values(step.grid).reduce((n, vs) => n * vs.length, 1);
    total += (step.variants?.length ?? variants) * points * protocol.folds;
  }
  return total;
}

type Fail = (field: string, problem: string, value: unknown) => never;
type IntCheck = (v: unknown, field: string, min: number, limit?: LimitName) => number;
type StrCheck = (v: unknown, field: string) => string;

/** `name` checks a grid step's name (a part of its runs' keys). */
function validateProtocol(p: unknown, fail: Fail, int: IntCheck, str: StrCheck, name: StrCheck, variantRef: StrCheck, file: string): ProtocolConfig {
  if (!isObj(p)) return fail('protocol', 'expected an object with "kind"', p);
  const kind = p.kind;
  const fieldValues = (vs: unknown, field: string, path: string): FieldValue[] => {
    if (!Array.isArray(vs) || vs.length === 0) return fail(field, 'expected a non-empty array of values', vs);
    if (vs.length > LIMITS.gridValues.max) return fail(field, `expected ${limitText('gridValues')} values`, vs.length);
    return vs.map((v, i) => {
      if (typeof v !== 'number' && typeof v !== 'string' && typeof v !== 'boolean') return fail(`${field}[${i}]`, 'expected a number, string or boolean', v);
      checkFieldPath(path, v, `${field}[${i}]`, file);
      return v;
    });
  };
  if (kind === 'multi-round') return { kind };
  if (kind === 'grid-search') {
    const folds = int(p.folds, 'protocol.folds', 2, 'folds');
    if (!Array.isArray(p.steps) || p.steps.length === 0) return fail('protocol.steps', 'expected a non-empty array of grid steps', p.steps);
    const steps = p.steps.map((s, i): GridStep => {
      const at = `protocol.steps[${i}]`;
      if (!isObj(s)) return fail(at, 'expected an object {name, grid, variants?}', s);
      if (!isObj(s.grid) || Object.keys(s.grid).length === 0) return fail(`${at}.grid`, 'expected an object of field -> values', s.grid);
      const grid: Record<string, FieldValue[]> = {};
      for (const [path, vs] of Object.entries(s.grid)) grid[path] = fieldValues(vs, `${at}.grid.${path}`, path);
      // null: every variant (how a resolved config, e.g. a stored study.json, writes an omitted list).
      const variants = s.variants === undefined || s.variants === null ? null : Array.isArray(s.variants)
        ? s.variants.map((v, j) => variantRef(v, `${at}.variants[${j}]`))
        : fail(`${at}.variants`, 'expected an array of variant names', s.variants);
      return { name: name(s.name, `${at}.name`), grid, variants };
    });
    return { kind, folds, steps };
  }
  if (kind === 'sweep') {
    const field = str(p.field, 'protocol.field');
    let values: FieldValue[];
    if (p.values !== undefined) values = fieldValues(p.values, 'protocol.values', field);
    else if (isObj(p.range)) {
      const r = p.range;
      if (typeof r.from !== 'number' || typeof r.to !== 'number') return fail('protocol.range', 'expected {from, to, steps} numbers', r);
      const steps = int(r.steps, 'protocol.range.steps', 1);
      if (steps + 1 > LIMITS.gridValues.max) return fail('protocol.range.steps', `expected ${limitText('gridValues')} values`, steps);
      const from = r.from;
      const to = r.to;
      values = fieldValues(Array.from({ length: steps + 1 }, (_, i) => from + ((to - from) * i) / steps), 'protocol.range', field);
    } else return fail('protocol', 'a sweep needs "values" or "range": {from, to, steps}', p);
    return { kind, field, values };
  }
  return fail('protocol.kind', 'expected "multi-round", "grid-search" or "sweep"', kind);
}

function validatePublished(p: unknown, fail: Fail, int: IntCheck, str: StrCheck, variantRef: StrCheck): PublishedNumbers {
  if (!isObj(p)) return fail('published', 'expected an object {source, rounds, note, rows}', p);
  if (!isObj(p.rows)) return fail('published.rows', 'expected an object: variant name -> published figures', p.rows);
  const pair = (v: unknown, field: string): [number, number] | null => {
    if (v === undefined || v === null) return null;
    if (Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === 'number' && Number.isFinite(x))) return [v[0], v[1]];
    return fail(field, 'expected [mean, sigma] in percent', v);
  };
  const num = (v: unknown, field: string): number | null =>
    v === undefined || v === null ? null : typeof v === 'number' && Number.isFinite(v) ? v : fail(field, 'expected a number', v);
  const rows: Record<string, PublishedRow> = {};
  for (const [name, r] of Object.entries(p.rows)) {
    const at = `published.rows.${name}`;
    variantRef(name, at);
    if (!isObj(r)) return fail(at, 'expected an object', r);
    for (const k of Object.keys(r))
      if (!['testAccuracy', 'digitAccuracy', 'trainAccuracy', 'parameters', 'trainSeconds'].includes(k)) fail(`${at}.${k}`, 'unknown field', r[k]);
    rows[name] = {
      testAccuracy: pair(r.testAccuracy, `${at}.testAccuracy`),
      digitAccuracy: pair(r.digitAccuracy, `${at}.digitAccuracy`),
      trainAccuracy: pair(r.trainAccuracy, `${at}.trainAccuracy`),
      parameters: num(r.parameters, `${at}.parameters`),
      trainSeconds: num(r.trainSeconds, `${at}.trainSeconds`),
    };
  }
  return { source: str(p.source, 'published.source'), rounds: int(p.rounds, 'published.rounds', 1), note: typeof p.note === 'string' ? p.note : '', rows };
}
