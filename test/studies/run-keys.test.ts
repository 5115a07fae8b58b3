// Run keys parse back to where the run sits (phase, variant, round, fold, grid point): every key a plan makes, and
// keys of any other shape give null rather than a wrong place (exports and old results lines rely on it).
import { describe, expect, it } from 'vitest';
import { canonicalJson, parseRunKey, planStudy } from '../../src/studies/plan.js';
import { studyDefaults } from '../../src/studies/run-defaults.js';
import { tinyStudy } from './tiny-study.js';

const defaults = studyDefaults();
const place = (s: { phase: string; variant: string; round: number; fold: number | null; point: object }) => ({ phase: s.phase, variant: s.variant, round: s.round, fold: s.fold, point: s.point });

describe('run keys', () => {
  it('parse back to the place of every run a plan makes: rounds, sweeps and grid folds', () => {
    const studies = [
      tinyStudy({ rounds: 3 }),
      tinyStudy({ protocol: { kind: 'sweep', field: 'optimizer.lr', values: [0.001, 0.1] } }),
      tinyStudy({ protocol: { kind: 'grid-search', folds: 3, steps: [{ name: 'lr', grid: { 'optimizer.lr': [0.001, 0.01], 'optimizer.name': ['adam', 'sgd'] } }] } }),
    ];
    let keys = 0;
    for (const study of studies) {
      for (const spec of planStudy(study, defaults, () => undefined).runs) {
        expect(parseRunKey(spec.key), spec.key).toEqual(place(spec));
        keys++;
      }
    }
    expect(keys).toBeGreaterThan(20);
  });

  it('read point values as numbers, booleans or strings, as study configs write them', () => {
    expect(parseRunKey('grid 1/A/lr=1e-3 nesterov=true bn=false name=adam/fold 12')).toEqual({
      phase: 'grid 1', variant: 'A', round: 0, fold: 12, point: { lr: 0.001, nesterov: true, bn: false, name: 'adam' },
    });
    expect(parseRunKey('sweep/A/x=/round 0')!.point).toEqual({ x: '' });
  });

  it.each([
    'rounds/A',
    'rounds/A/round',
    'rounds/A/round x',
    'rounds/A/round 1a',
    'rounds/A/xround 1',
    'rounds/A/round 1/extra',
    'sweep/A/lr=0.1/fold 1',
    'sweep/A/lr=0.1',
    'grid 1/A/lr=0.1/round 1',
    'grid 1/A/=1/fold 0',
    'grid 1/A/lr/fold 0',
    'other/A/lr=1/fold 0',
    'grid/A/lr=1/fold 0',
  ])('gives null for the key %j', (key) => {
    expect(parseRunKey(key)).toBeNull();
  });

  it('hashes configs by canonical JSON: keys sorted at every depth, arrays kept in order', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { f: 1, e: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[3,{"e":2,"f":1}]},"b":1}');
    expect(canonicalJson('x')).toBe('"x"');
  });
});
