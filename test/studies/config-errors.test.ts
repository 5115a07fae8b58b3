// Every check of a study config with the message it gives (file, field, what was expected, what it got), each at its
// boundary where it has one: what the studies-plan mutation run found untested.
import { describe, expect, it } from 'vitest';
import { plannedRunCount, validateStudyConfig } from '../../src/studies/config.js';
import { ConfigError, checkFieldPath, checkOverrides, describeValue } from '../../src/studies/overrides.js';
import { checkPairsFit, checkPlannedRuns, studyDefaults } from '../../src/studies/run-defaults.js';
import { minimalStudyJson as minimal } from './tiny-study.js';

const grid = (step: Record<string, unknown>, folds: unknown = 3) => ({ protocol: { kind: 'grid-search', folds, steps: [{ name: 's', grid: { 'optimizer.lr': [0.1] }, ...step }] } });
const sweep = (rest: Record<string, unknown>) => ({ protocol: { kind: 'sweep', field: 'optimizer.lr', ...rest } });
const published = (rows: unknown, rest: Record<string, unknown> = {}) => ({ published: { source: 'r', rounds: 5, note: 'n', rows, ...rest } });
const validate = (patch: Record<string, unknown>) => validateStudyConfig({ ...minimal(), ...patch }, 'x.json');

