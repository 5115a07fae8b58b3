/**
 * The JSON Schema of study files, published as studies/schema.json and named by "$schema" in each study, so editors
 * complete and check them. Its RunConfig parts ("base", a variant's "overrides", grid and sweep fields) are derived
 * from the RunConfig schema; the study's own fields mirror validateStudyConfig (config.ts), which stays the
 * authority (it also checks what JSON Schema cannot say: variant references, model options, run counts).
 */
import { LIMITS } from '../io/limits.js';
import { ZOO } from '../models/registry.js';
import { RUN_SCHEMA, settablePaths } from '../training/run-schema.js';
import { toJsonSchema, type Obj } from '../training/schema-kit.js';

/** What a study file's "$schema" says, relative to the file (every study lives in studies/). */
export const STUDY_SCHEMA_REF = './schema.json';

const int = (minimum: number, maximum?: number, description?: string): Obj => ({ type: 'integer', minimum, ...(maximum === undefined ? {} : { maximum }), ...(description ? { description } : {}) });
const label = { type: 'string', minLength: 1, maxLength: LIMITS.nameChars.max };
const keyPart = { ...label, pattern: '^[^/]+$' };
const ref = (name: string): Obj => ({ $ref: `#/definitions/${name}` });
const kindIs = (kind: string, properties: Obj, required: string[], extra: Obj = {}): Obj => ({
  type: 'object', properties: { kind: { const: kind }, ...properties }, required: ['kind', ...required], additionalProperties: false, ...extra,
});

export function studyJsonSchema(): Obj {
  const pct = { type: ['array', 'null'], items: { type: 'number' }, minItems: 2, maxItems: 2, description: '[mean, sigma] in percent' };
  const values = { type: 'array', items: ref('FieldValue'), minItems: 1, maxItems: LIMITS.gridValues.max };
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'pairnet study config',
    description: 'A study: variants of a run trained for some rounds under a protocol (see docs/studies.md). Generated from the RunConfig schema: do not edit by hand.',
    type: 'object',
    required: ['name', 'description', 'seed', 'rounds', 'epochs', 'variants', 'protocol'],
    additionalProperties: false,
    properties: {
      $schema: { type: 'string' },
      $comment: { type: 'string' },
      name: { type: 'string', pattern: '^[a-z0-9]+(-[a-z0-9]+)*$', description: "Lower-case words joined by '-': names the output directory out/<name>/." },
      description: { type: 'string', minLength: 1 },
      seed: int(0, undefined, 'Every run seed derives from it.'),
      rounds: int(1, LIMITS.rounds.max, 'Rounds per variant: fresh pairs and weights each.'),
      epochs: int(1, LIMITS.epochs.max, 'Epochs of every run (over the RunConfig default).'),
      base: { ...ref('RunConfigOverrides'), description: 'Partial RunConfig applied to every run.' },
      variants: {
        type: 'array', minItems: 1, maxItems: LIMITS.variants.max,
        items: {
          type: 'object', required: ['name', 'model'], additionalProperties: false,
          properties: {
            name: { ...keyPart, description: "Row name in tables (no '/': run keys are split at it)." },
            model: { enum: ZOO.map((z) => z.name), description: 'Zoo model (`pairnet models`).' },
            overrides: { ...ref('RunConfigOverrides'), description: "Partial RunConfig over the study's base." },
          },
        },
      },
      protocol: {
        oneOf: [
          kindIs('multi-round', {}, []),
          kindIs('grid-search', {
            folds: int(2, LIMITS.folds.max),
            steps: {
              type: 'array', minItems: 1,
              items: {
                type: 'object', required: ['name', 'grid'], additionalProperties: false,
                properties: {
                  name: keyPart,
                  grid: { type: 'object', minProperties: 1, propertyNames: ref('FieldPath'), additionalProperties: values },
                  variants: { type: ['array', 'null'], items: { type: 'string' } },
                },
              },
            },
          }, ['folds', 'steps']),
          kindIs('sweep', {
            field: ref('FieldPath'),
            values,
            range: { type: 'object', required: ['from', 'to', 'steps'], additionalProperties: false, properties: { from: { type: 'number' }, to: { type: 'number' }, steps: int(1, LIMITS.gridValues.max - 1) } },
          }, ['field'], { anyOf: [{ required: ['values'] }, { required: ['range'] }] }),
        ],
      },
      comparisons: { type: 'array', items: { type: 'array', items: { type: 'string' }, minItems: 2, maxItems: 2 }, description: 'Pairs of variant names to compare.' },
      published: {
        oneOf: [
          { type: 'null' },
          {
            type: 'object', required: ['source', 'rounds', 'rows'], additionalProperties: false,
            properties: {
              source: { type: 'string', minLength: 1 }, rounds: int(1), note: { type: 'string' },
              rows: {
                type: 'object',
                additionalProperties: {
                  type: 'object', additionalProperties: false,
                  properties: { testAccuracy: pct, digitAccuracy: pct, trainAccuracy: pct, parameters: { type: ['number', 'null'] }, trainSeconds: { type: ['number', 'null'] } },
                },
              },
            },
          },
        ],
      },
    },
    definitions: {
      RunConfigOverrides: toJsonSchema(RUN_SCHEMA, true),
      FieldPath: {
        description: 'A RunConfig field by dotted path, a model option (modelOptions.<name>) or auxFraction (report 000: loss.main = 1 - f, loss.aux = f / 2).',
        anyOf: [{ enum: settablePaths() }, { type: 'string', pattern: '^(modelOptions|model\\.options)\\.[A-Za-z][A-Za-z0-9]*$' }],
      },
      FieldValue: { type: ['number', 'string', 'boolean'] },
    },
  };
}

/** The text of studies/schema.json. */
export function studySchemaText(): string {
  return `${JSON.stringify(studyJsonSchema(), null, 2)}\n`;
}
