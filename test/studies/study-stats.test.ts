import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { comparisonsTable } from '../../src/reports/tables.js';
import { InProcessExecutor } from '../../src/studies/executor.js';
import { holmAdjust } from '../../src/studies/holm.js';
import { ResultsStore } from '../../src/studies/results-store.js';
import { currentPlan, runStudy } from '../../src/studies/runner.js';
import { studyDefaults } from '../../src/studies/run-defaults.js';
import { pairedTTest, welchTTest } from '../../src/studies/statistics.js';
import { collectResults, studyStats, type RunResult } from '../../src/studies/study-stats.js';
import { wilcoxonSignedRank } from '../../src/studies/wilcoxon.js';
import { tempDir, tinyStudy } from './tiny-study.js';

const defaults = studyDefaults();
const dir = tempDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Three real variants x 4 rounds of the tiny study; comparisons over all three pairs.
const study = tinyStudy({
  rounds: 4,
  variants: [
    { name: 'FC', model: 'fcnet' },
    { name: 'FC + AL', model: 'fcnet', overrides: { loss: { main: 0.5, aux: 0.25 } } },
    { name: 'FC lr', model: 'fcnet', overrides: { optimizer: { lr: 0.01 } } },
  ],
  comparisons: [['FC + AL', 'FC'], ['FC lr', 'FC'], ['FC lr', 'FC + AL']],
});

async function results(): Promise<RunResult[]> {
  const store = ResultsStore.open(dir);
  const executor = new InProcessExecutor();
  await runStudy(study, { executor, store, defaults });
  await executor.close();
  const plan = currentPlan(study, defaults, store);
  return collectResults(plan, (s) => store.get(s.key, s.configHash));
}

const accuracies = (rs: RunResult[], variant: string): number[] =>
  rs.filter((r) => r.spec.variant === variant).sort((a, b) => a.spec.round - b.spec.round).map((r) => r.record.final.testAccuracy);

describe('study comparisons', () => {
  it('pairs the variants round by round: paired t, Wilcoxon, and Holm over the comparisons', async () => {
    const rs = await results();
    const stats = studyStats(study, currentPlan(study, defaults, ResultsStore.open(dir)), rs);
    expect(stats.comparisons.map((c) => c.unpaired)).toEqual([null, null, null]);
    const expected = study.comparisons.map(([a, b]) => pairedTTest(accuracies(rs, a), accuracies(rs, b))!);
    const holm = holmAdjust(expected.map((t) => t.p));
    stats.comparisons.forEach((c, i) => {
      expect(c.rounds).toEqual([4, 4]);
      expect(c.test).toEqual({ kind: 'paired t', ...expected[i], pHolm: holm[i] });
      const w = wilcoxonSignedRank(accuracies(rs, c.a), accuracies(rs, c.b))!;
      expect(c.wilcoxon).toMatchObject({ ...w, pHolm: expect.any(Number) });
    });
    expect(stats.comparisons.map((c) => c.wilcoxon!.pHolm)).toEqual(holmAdjust(stats.comparisons.map((c) => c.wilcoxon!.p)));
    const table = comparisonsTable(stats)!;
    expect(table.rows[0].slice(0, 4)).toEqual(['FC + AL', 'FC', '4 pairs', 'paired t']);
    expect(table.rows[0][6]).toMatch(/^d_z = /);
  });

  it("falls back to Welch's test, and says why, when the rounds do not pair", async () => {
    const rs = await results();
    // An unfinished study: FC lost its last round.
    const partial = rs.filter((r) => !(r.spec.variant === 'FC' && r.spec.round === 3));
    const stats = studyStats(study, currentPlan(study, defaults, ResultsStore.open(dir)), partial);
    const [withAl, lr, lrAl] = stats.comparisons;
    expect(withAl.unpaired).toBe('4 vs 3 rounds');
    expect(withAl.test).toMatchObject({ kind: 'Welch', ...welchTTest(accuracies(partial, 'FC + AL'), accuracies(partial, 'FC'))! });
    expect(withAl.wilcoxon).toBeNull();
    expect(lr.unpaired).toBe('4 vs 3 rounds');
    expect(lrAl.unpaired).toBeNull();
    expect(lrAl.test!.kind).toBe('paired t');
    const rows = comparisonsTable(stats)!.rows;
    expect(rows[0].slice(2, 4)).toEqual(['4 / 3', 'Welch (unpaired: 4 vs 3 rounds)']);
    expect(rows[0][6]).toMatch(/^d = /);
    expect(rows[0].slice(10, 13)).toEqual(['-', '-', '-']);
    // Same count, other rounds: FC without round 0, FC + AL without round 3.
    const shifted = rs.filter((r) => !(r.spec.variant === 'FC' && r.spec.round === 0) && !(r.spec.variant === 'FC + AL' && r.spec.round === 3));
    const again = studyStats(study, currentPlan(study, defaults, ResultsStore.open(dir)), shifted);
    expect(again.comparisons[0].unpaired).toBe('round 0 of A has no counterpart in B');
  });
});
