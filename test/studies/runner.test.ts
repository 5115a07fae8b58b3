import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resultsTable } from '../../src/reports/tables.js';
import type { StudyConfig } from '../../src/studies/config.js';
import { InProcessExecutor, WorkerPoolExecutor, type Executor } from '../../src/studies/executor.js';
import { RESULTS_FILE, ResultsStore } from '../../src/studies/results-store.js';
import { currentPlan, runStudy } from '../../src/studies/runner.js';
import { studyDefaults } from '../../src/studies/run-defaults.js';
import { collectResults, studyStats } from '../../src/studies/study-stats.js';
import { tempDirs, tinyStudy } from './tiny-study.js';

const defaults = studyDefaults();
const newDir = tempDirs();

/** The results table without the timing column (wall-clock times differ between runs). */
function table(study: StudyConfig, dir: string): string[][] {
  const store = ResultsStore.open(dir);
  const plan = currentPlan(study, defaults, store);
  const stats = studyStats(study, plan, collectResults(plan, (s) => store.get(s.key, s.configHash)));
  return resultsTable(stats).rows.map((r) => r.slice(0, -1));
}

async function run(study: StudyConfig, dir: string, executor: Executor = new InProcessExecutor(), signal?: AbortSignal, onRunDone?: () => void) {
  try {
    return await runStudy(study, { executor, store: ResultsStore.open(dir), defaults, signal, onRunDone });
  } finally {
    await executor.close();
  }
}

describe('study runner', () => {
  const study = tinyStudy();
  const fullDir = newDir();

  it('runs every planned run once and stores it', async () => {
    const outcome = await run(study, fullDir);
    expect(outcome).toMatchObject({ finished: true, ranNow: 4, skipped: 0 });
    expect(readFileSync(join(fullDir, RESULTS_FILE), 'utf8').trim().split('\n')).toHaveLength(4);
    const again = await run(study, fullDir);
    expect(again).toMatchObject({ finished: true, ranNow: 0, skipped: 4 });
  });

  it('stopped after 2 runs and resumed, gives the same table as an uninterrupted run', async () => {
    const dir = newDir();
    const stop = new AbortController();
    let done = 0;
    const first = await run(study, dir, new InProcessExecutor(), stop.signal, () => {
      if (++done === 2) stop.abort();
    });
    expect(first).toMatchObject({ finished: false, ranNow: 2 });
    const second = await run(study, dir);
    expect(second).toMatchObject({ finished: true, ranNow: 2, skipped: 2 });
    expect(table(study, dir)).toEqual(table(study, fullDir));
  });

  it('runs only the chosen variants when asked, and names an unknown one', async () => {
    const dir = newDir();
    const executor = new InProcessExecutor();
    const outcome = await runStudy(study, { executor, store: ResultsStore.open(dir), defaults, onlyVariants: ['FC + AL'] });
    expect(outcome).toMatchObject({ finished: false, ranNow: 2 });
    expect(ResultsStore.open(dir).all().every((r) => r.key.startsWith('rounds/FC + AL/'))).toBe(true);
    await expect(runStudy(study, { executor, store: ResultsStore.open(dir), defaults, onlyVariants: ['FCX'] })).rejects.toThrow('no variant "FCX" in study tiny');
  });

  it('redoes the run of a corrupt result line and never counts it', async () => {
    const dir = newDir();
    const lines = readFileSync(join(fullDir, RESULTS_FILE), 'utf8').split('\n');
    // Change one digit of the second run's test accuracy: valid JSON, wrong checksum.
    lines[1] = lines[1].replace(/"testAccuracy":0\.(\d)/, (_m, d: string) => `"testAccuracy":0.${(Number(d) + 1) % 10}`);
    writeFileSync(join(dir, RESULTS_FILE), lines.join('\n'));
    const store = ResultsStore.open(dir);
    expect(store.problems).toEqual([expect.stringMatching(/line 2: checksum mismatch; its run will be redone/)]);
    const outcome = await run(study, dir);
    expect(outcome).toMatchObject({ finished: true, ranNow: 1, skipped: 3 });
    expect(table(study, dir)).toEqual(table(study, fullDir));
  });

  it('gives bit-identical records on worker threads (needs dist/: npx tsc -p tsconfig.json)', async () => {
    const dir = newDir();
    const outcome = await run(study, dir, new WorkerPoolExecutor(2));
    expect(outcome).toMatchObject({ finished: true, ranNow: 4 });
    const a = ResultsStore.open(dir);
    const b = ResultsStore.open(fullDir);
    for (const r of b.all()) expect(a.get(r.key, r.configHash)?.final).toEqual(r.record.final);
  });

  it('abandons in-flight runs when the executor closes (second Ctrl-C): nothing partial is stored', async () => {
    const dir = newDir();
    const executor = new WorkerPoolExecutor(2);
    let closing: Promise<void> | null = null;
    const progress = {
      begin: () => {},
      queued: () => {},
      runStarted: () => {},
      epoch: () => {
        closing ??= executor.close();
      },
      runFinished: () => {},
      end: () => {},
    };
    const outcome = await runStudy(study, { executor, store: ResultsStore.open(dir), defaults, progress });
    await closing;
    expect(outcome.finished).toBe(false);
    const store = ResultsStore.open(dir);
    expect(store.problems).toEqual([]);
    expect(store.all().length).toBeLessThan(4);
  });
});
