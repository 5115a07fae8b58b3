/**
 * A small typed schema kit: nodes that say what a config value must be (type, bounds, default, meaning), and what
 * is derived from them: the check (a SchemaIssue naming the field path, what it must be and what it is), the
 * defaults and the JSON Schema. The RunConfig's schema is written with it in run-schema.ts. Browser-safe.
 */
import { LIMITS, limitText, type LimitName } from '../io/limits.js';

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

export type Fail = (path: string, want: string, value: unknown) => never;
export const fail: Fail = (path, want, value) => {
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

export const num = (want: string, doc: string, bounds: Omit<NumberNode, 'kind' | 'want' | 'doc'> = {}): NumberNode => ({ kind: 'number', want, doc, ...bounds });
export const bool = (doc: string, d: boolean): BooleanNode => ({ kind: 'boolean', doc, default: d });
export const obj = (doc: string, fields: Record<string, Node>, check?: ObjectNode['check']): ObjectNode => ({ kind: 'object', doc, fields, check });
export const positive = (doc: string, d?: number): NumberNode => num('a finite number > 0', doc, { min: 0, exclusiveMin: true, default: d });
export const nonNegative = (doc: string, d?: number): NumberNode => num('a finite number >= 0', doc, { min: 0, default: d });
export const positiveInt = (doc: string, d?: number, limit?: LimitName): NumberNode => num('a positive integer', doc, { int: true, min: 1, default: d, limit });

/** "a, b or c". */
export function joinOr(values: readonly string[]): string {
  return values.length < 2 ? values.join('') : `${values.slice(0, -1).join(', ')} or ${values[values.length - 1]}`;
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


/**
 * The JSON Schema (draft-07) of a node, for editors: completion, the docs as hover text, the bounds. `partial`: an
 * override, where no field is required (whole-replaced fields are still complete). Rules that tie fields together
 * (node.check) are not expressed; the loader's check has them.
 */
export function toJsonSchema(node: Node, partial = false): Obj {
  const doc = node.doc ? { description: node.doc } : {};
  const withDefault = node.default === undefined ? doc : { ...doc, default: node.default };
  switch (node.kind) {
    case 'number': {
      const s: Obj = { type: node.int ? 'integer' : 'number', ...withDefault };
      if (node.min !== undefined) s[node.exclusiveMin ? 'exclusiveMinimum' : 'minimum'] = node.min;
      const max = node.limit !== undefined ? Math.min(node.max ?? Infinity, LIMITS[node.limit].max) : node.max;
      if (max !== undefined) s[node.exclusiveMax ? 'exclusiveMaximum' : 'maximum'] = max;
      return s;
    }
    case 'boolean': return { type: 'boolean', ...withDefault };
    case 'string': return { type: 'string', minLength: 1, ...withDefault };
    case 'enum': return { enum: [...node.values], ...withDefault };
    case 'tuple': return { type: 'array', items: node.items.map((i) => toJsonSchema(i)), minItems: node.items.length, maxItems: node.items.length, ...withDefault };
    case 'list': return { type: 'array', items: toJsonSchema(node.item), maxItems: LIMITS[node.limit].max, ...withDefault };
    case 'options': return { type: 'object', additionalProperties: { type: ['number', 'string', 'boolean'] }, ...withDefault };
    case 'nullable': return { oneOf: [{ type: 'null' }, toJsonSchema(node.of)], ...withDefault };
    case 'union':
      return {
        oneOf: Object.entries(node.variants).map(([kind, v]) => {
          const s = toJsonSchema(v);
          return { ...s, properties: { kind: { const: kind }, ...(s.properties as Obj) }, required: ['kind', ...(s.required as string[])] };
        }),
        ...withDefault,
      };
    case 'object': {
      const properties: Obj = {};
      for (const [k, f] of Object.entries(node.fields)) properties[k] = toJsonSchema(f, partial);
      const required = partial ? [] : Object.keys(node.fields).filter((k) => !node.fields[k].optional);
      return { type: 'object', ...doc, properties, required, additionalProperties: false };
    }
  }
}
