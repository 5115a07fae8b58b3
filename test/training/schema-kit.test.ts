// The schema kit on a small schema with every kind of node: what each check accepts at its bounds, the issue it
// raises (path, wanted, value), the defaults and the JSON Schema it derives. run-schema.ts builds the RunConfig's
// schema from these nodes, so every config error a user reads comes from here.
import { describe, expect, it } from 'vitest';
import { LIMITS, limitText } from '../../src/io/limits.js';
import { SchemaIssue, bool, checkNode, defaultsOf, isObj, joinOr, nonNegative, num, obj, positive, positiveInt, toJsonSchema, wantOf } from '../../src/training/schema-kit.js';
import type { Node } from '../../src/training/schema-kit.js';

const tied: string[] = [];
const schema = obj('A test schema.', {
  rate: positive('A rate.', 0.1),
  count: positiveInt('A count.', 3, 'ensemble'),
  capped: { ...positiveInt('Capped.', 1, 'ensemble'), max: 10 },
  share: num('a number in [0, 1)', 'A share.', { min: 0, max: 1, exclusiveMax: true }),
  floor: nonNegative('A floor.'),
  flag: bool('A flag.', false),
  label: { kind: 'string', want: 'a non-empty string', doc: 'A label.', default: 'x' },
  mode: { kind: 'enum', values: ['a', 'b', 'c'], doc: 'A mode.', default: 'a' },
  pair: { kind: 'tuple', items: [num('a number', ''), num('a number', '')], want: 'two numbers', doc: 'A pair.', default: [1, 2] },
  steps: { kind: 'list', item: positiveInt(''), want: 'increasing positive integers', doc: 'Steps.', limit: 'ensemble', default: [] },
  options: { kind: 'options', doc: 'Options.', default: {} },
  shape: { kind: 'union', doc: 'A shape.', variants: { dot: obj('', {}), box: obj('', { side: positive('Side.', 1) }) }, default: { kind: 'dot' } },
  maybe: { kind: 'nullable', of: obj('', { n: positiveInt('N.', 1) }), doc: 'Maybe.', default: null },
  extra: { ...positive('Added later.'), optional: true },
  inner: obj('Inner.', { depth: positiveInt('Depth.', 2) }, (o, path) => tied.push(`${path}:${String(o.depth)}`)),
} as Record<string, Node>);

const valid = () => ({
  rate: 0.5, count: 2, capped: 10, share: 0, floor: 0, flag: true, label: 'y', mode: 'c', pair: [3, 4], steps: [1, 5], options: { w: 2, s: 'x', b: false },
  shape: { kind: 'box', side: 2 }, maybe: { n: 3 }, inner: { depth: 1 },
});

/** The issue a value raises, as path, want and value. */
function issue(patch: Record<string, unknown>, partial = false): [string, string, unknown] | null {
  try {
    checkNode(schema, { ...valid(), ...patch }, '', partial);
    return null;
  } catch (e) {
    expect(e).toBeInstanceOf(SchemaIssue);
    const { path, want, value } = (e as SchemaIssue).issue;
    return [path, want, value];
  }
}