describe('study config errors', () => {
  it.each([
    [{ seed: -1 }, 'x.json: seed: expected an integer >= 0, got -1'],
    [{ rounds: 1001 }, 'x.json: rounds: expected at most 1,000'],
    [{ epochs: 1.5 }, 'x.json: epochs: expected an integer >= 1, got 1.5'],
    [{ name: '' }, 'x.json: name: expected a non-empty string'],
    [{ name: 'a--b' }, 'x.json: name: expected lower-case words joined by "-"'],
    [{ name: '-a' }, 'x.json: name: expected lower-case words joined by "-"'],
    [{ description: 3 }, 'x.json: description: expected a non-empty string, got 3'],
    [{ base: [] }, 'x.json: base: expected an object of RunConfig overrides'],
    [{ variants: [] }, 'x.json: variants: expected a non-empty array'],
    [{ variants: {} }, 'x.json: variants: expected a non-empty array'],
    [{ variants: Array.from({ length: 1001 }, (_, i) => ({ name: `v${i}`, model: 'fcnet' })) }, 'x.json: variants: expected at most 1,000'],
    [{ variants: ['A'] }, 'x.json: variants[0]: expected an object {name, model, overrides}'],
    [{ variants: [{ name: 'A', model: 'fcnet', extra: 1 }] }, 'x.json: variants[0].extra: unknown field (expected name, model, overrides)'],
    [{ variants: [{ name: 'A', model: 'fcnet', overrides: 3 }] }, 'x.json: variants[0].overrides: expected an object, got 3'],
    [{ variants: [{ name: 'x'.repeat(101), model: 'fcnet' }] }, 'x.json: variants[0].name: expected at most 100'],
    [{ variants: [{ name: 'A', model: 'fcnet' }, { name: 'A', model: 'fcnet' }] }, 'x.json: variants[1].name: duplicate variant name'],
    [{ protocol: 3 }, 'x.json: protocol: expected an object with "kind", got 3'],
    [{ protocol: { kind: 'other' } }, 'x.json: protocol.kind: expected "multi-round", "grid-search" or "sweep"'],
    [grid({}, 1), 'x.json: protocol.folds: expected an integer >= 2, got 1'],
    [grid({}, 101), 'x.json: protocol.folds: expected at most 100'],
    [{ protocol: { kind: 'grid-search', folds: 3, steps: [] } }, 'x.json: protocol.steps: expected a non-empty array of grid steps'],
    [{ protocol: { kind: 'grid-search', folds: 3, steps: [3] } }, 'x.json: protocol.steps[0]: expected an object {name, grid, variants?}'],
    [grid({ grid: {} }), 'x.json: protocol.steps[0].grid: expected an object of field -> values'],
    [grid({ grid: { 'optimizer.lr': [] } }), 'x.json: protocol.steps[0].grid.optimizer.lr: expected a non-empty array of values'],
    [grid({ grid: { 'optimizer.lr': [[0.1]] } }), 'x.json: protocol.steps[0].grid.optimizer.lr[0]: expected a number, string or boolean'],
    [grid({ grid: { 'optimizer.lr': Array.from({ length: 1001 }, (_, i) => i + 1) } }), 'x.json: protocol.steps[0].grid.optimizer.lr: expected at most 1,000'],
    [grid({ variants: 'A' }), 'x.json: protocol.steps[0].variants: expected an array of variant names'],
    [grid({ variants: ['C'] }), 'x.json: protocol.steps[0].variants[0]: no variant of that name (variants: A, B)'],
    [grid({ name: 'a/b' }), 'x.json: protocol.steps[0].name: expected a name without "/" (run keys are split at it)'],
    [sweep({}), 'x.json: protocol: a sweep needs "values" or "range": {from, to, steps}'],
    [sweep({ range: { from: 0.1, to: '1', steps: 2 } }), 'x.json: protocol.range: expected {from, to, steps} numbers'],
    [sweep({ range: { from: 0.1, to: 1, steps: 0 } }), 'x.json: protocol.range.steps: expected an integer >= 1, got 0'],
    [sweep({ range: { from: 0.1, to: 1, steps: 1000 } }), 'x.json: protocol.range.steps: expected at most 1,000'],
    [sweep({ field: '' , values: [1] }), 'x.json: protocol.field: expected a non-empty string'],
    [{ comparisons: {} }, 'x.json: comparisons: expected an array of [variantA, variantB] pairs'],
    [{ comparisons: [['A']] }, 'x.json: comparisons[0]: expected a pair of variant names'],
    [{ comparisons: [['A', 'C']] }, 'x.json: comparisons[0][1]: no variant of that name (variants: A, B)'],
    [{ published: 3 }, 'x.json: published: expected an object {source, rounds, note, rows}'],
    [published(3), 'x.json: published.rows: expected an object: variant name -> published figures'],
    [published({ C: {} }), 'x.json: published.rows.C: no variant of that name'],
    [published({ A: 3 }), 'x.json: published.rows.A: expected an object, got 3'],
    [published({ A: { speed: 1 } }), 'x.json: published.rows.A.speed: unknown field, got 1'],
    [published({ A: { testAccuracy: [90] } }), 'x.json: published.rows.A.testAccuracy: expected [mean, sigma] in percent'],
    [published({ A: { testAccuracy: [90, Infinity] } }), 'x.json: published.rows.A.testAccuracy: expected [mean, sigma] in percent'],
    [published({ A: { digitAccuracy: [90, '1'] } }), 'x.json: published.rows.A.digitAccuracy: expected [mean, sigma] in percent'],
    [published({ A: { trainAccuracy: 90 } }), 'x.json: published.rows.A.trainAccuracy: expected [mean, sigma] in percent'],
    [published({ A: { parameters: '1' } }), 'x.json: published.rows.A.parameters: expected a number'],
    [published({ A: { trainSeconds: NaN } }), 'x.json: published.rows.A.trainSeconds: expected a number'],
    [published({}, { rounds: 0 }), 'x.json: published.rounds: expected an integer >= 1, got 0'],
    [published({}, { source: '' }), 'x.json: published.source: expected a non-empty string'],
    [{ rounds: 1000, variants: Array.from({ length: 101 }, (_, i) => ({ name: `v${i}`, model: 'fcnet' })) }, 'x.json: (top level): plans 1.01e+5 runs; expected at most 100,000'],
  ])('%j: %s', (patch, message) => {
    expect(() => validate(patch)).toThrow(message);
  });

  it('accepts each boundary value and reads what it was given', () => {
    expect(validate({ seed: 0, rounds: 1000, epochs: 1, name: 'a-1-b' }).rounds).toBe(1000);
    expect(validate({ variants: [{ name: 'x'.repeat(100), model: 'fcnet' }] }).variants[0].name).toHaveLength(100);
    const g = validate(grid({ variants: ['B'] }, 100)).protocol;
    expect(g).toEqual({ kind: 'grid-search', folds: 100, steps: [{ name: 's', grid: { 'optimizer.lr': [0.1] }, variants: ['B'] }] });
    expect(validate(grid({ variants: null })).protocol).toMatchObject({ steps: [{ variants: null }] });
    expect(validate(sweep({ range: { from: 0.2, to: 1, steps: 4 } })).protocol).toEqual({ kind: 'sweep', field: 'optimizer.lr', values: [0.2, 0.4, 0.6000000000000001, 0.8, 1] });
    expect(validate(sweep({ range: { from: 0.1, to: 1, steps: 999 } })).protocol).toMatchObject({ kind: 'sweep' });
    const p = validate(published({ A: { testAccuracy: [90, 1], parameters: 12, trainSeconds: null } }, { note: 3 })).published!;
    expect(p).toEqual({ source: 'r', rounds: 5, note: '', rows: { A: { testAccuracy: [90, 1], digitAccuracy: null, trainAccuracy: null, parameters: 12, trainSeconds: null } } });
    expect(validate({ published: null }).published).toBeNull();
    expect(validate({ comparisons: [['B', 'A']] }).comparisons).toEqual([['B', 'A']]);
    expect(validate({ $schema: './schema.json', $comment: 'free' }).name).toBe('tiny');
  });

  it('counts planned runs for each protocol without listing them', () => {
    expect(plannedRunCount(3, 2, { kind: 'multi-round' })).toBe(6);
    expect(plannedRunCount(3, 2, { kind: 'sweep', field: 'x', values: [1, 2, 3, 4] })).toBe(24);
    const steps = [{ name: 'a', grid: { x: [1, 2], y: [1, 2, 3] }, variants: ['A'] }, { name: 'b', grid: { z: [1, 2] }, variants: null }];
    expect(plannedRunCount(3, 2, { kind: 'grid-search', folds: 5, steps })).toBe(3 * 2 + 1 * 6 * 5 + 2 * 2 * 5);
  });
});

