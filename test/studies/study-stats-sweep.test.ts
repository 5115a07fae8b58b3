// The statistics of a sweep study (one summary per variant and swept value) and of comparisons whose two variants
// both have published rows (the published figures' own Welch test), on a tiny real study.
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { InProcessExecutor } from '../../src/studies/executor.js';
import { ResultsStore } from '../../src/studies/results-store.js';
import { currentPlan, runStudy } from '../../src/studies/runner.js';
import { studyDefaults } from '../../src/studies/run-defaults.js';
import { mean, welchFromSummary } from '../../src/studies/statistics.js';
import { collectResults, studyStats } from '../../src/studies/study-stats.js';
import type { StudyConfig } from '../../src/studies/config.js';
import { tempDir, tinyStudy } from './tiny-study.js';

const defaults = studyDefaults();
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

async function run(study: StudyConfig) {
  const dir = tempDir();
  dirs.push(dir);
  const store = ResultsStore.open(dir);
  const executor = new InProcessExecutor();
  await runStudy(study, { executor, store, defaults });
  await executor.close();
  const plan = currentPlan(study, defaults, store);
  return { plan, results: collectResults(plan, (s) => store.get(s.key, s.configHash)) };
}

describe('sweep statistics', () => {
  it('summarises each variant at each swept value over its rounds, and nothing as rounds', async () => {
    const study = tinyStudy({ protocol: { kind: 'sweep', field: 'optimizer.lr', values: [0.001, 0.1] } });
    const { plan, results } = await run(study);
    expect(results).toHaveLength(2 * 2 * 2);
    const stats = studyStats(study, plan, results);
    expect(stats.variants).toEqual([]);
    expect(stats.sweep.map((s) => [s.variant, s.point['optimizer.lr'], s.runs])).toEqual([
      ['FC', 0.001, 2],
      ['FC', 0.1, 2],
      ['FC + AL', 0.001, 2],
      ['FC + AL', 0.1, 2],
    ]);
    for (const s of stats.sweep) {
      const own = results.filter((r) => r.spec.variant === s.variant && r.spec.point['optimizer.lr'] === s.point['optimizer.lr']);
      expect(s.testAccuracy.mean).toBeCloseTo(mean(own.map((r) => r.record.final.testAccuracy)), 10);
    }
    expect(stats.runsDone).toBe(8);
    expect(stats.runsPlanned).toBe(8);
  });
});

describe('published comparisons', () => {
  it("tests the two published rows of a comparison against each other (Welch from their means and stds)", async () => {
    const study = tinyStudy({
      published: { source: 'made up', rounds: 5, note: '', rows: { FC: { testAccuracy: [60, 5] }, 'FC + AL': { testAccuracy: [70, 4] } } },
    });
    const { plan, results } = await run(study);
    const [c] = studyStats(study, plan, results).comparisons;
    expect(c.publishedWelch).toEqual(welchFromSummary({ mean: 70, std: 4, n: 5 }, { mean: 60, std: 5, n: 5 }));
    expect(c.publishedWelch!.difference).toBe(10);
    const alone = tinyStudy();
    expect(studyStats(alone, plan, results).comparisons[0].publishedWelch).toBeNull();
  });
});
