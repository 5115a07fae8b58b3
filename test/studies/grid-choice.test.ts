// A grid search's choices, planned purely from the stored fold results: the best mean CV accuracy wins, ties keep
// the earlier point, a point with a diverged fold is never chosen, an all-diverged step keeps its first point, and a
// later step and the final rounds start from the choices.
import { describe, expect, it } from 'vitest';
import { planStudy, type RunSpec } from '../../src/studies/plan.js';
import { studyDefaults } from '../../src/studies/run-defaults.js';
import type { RunRecord } from '../../src/training/record.js';
import { tinyStudy } from './tiny-study.js';

const defaults = studyDefaults();
const study = tinyStudy({
  variants: [{ name: 'FC', model: 'fcnet' }, { name: 'FC + AL', model: 'fcnet', overrides: { loss: { main: 0.5, aux: 0.25 } } }],
  protocol: {
    kind: 'grid-search',
    folds: 2,
    steps: [
      { name: 'lr', grid: { 'optimizer.lr': [0.001, 0.01, 0.1] } },
      { name: 'bs', grid: { batchSize: [10, 20] }, variants: ['FC'] },
    ],
  },
});

/** Stored fold accuracies by variant, step point label and fold; NaN marks a diverged (failed) fold. */
function lookups(acc: (s: RunSpec) => number | undefined) {
  const lookup = (s: RunSpec) => {
    const a = acc(s);
    return a === undefined || Number.isNaN(a) ? undefined : ({ final: { testAccuracy: a } } as unknown as RunRecord);
  };
  const failed = (s: RunSpec) => Number.isNaN(acc(s) ?? 0);
  return [lookup, failed] as const;
}

describe('grid-search choices', () => {
  it('stops at a step whose folds are not all in, counting every run the study will have', () => {
    const plan = planStudy(study, defaults, () => undefined);
    expect(plan.complete).toBe(false);
    expect(plan.runs).toHaveLength(2 * 3 * 2);
    expect(plan.totalRuns).toBe(2 * 3 * 2 + 1 * 2 * 2 + 2 * 2);
    const [lookup, failed] = lookups((s) => (s.key.endsWith('fold 1') ? undefined : 0.5));
    expect(planStudy(study, defaults, lookup, failed).complete).toBe(false);
  });

  it('chooses the best mean, keeps the earlier of equals, never a point with a diverged fold, and the first when all diverge', () => {
    const table: Record<string, number[]> = {
      // FC: 0.01 and 0.1 tie on the mean; 0.001 has a better fold but a diverged one.
      'FC optimizer.lr=0.001': [0.99, Number.NaN],
      'FC optimizer.lr=0.01': [0.8, 0.6],
      'FC optimizer.lr=0.1': [0.7, 0.7],
      // FC + AL: every point diverged somewhere.
      'FC + AL optimizer.lr=0.001': [Number.NaN, 0.9],
      'FC + AL optimizer.lr=0.01': [Number.NaN, Number.NaN],
      'FC + AL optimizer.lr=0.1': [0.9, Number.NaN],
      'FC batchSize=10': [0.6, 0.6],
      'FC batchSize=20': [0.6, 0.65],
    };
    const [lookup, failed] = lookups((s) => table[`${s.variant} ${Object.entries(s.point).map(([k, v]) => `${k}=${v}`).join(' ')}`]?.[s.fold!] ?? (s.phase === 'rounds' ? undefined : 0));
    const plan = planStudy(study, defaults, lookup, failed);
    expect(plan.complete).toBe(true);
    expect(plan.choices).toEqual({ FC: { 'optimizer.lr': 0.01, batchSize: 20 }, 'FC + AL': { 'optimizer.lr': 0.001 } });
    const score = plan.gridScores.find((g) => g.variant === 'FC' && g.point['optimizer.lr'] === 0.01)!;
    expect(score.cvAccuracy).toBeCloseTo(0.7, 12);
    expect(score.foldAccuracies).toEqual([0.8, 0.6]);
    expect(Number.isNaN(plan.gridScores.find((g) => g.variant === 'FC' && g.point['optimizer.lr'] === 0.001)!.cvAccuracy)).toBe(true);
    // The second step's folds start from the first step's choice; the rounds from both.
    const bsRun = plan.runs.find((s) => s.phase === 'grid bs')!;
    expect(bsRun.config.optimizer.lr).toBe(0.01);
    expect(bsRun.config.evalEveryEpoch).toBe(false);
    expect(bsRun.config.data.holdout).toEqual({ folds: 2, fold: bsRun.fold });
    const round = plan.runs.find((s) => s.key === 'rounds/FC/round 1')!;
    expect([round.config.optimizer.lr, round.config.batchSize, round.config.data.holdout]).toEqual([0.01, 20, null]);
    expect(round.point).toEqual({ 'optimizer.lr': 0.01, batchSize: 20 });
    expect(plan.runs.find((s) => s.key === 'rounds/FC + AL/round 0')!.config.optimizer.lr).toBe(0.001);
    expect(plan.runs.filter((s) => s.phase === 'rounds')).toHaveLength(4);
    expect(plan.runs.length).toBe(plan.totalRuns);
  });
});
