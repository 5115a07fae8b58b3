// Property-based fuzzing of what users type: study config files and `pairnet train` flags. Every input gives a
// valid config or a short error naming the file or flag, quickly (no plan of a billion runs, no hang).
import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { configFromFlags, type TrainCliOptions } from '../../src/cli/commands/train.js';
import { plannedRunCount, validateStudyConfig } from '../../src/studies/config.js';
import { checkPlannedRuns, studyDefaults } from '../../src/studies/run-defaults.js';
import { isStudyFile } from '../../src/studies/study-file.js';
import { LIMITS } from '../../src/io/limits.js';
import { validateRunConfig } from '../../src/training/validate.js';
import { check, reportCases } from './fuzz-runs.js';

afterAll(() => reportCases('configs'));

const defaults = studyDefaults();
const studies = readdirSync('studies').filter(isStudyFile).map((f) => JSON.parse(readFileSync(join('studies', f), 'utf8')) as unknown);

/** Values a user (or a typo) may put anywhere: huge and odd numbers, wrong types, long strings. */
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(1e9, -1, 0, 0.5, 1e308, Number.MAX_SAFE_INTEGER, 2 ** 53 + 2, null, true, '', 'x'.repeat(5000), [], {}),
  fc.integer(),
  fc.double(),
  fc.string({ maxLength: 40 }),
  fc.jsonValue({ maxDepth: 2 }),
);

type Json = Record<string, unknown> | unknown[];

/** Paths into a JSON document (up to depth 4). */
function paths(v: unknown, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  if (prefix.length > 0) out.push(prefix);
  if (prefix.length >= 4 || typeof v !== 'object' || v === null) return out;
  for (const [k, c] of Object.entries(v)) paths(c, [...prefix, Array.isArray(v) ? Number(k) : k], out);
  return out;
}

const mutatedStudy = fc
  .tuple(fc.nat(studies.length - 1), fc.array(fc.tuple(fc.nat(), hostileValue, fc.boolean()), { minLength: 1, maxLength: 4 }))
  .map(([which, edits]) => {
    const doc = structuredClone(studies[which]) as Json;
    for (const [at, value, addKey] of edits) {
      const ps = paths(doc);
      const path = ps[at % ps.length];
      let parent = doc as Record<string | number, unknown>;
      for (const k of path.slice(0, -1)) parent = parent[k] as Record<string | number, unknown>;
      parent[addKey && !Array.isArray(parent) ? `${String(path[path.length - 1])}x` : path[path.length - 1]] = value;
    }
    return doc;
  });

describe('fuzz: study configs', () => {
  it('mutated real study configs are valid or a short error naming the file', () => {
    expect(studies.length).toBeGreaterThan(1);
    check('study mutated', mutatedStudy, (doc) => {
      const t0 = performance.now();
      try {
        const study = validateStudyConfig(doc, 'fuzz.json');
        expect(plannedRunCount(study.rounds, study.variants.length, study.protocol)).toBeLessThanOrEqual(LIMITS.studyRuns.max);
        checkPlannedRuns(study, defaults, 'fuzz.json');
      } catch (e) {
        expect((e as Error).message.startsWith('fuzz.json: '), (e as Error).message).toBe(true);
        expect((e as Error).message.length).toBeLessThan(1024);
      }
      expect(performance.now() - t0).toBeLessThan(5000);
    });
  });
});

const flagValue = fc.option(fc.oneof(fc.constantFrom('1', '0', '-1', '1e9', '1000000000', '2.5', 'NaN', 'Infinity', '', ' ', '0x10', '1,2', '100,50', 'x'.repeat(3000)), fc.string({ maxLength: 12 }), fc.integer().map(String), fc.double().map(String)), { nil: undefined });
const flags: fc.Arbitrary<TrainCliOptions> = fc.record({
  model: fc.oneof(fc.constantFrom('fcnet', 'convsepnet', 'bce-resnet', 'resnet10-ws', 'nope'), fc.string({ maxLength: 300 })),
  option: fc.array(fc.oneof(fc.constantFrom('dropout=0.5', 'channels=1e9', 'blocks=100000', 'comparator=probabilistic', 'dropout', '=1'), fc.string({ maxLength: 20 })), { maxLength: 3 }),
  auxWeight: flagValue,
  auxFraction: flagValue,
  epochs: flagValue,
  batchSize: flagValue,
  optimizer: fc.option(fc.constantFrom('adam', 'sgd', 'adadelta', 'lbfgs', ''), { nil: undefined }),
  lr: flagValue,
  lrMilestones: flagValue,
  lrGamma: flagValue,
  auxSchedule: fc.option(fc.constantFrom('constant', 'linear', 'cosine', 'step'), { nil: undefined }),
  seed: flagValue,
  cosine: fc.option(fc.boolean(), { nil: undefined }),
  augment: fc.option(fc.oneof(fc.constantFrom('translate=2,swap', 'rotate=10,scale=0.1', 'rotate=1e9', 'scale=1', 'repair,x', 'translate=', 'y'.repeat(3000)), fc.string({ maxLength: 30 })), { nil: undefined }),
  set: fc.array(
    fc.oneof(
      fc.constantFrom('optimizer.lr=0.01', 'model.options.dropout=2', 'schedule={"kind":"step"}', 'schedule.gamma=0.5', 'data.holdout=null', 'data.holdout={"folds":3,"fold":5}', 'epochs=1e9', 'optimizer.name=sgd', 'optimizer.betas=[0.9]', 'auxFraction=0.3', 'nope=1', '=', 'seed=-1'),
      fc.string({ maxLength: 30 }),
    ),
    { maxLength: 3 },
  ),
});

describe('fuzz: train flags', () => {
  it('random flags give a valid config or a short error', () => {
    check('train flags', flags, (o) => {
      try {
        const c = configFromFlags(o);
        expect(validateRunConfig(c)).toBe(c);
        expect(c.epochs).toBeLessThanOrEqual(LIMITS.epochs.max);
      } catch (e) {
        expect(e).toBeInstanceOf(Error);
        expect((e as Error).message.length, (e as Error).message.slice(0, 2000)).toBeLessThan(1024);
      }
    });
  });
});
