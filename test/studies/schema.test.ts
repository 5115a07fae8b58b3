// studies/schema.json: generated from the RunConfig schema, named by every study file, and what it accepts agrees
// with the loader on the real studies and on typical mistakes. Adding "$schema" changes no study and no hash.
import Ajv from 'ajv';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateStudyConfig } from '../../src/studies/config.js';
import { planStudy } from '../../src/studies/plan.js';
import { studyDefaults } from '../../src/studies/run-defaults.js';
import { STUDY_SCHEMA_REF, studyJsonSchema, studySchemaText } from '../../src/studies/study-schema.js';
import { isStudyFile } from '../../src/studies/study-file.js';

const SCHEMA_FILE = 'studies/schema.json';
const files = readdirSync('studies').filter(isStudyFile);
const read = (f: string): Record<string, unknown> => JSON.parse(readFileSync(join('studies', f), 'utf8')) as Record<string, unknown>;

describe('studies/schema.json', () => {
  if (process.env.PAIRNET_WRITE_SCHEMA) {
    it(`writes ${SCHEMA_FILE}`, () => writeFileSync(SCHEMA_FILE, studySchemaText()));
    return;
  }

  it('is the schema generated from the RunConfig schema (PAIRNET_WRITE_SCHEMA=1 rewrites it)', () => {
    expect(readFileSync(SCHEMA_FILE, 'utf8')).toBe(studySchemaText());
  });

  const validate = new Ajv({ strict: true, strictRequired: false, allowUnionTypes: true }).compile(studyJsonSchema());

  it.each(files)('%s names it and passes it', (f) => {
    const doc = read(f);
    expect(doc.$schema).toBe(STUDY_SCHEMA_REF);
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
  });

  it.each([
    ['an unknown base field', (d: Record<string, unknown>) => (d.base = { optimiser: {} })],
    ['an unknown optimizer', (d: Record<string, unknown>) => (d.base = { optimizer: { name: 'rmsprop' } })],
    ['a fractional batch size', (d: Record<string, unknown>) => (d.base = { batchSize: 2.5 })],
    ['a schedule missing its fields', (d: Record<string, unknown>) => (d.base = { schedule: { kind: 'step' } })],
    ['an unknown model', (d: Record<string, unknown>) => (d.variants = [{ name: 'A', model: 'nonet' }])],
    ['a typo in a sweep field', (d: Record<string, unknown>) => (d.protocol = { kind: 'sweep', field: 'optimizer.rate', values: [1] })],
    ['an unknown top-level field', (d: Record<string, unknown>) => (d.extra = 1)],
  ])('rejects %s, as the loader does', (_, patch) => {
    const doc = read('quick.json');
    patch(doc);
    expect(validate(doc)).toBe(false);
    expect(() => validateStudyConfig(doc, 'quick.json')).toThrow();
  });

  it('accepts a model option and auxFraction as grid fields', () => {
    const doc = read('quick.json');
    doc.protocol = { kind: 'grid-search', folds: 3, steps: [{ name: 's', grid: { 'modelOptions.dropout': [0.1], auxFraction: [0.5], 'schedule.gamma': [0.5] } }] };
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
  });

  it.each(files)('"$schema" in %s changes neither the study nor a config hash', (f) => {
    const doc = read(f);
    const without = { ...doc };
    delete without.$schema;
    const a = validateStudyConfig(doc, f);
    const b = validateStudyConfig(without, f);
    expect(a).toEqual(b);
    expect('$schema' in a).toBe(false);
    const defaults = studyDefaults();
    const found = () => ({ final: { testAccuracy: 0.5 } }) as never;
    expect(planStudy(a, defaults, found).runs.map((r) => r.configHash)).toEqual(planStudy(b, defaults, found).runs.map((r) => r.configHash));
  });
});