describe('schema checks', () => {
  it('accepts a valid value and runs the object rules only on full configs', () => {
    tied.length = 0;
    expect(issue({})).toBeNull();
    expect(tied).toEqual(['inner:1']);
    expect(issue({}, true)).toBeNull();
    expect(tied).toEqual(['inner:1']);
  });

  it('numbers: finite, integer where asked, each bound inclusive or exclusive as declared, and the limit', () => {
    expect(issue({ rate: 0 })).toEqual(['rate', 'a finite number > 0', 0]);
    expect(issue({ rate: Number.MIN_VALUE })).toBeNull();
    expect(issue({ rate: Infinity })).toEqual(['rate', 'a finite number > 0', Infinity]);
    expect(issue({ rate: '1' })).toEqual(['rate', 'a finite number > 0', '1']);
    expect(issue({ count: 1.5 })).toEqual(['count', 'a positive integer', 1.5]);
    expect(issue({ count: 0 })).toEqual(['count', 'a positive integer', 0]);
    expect(issue({ count: 1 })).toBeNull();
    expect(issue({ count: LIMITS.ensemble.max })).toBeNull();
    expect(issue({ count: LIMITS.ensemble.max + 1 })).toEqual(['count', limitText('ensemble'), 33]);
    expect(issue({ capped: 11 })).toEqual(['capped', 'a positive integer', 11]);
    expect(issue({ share: 1 })).toEqual(['share', 'a number in [0, 1)', 1]);
    expect(issue({ share: 0.999 })).toBeNull();
    expect(issue({ share: -0.001 })).toEqual(['share', 'a number in [0, 1)', -0.001]);
    expect(issue({ floor: -1 })).toEqual(['floor', 'a finite number >= 0', -1]);
  });

  it('booleans, strings, enums, tuples, lists and options', () => {
    expect(issue({ flag: 1 })).toEqual(['flag', 'true or false', 1]);
    expect(issue({ label: '' })).toEqual(['label', 'a non-empty string', '']);
    expect(issue({ label: 3 })).toEqual(['label', 'a non-empty string', 3]);
    expect(issue({ mode: 'd' })).toEqual(['mode', 'a, b or c', 'd']);
    expect(issue({ mode: 1 })).toEqual(['mode', 'a, b or c', 1]);
    expect(issue({ pair: [1] })).toEqual(['pair', 'two numbers', [1]]);
    expect(issue({ pair: [1, 'x'] })).toEqual(['pair', 'two numbers', [1, 'x']]);
    expect(issue({ pair: 'ab' })).toEqual(['pair', 'two numbers', 'ab']);
    expect(issue({ steps: [5, 5] })).toEqual(['steps', 'increasing positive integers', [5, 5]]);
    expect(issue({ steps: [0] })).toEqual(['steps', 'increasing positive integers', [0]]);
    expect(issue({ steps: {} })).toEqual(['steps', 'increasing positive integers', {}]);
    expect(issue({ steps: Array.from({ length: 32 }, (_, i) => i + 1) })).toBeNull();
    expect(issue({ steps: Array.from({ length: 33 }, (_, i) => i + 1) })).toEqual(['steps', `${limitText('ensemble')} entries`, 33]);
    expect(issue({ options: { w: [1] } })).toEqual(['options.w', 'a number, string or boolean', [1]]);
    expect(issue({ options: [] })).toEqual(['options', 'an object of model options (name: number, string or boolean)', []]);
  });

  it('unions by their kind, nullables, unknown and missing fields, nested paths', () => {
    expect(issue({ shape: { kind: 'ball' } })).toEqual(['shape.kind', 'dot or box', 'ball']);
    expect(issue({ shape: { kind: 'toString' } })).toEqual(['shape.kind', 'dot or box', 'toString']);
    expect(issue({ shape: 'dot' })).toEqual(['shape', 'an object with kind dot or box', 'dot']);
    expect(issue({ shape: { kind: 'box', side: 0 } })).toEqual(['shape.side', 'a finite number > 0', 0]);
    expect(issue({ shape: { kind: 'dot', side: 1 } })?.slice(0, 2)).toEqual(['shape.side', 'absent (unknown field; known: kind)']);
    expect(issue({ shape: { kind: 'box' } }, true)).toEqual(['shape.side', 'a finite number > 0', undefined]);
    expect(issue({ maybe: null })).toBeNull();
    expect(issue({ maybe: { n: 0 } })).toEqual(['maybe.n', 'a positive integer', 0]);
    expect(issue({ inner: { depth: 0 } })).toEqual(['inner.depth', 'a positive integer', 0]);
    expect(issue({ inner: [] })).toEqual(['inner', 'an object', []]);
    expect(issue({ extra: 2 })).toBeNull();
    expect(issue({ extra: 0 })).toEqual(['extra', 'a finite number > 0', 0]);
    const unknown = issue({ colour: 'red' });
    expect(unknown).toEqual(['colour', `absent (unknown field; known: ${Object.keys(schema.fields).join(', ')})`, 'red']);
    const { rate: _, ...withoutRate } = valid();
    expect(() => checkNode(schema, withoutRate, 'cfg')).toThrow(new SchemaIssue({ path: 'cfg.rate', want: 'a finite number > 0', value: undefined }));
    expect(() => checkNode(schema, { rate: 2 }, 'cfg', true)).not.toThrow();
    expect(new SchemaIssue({ path: 'p', want: 'w', value: 1 }).message).toBe('p: must be w');
    expect(new SchemaIssue({ path: 'p', want: 'w', value: 1, reason: 'is not an option of fcnet' }).message).toBe('p: is not an option of fcnet');
    expect(new SchemaIssue({ path: 'p', want: 'w', value: 1 }).name).toBe('SchemaIssue');
  });
});