describe('planned runs against the data', () => {
  const pools = (train: number, test: number) => ({
    train: { images: new Uint8Array(0), labels: new Uint8Array(0), count: train },
    test: { images: new Uint8Array(0), labels: new Uint8Array(0), count: test },
    description: 'counted pools',
  });

  it("checks every planned run's pairs against its pools, the largest request per source, loading each source once", () => {
    const study = validateStudyConfig({ ...minimal(), base: { data: { trainPairs: 50, testPairs: 20 } }, variants: [{ name: 'A', model: 'fcnet' }, { name: 'B', model: 'fcnet', overrides: { data: { trainPairs: 60 } } }] }, 'x.json');
    const loads: string[] = [];
    const load = (source: string) => {
      loads.push(source);
      return pools(120, 40);
    };
    expect(() => checkPairsFit(study, studyDefaults(), 'x.json', load)).not.toThrow();
    expect(loads).toEqual(['mnist']);
    expect(() => checkPairsFit(study, studyDefaults(), 'x.json', () => pools(119, 40))).toThrow("x.json: data.trainPairs: 60 pairs need 120 distinct images but the train pool of 'mnist' has 119 (at most 59 pairs)");
    expect(() => checkPairsFit(study, studyDefaults(), 'x.json', () => pools(120, 39))).toThrow("x.json: data.testPairs: 20 pairs need 40 distinct images but the test pool of 'mnist' has 39 (at most 19 pairs)");
  });

  it('names the run whose resolved config is invalid', () => {
    const study = validateStudyConfig({ ...minimal(), variants: [{ name: 'A', model: 'fcnet' }, { name: 'B', model: 'fcnet', overrides: { data: { trainPairs: 4, holdout: { folds: 5, fold: 0 } } } }] }, 'x.json');
    expect(() => checkPlannedRuns(study, studyDefaults(), 'x.json')).toThrow(`x.json: run "rounds/B/round 0": RunConfig field 'data.trainPairs' must be at least data.holdout.folds (5), got 4`);
  });
});

describe('override messages', () => {
  it('quote a value up to 80 characters, say "nothing" for none, and name unknown fields with the known ones', () => {
    expect(describeValue(undefined)).toBe('nothing');
    expect(describeValue('x'.repeat(78))).toBe(`"${'x'.repeat(78)}"`);
    expect(describeValue('x'.repeat(79))).toBe(`"${'x'.repeat(76)}...`);
    const deep: unknown[] = [];
    let at = deep;
    for (let i = 0; i < 20000; i++) at = (at[0] = []) as unknown[];
    expect(describeValue(deep)).toBe('a value nested too deeply to print');
    expect(() => checkOverrides({ optimizer: { speed: 1 } }, 'base', 'x.json')).toThrow(/^x\.json: base\.optimizer\.speed: unknown RunConfig field \(known here: name, lr, .*\), got 1$/);
    expect(() => checkOverrides({ optimizer: { lr: 'fast' } }, 'base', 'x.json')).toThrow('x.json: base.optimizer.lr: expected a finite number > 0, got "fast"');
    expect(() => checkFieldPath('optimizer.speed', 1, 'protocol.field', 'x.json')).toThrow(/^x\.json: protocol\.field: cannot set field "optimizer\.speed" to 1 \(unknown RunConfig field "optimizer\.speed" \(known here: name, lr/);
    const err = (() => {
      try {
        checkOverrides({ epochs: 0 }, 'base', 'x.json');
      } catch (e) {
        return e as Error;
      }
    })();
    expect(err).toBeInstanceOf(ConfigError);
    expect(err!.name).toBe('ConfigError');
  });
});
