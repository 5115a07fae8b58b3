import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { validateStudyConfig } from '../../src/studies/config.js';
import { planStudy } from '../../src/studies/plan.js';
import { studyDefaults } from '../../src/studies/run-defaults.js';
import { loadStudyConfig, isStudyFile } from '../../src/studies/study-file.js';
import { minimalStudyJson as minimal } from './tiny-study.js';

const defaults = studyDefaults();
const check = (patch: (o: Record<string, unknown>) => void): (() => unknown) => () => {
  const o = minimal();
  patch(o);
  return validateStudyConfig(o, 'x.json');
};

describe('study config', () => {
  it('validates every study in studies/', () => {
    const files = readdirSync('studies').filter(isStudyFile);
    expect(files).toContain('quick.json');
    for (const f of files) {
      const s = loadStudyConfig(`studies/${f}`, defaults);
      expect(s.variants.length).toBeGreaterThan(0);
    }
  });

  it('names the bad field and value', () => {
    expect(check((o) => (o.rounds = 0))).toThrow('x.json: rounds: expected an integer >= 1, got 0');
    expect(check((o) => (o.name = 'Bad Name'))).toThrow(/name: expected lower-case words.*"Bad Name"/);
    expect(check((o) => (o.variants = [{ name: 'A', model: 'nonet' }]))).toThrow(/variants\[0\]\.model: unknown model 'nonet'/);
    expect(check((o) => ((o.variants as Record<string, unknown>[])[1].overrides = { optimizer: { lr: 'fast' } }))).toThrow(
      'x.json: variants[1].overrides.optimizer.lr: expected a finite number > 0, got "fast"',
    );
    expect(check((o) => (o.base = { optimiser: {} }))).toThrow(/base\.optimiser: unknown RunConfig field/);
    expect(check((o) => (o.base = { batchSize: 2.5 }))).toThrow(/base\.batchSize: expected a positive integer, got 2.5/);
    expect(check((o) => (o.base = { schedule: { kind: 'step' } }))).toThrow('x.json: base.schedule.stepSize: expected a positive integer, got nothing');
    expect(check((o) => (o.variants = [{ name: 'A', model: 'fcnet', overrides: { modelOptions: { dropout: 2 } } }]))).toThrow(
      /variants\[0\]\.model: model 'fcnet': option 'dropout' must be <= 1, got 2/,
    );
    expect(check((o) => (o.comparisons = [['A', 'C']]))).toThrow(/comparisons\[0\]\[1\]: no variant of that name.*"C"/);
    expect(check((o) => (o.protocol = { kind: 'grid' }))).toThrow(/protocol\.kind: expected .* got "grid"/);
    expect(check((o) => (o.protocol = { kind: 'grid-search', folds: 3, steps: [{ name: 's', grid: { 'optimizer.rate': [1] } }] }))).toThrow(
      /protocol\.steps\[0\]\.grid\.optimizer\.rate\[0\]: cannot set field "optimizer\.rate"/,
    );
    expect(check((o) => (o.protocol = { kind: 'sweep', field: 'auxFraction', values: [0.5, 1.5] }))).toThrow('x.json: protocol.values[1]: cannot set field "auxFraction" to 1.5 (expected a number in [0, 1])');
    expect(check((o) => (o.published = { source: 's', rounds: 5, rows: { A: { testAccuracy: [90] } } }))).toThrow(/published\.rows\.A\.testAccuracy: expected \[mean, sigma\]/);
    expect(check((o) => (o.extra = 1))).toThrow(/extra: unknown field/);
    expect(check((o) => (o.base = { ensemble: 'three' }))).toThrow(/base\.ensemble: expected a positive integer/);
    // Run keys are split at '/': a name holding one would not parse back.
    expect(check((o) => ((o.variants as Record<string, unknown>[])[0].name = 'lr / 10'))).toThrow('x.json: variants[0].name: expected a name without "/" (run keys are split at it), got "lr / 10"');
    expect(check((o) => (o.protocol = { kind: 'grid-search', folds: 3, steps: [{ name: 'a/b', grid: { epochs: [1] } }] }))).toThrow(/protocol\.steps\[0\]\.name: expected a name without "\/"/);
  });

  it('accepts the optional run fields (ensembles, test-time views) that stored configs lack', () => {
    const o = minimal();
    o.base = { ensemble: 3, tta: 1, data: { augment: { rotate: 10 } } };
    const s = validateStudyConfig(o, 'x.json');
    const runs = planStudy(s, defaults, () => undefined).runs;
    expect(runs[0].config.ensemble).toBe(3);
    expect(runs[0].config.tta).toBe(1);
  });

  it('derives every seed from the study seed: one seed per round, shared by the variants of a round', () => {
    const study = validateStudyConfig(minimal(), 'x.json');
    const plan = planStudy(study, defaults, () => undefined);
    expect(plan.complete).toBe(true);
    expect(plan.runs.map((r) => r.key)).toEqual(['rounds/A/round 0', 'rounds/B/round 0', 'rounds/A/round 1', 'rounds/B/round 1']);
    const seeds = plan.runs.map((r) => r.config.seed);
    expect(seeds[0]).toBe(seeds[1]);
    expect(seeds[0]).not.toBe(seeds[2]);
    expect(planStudy(study, defaults, () => undefined).runs).toEqual(plan.runs);
    const other = validateStudyConfig({ ...minimal(), seed: 4 }, 'x.json');
    expect(planStudy(other, defaults, () => undefined).runs[0].config.seed).not.toBe(seeds[0]);
    expect(plan.runs[1].config.loss).toEqual({ main: 0.5, aux: 0.25, auxSchedule: 'constant' });
    expect(plan.runs[0].configHash).not.toBe(plan.runs[1].configHash);
  });

  it('expands sweeps (auxFraction f sets main 1 - f, aux f/2) and plans grid steps one after another', () => {
    const sweep = validateStudyConfig({ ...minimal(), protocol: { kind: 'sweep', field: 'auxFraction', range: { from: 0, to: 1, steps: 20 } } }, 'x.json');
    const sp = planStudy(sweep, defaults, () => undefined);
    expect(sp.runs).toHaveLength(2 * 21 * 2);
    const r = sp.runs.find((s) => s.point.auxFraction === 0.15)!;
    expect(r.config.loss.main).toBeCloseTo(0.85, 12);
    expect(r.config.loss.aux).toBeCloseTo(0.075, 12);

    const grid = validateStudyConfig(
      { ...minimal(), protocol: { kind: 'grid-search', folds: 3, steps: [{ name: 'lr', grid: { 'optimizer.lr': [0.01, 0.001] } }, { name: 'aux', grid: { 'loss.aux': [0.5, 1] }, variants: ['B'] }] } },
      'x.json',
    );
    const first = planStudy(grid, defaults, () => undefined);
    expect(first.complete).toBe(false);
    expect(first.totalRuns).toBe(2 * 2 * 3 + 1 * 2 * 3 + 2 * 2);
    expect(first.runs).toHaveLength(12);
    expect(first.runs.every((s) => s.config.data.holdout !== null && s.config.seed === first.runs[0].config.seed)).toBe(true);
    expect(first.runs.map((s) => s.fold)).toEqual([0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2]);
    // The resolved config (what study.json stores: an omitted step list as null) validates to itself.
    expect(grid.protocol.kind === 'grid-search' && grid.protocol.steps[0].variants).toBeNull();
    expect(validateStudyConfig(JSON.parse(JSON.stringify(grid)), 'study.json')).toEqual(grid);
  });
});