describe('schema words, defaults and JSON Schema', () => {
  it('joins alternatives with commas and a final "or", and says what each kind wants', () => {
    expect([[], ['a'], ['a', 'b'], ['a', 'b', 'c']].map(joinOr)).toEqual(['', 'a', 'a or b', 'a, b or c']);
    expect(wantOf(schema.fields.maybe)).toBe('null or an object');
    expect(wantOf(schema)).toBe('an object');
    expect(isObj({})).toBe(true);
    expect([null, [], 'x', 1].map(isObj)).toEqual([false, false, false, false]);
  });

  it('gives the defaults, leaving out optional and undefaulted leaves, copied each time', () => {
    const d = defaultsOf(schema) as Record<string, unknown>;
    expect(d).toEqual({ rate: 0.1, count: 3, capped: 1, flag: false, label: 'x', mode: 'a', pair: [1, 2], steps: [], options: {}, shape: { kind: 'dot' }, maybe: null, inner: { depth: 2 } });
    (d.pair as number[]).push(9);
    expect((defaultsOf(schema) as Record<string, unknown>).pair).toEqual([1, 2]);
  });

  it('derives the JSON Schema: types, bounds (a limit lowers the maximum), docs, defaults, required fields', () => {
    const s = toJsonSchema(schema) as { properties: Record<string, unknown>; required: string[] } & Record<string, unknown>;
    expect(s.type).toBe('object');
    expect(s.description).toBe('A test schema.');
    expect(s.additionalProperties).toBe(false);
    expect(s.required).toEqual(Object.keys(schema.fields).filter((k) => k !== 'extra'));
    expect(s.properties).toEqual({
      rate: { type: 'number', description: 'A rate.', default: 0.1, exclusiveMinimum: 0 },
      count: { type: 'integer', description: 'A count.', default: 3, minimum: 1, maximum: 32 },
      capped: { type: 'integer', description: 'Capped.', default: 1, minimum: 1, maximum: 10 },
      share: { type: 'number', description: 'A share.', minimum: 0, exclusiveMaximum: 1 },
      floor: { type: 'number', description: 'A floor.', minimum: 0 },
      flag: { type: 'boolean', description: 'A flag.', default: false },
      label: { type: 'string', minLength: 1, description: 'A label.', default: 'x' },
      mode: { enum: ['a', 'b', 'c'], description: 'A mode.', default: 'a' },
      pair: { type: 'array', items: [{ type: 'number' }, { type: 'number' }], minItems: 2, maxItems: 2, description: 'A pair.', default: [1, 2] },
      steps: { type: 'array', items: { type: 'integer', minimum: 1 }, maxItems: 32, description: 'Steps.', default: [] },
      options: { type: 'object', additionalProperties: { type: ['number', 'string', 'boolean'] }, description: 'Options.', default: {} },
      shape: {
        oneOf: [
          { type: 'object', properties: { kind: { const: 'dot' } }, required: ['kind'], additionalProperties: false },
          { type: 'object', properties: { kind: { const: 'box' }, side: { type: 'number', description: 'Side.', default: 1, exclusiveMinimum: 0 } }, required: ['kind', 'side'], additionalProperties: false },
        ],
        description: 'A shape.',
        default: { kind: 'dot' },
      },
      maybe: { oneOf: [{ type: 'null' }, { type: 'object', properties: { n: { type: 'integer', description: 'N.', default: 1, minimum: 1 } }, required: ['n'], additionalProperties: false }], description: 'Maybe.', default: null },
      extra: { type: 'number', description: 'Added later.', exclusiveMinimum: 0 },
      inner: { type: 'object', description: 'Inner.', properties: { depth: { type: 'integer', description: 'Depth.', default: 2, minimum: 1 } }, required: ['depth'], additionalProperties: false },
    });
    const partial = toJsonSchema(schema, true) as { required: string[]; properties: Record<string, { required?: string[] }> };
    expect(partial.required).toEqual([]);
    expect(partial.properties.inner.required).toEqual([]);
    expect((partial.properties.shape as unknown as { oneOf: Array<{ required: string[] }> }).oneOf[1].required).toEqual(['kind', 'side']);
  });
});
