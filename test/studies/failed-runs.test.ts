import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { reportFromStore } from '../../src/reports/study-report.js';
import { InProcessExecutor, WorkerPoolExecutor, type Executor } from '../../src/studies/executor.js';
import { ResultsStore } from '../../src/studies/results-store.js';
import { runStudy } from '../../src/studies/runner.js';
import { studyDefaults } from '../../src/studies/run-defaults.js';
import { tempDir, tinyStudy } from './tiny-study.js';

const defaults = studyDefaults();
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

// SGD at lr 1e12 makes fcnet's loss infinite within the first epoch: a diverging run.
const study = tinyStudy({
  variants: [
    { name: 'FC', model: 'fcnet' },
    { name: 'FC diverging', model: 'fcnet', overrides: { optimizer: { name: 'sgd', lr: 1e12 } } },
  ],
  comparisons: [],
  published: null,
});

async function run(dir: string, executor: Executor) {
  try {
    return await runStudy(study, { executor, store: ResultsStore.open(dir), defaults });
  } finally {
    await executor.close();
  }
}

describe('a run whose loss diverges', () => {
  it.each([
    ['in process', () => new InProcessExecutor()],
    ['on worker threads', () => new WorkerPoolExecutor(1)],
  ])('is stored as a failed run naming epoch and batch, %s; the study finishes and its report lists it', async (_where, executor) => {
    const dir = tempDir();
    dirs.push(dir);
    const outcome = await run(dir, executor());
    expect(outcome.finished).toBe(true);
    expect(outcome.ranNow).toBe(4);
    const store = ResultsStore.open(dir);
    expect(store.problems).toEqual([]);
    expect(store.all().map((r) => r.key)).toEqual(['rounds/FC/round 0', 'rounds/FC/round 1']);
    const f = store.getFailure('rounds/FC diverging/round 0', outcome.plan.runs.find((s) => s.key === 'rounds/FC diverging/round 0')!.configHash)!;
    expect(f.message).toMatch(/^fcnet: loss is (NaN|Infinity) at epoch 1, batch \d+ of 5 /);
    expect(f.epoch).toBe(1);
    expect(f.batch).toBeGreaterThanOrEqual(1);

    const report = await reportFromStore(dir, study, defaults, store);
    expect(report.stats.runsDone).toBe(4);
    expect(report.stats.failedRuns.map((r) => r.key)).toEqual(['rounds/FC diverging/round 0', 'rounds/FC diverging/round 1']);
    // No accuracy for the diverging variant: only FC has a results row.
    expect(report.stats.variants.map((v) => v.variant)).toEqual(['FC']);
    const md = readFileSync(join(dir, 'report.md'), 'utf8');
    expect(md).toContain('### Failed runs');
    expect(md).toMatch(/\| rounds\/FC diverging\/round 0 \| 1 \| \d+ \| fcnet: loss is/);
    expect(md).toContain('4 of 4 planned runs are stored, 2 of them failed');

    // Resuming trains nothing again.
    const again = await run(dir, new InProcessExecutor());
    expect(again.ranNow).toBe(0);
    expect(again.skipped).toBe(4);
  });
});
