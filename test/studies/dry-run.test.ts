// `pairnet study --dry-run` in process: the timing rates from stored records, each run's status against the store and
// the cache, the estimate, and the table it prints (the CLI test runs it end to end from the built CLI).
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { dryRun, formatDryRun, recordsUnder, timingRates, type DryRun, type DryRunRow } from '../../src/studies/dry-run.js';
import { InProcessExecutor } from '../../src/studies/executor.js';
import { ResultsStore } from '../../src/studies/results-store.js';
import { runStudy } from '../../src/studies/runner.js';
import { studyDefaults } from '../../src/studies/run-defaults.js';
import type { RunRecord } from '../../src/training/record.js';
import { tempDir, tinyStudy } from './tiny-study.js';

const defaults = studyDefaults();
const root = tempDir();
afterAll(() => rmSync(root, { recursive: true, force: true }));

const record = (model: string, seconds: number, epochs: number, trainPairs: number, holdout: { folds: number; fold: number } | null = null): RunRecord =>
  ({ trainingSeconds: seconds, config: { ...defaults, model, epochs, data: { ...defaults.data, trainPairs, holdout } } }) as unknown as RunRecord;

describe('timing rates', () => {
  it('is the median of seconds per epoch and training pair, per model, holdout folds set aside, untimed records skipped', () => {
    const { rates, runs } = timingRates([
      record('fcnet', 10, 10, 100), // 0.01
      record('fcnet', 40, 10, 100), // 0.04
      record('fcnet', 20, 10, 100), // 0.02
      record('convnet', 12, 2, 100, { folds: 4, fold: 0 }), // 12 / (2 * 75) = 0.08
      record('convnet', 0, 2, 100),
    ]);
    expect(runs).toBe(4);
    expect(rates.get('fcnet')).toBeCloseTo(0.02, 12);
    expect(rates.get('convnet')).toBeCloseTo(0.08, 12);
    expect(timingRates([record('a', 1, 1, 1), record('a', 3, 1, 1)]).rates.get('a')).toBe(3);
  });
});

describe('dry run', () => {
  it('marks each run stored, cached or to train, and estimates the rest from stored timings over the workers', async () => {
    const dir = `${root}/study`;
    const store = ResultsStore.open(dir);
    const executor = new InProcessExecutor();
    await runStudy(tinyStudy(), { executor, store, defaults });
    await executor.close();
    const bigger = tinyStudy({ rounds: 3, variants: [{ name: 'FC', model: 'fcnet' }, { name: 'FC + AL', model: 'fcnet', overrides: { loss: { main: 0.5, aux: 0.25 } } }, { name: 'CN', model: 'convnet' }] });
    const timings = store.all().map((r) => r.record);
    const cachedKey = 'rounds/FC/round 2';
    const d = dryRun(bigger, defaults, store, (spec) => spec.key === cachedKey, timings, 2);
    expect(d.planned).toBe(9);
    const status = Object.fromEntries(d.rows.map((r) => [r.key, r.status]));
    expect(status['rounds/FC/round 0']).toBe('stored');
    expect(status[cachedKey]).toBe('cached');
    expect(status['rounds/FC + AL/round 2']).toBe('train');
    expect(status['rounds/CN/round 0']).toBe('train');
    expect(d.rows.filter((r) => r.status === 'stored')).toHaveLength(4);
    const rate = timingRates(timings).rates.get('fcnet')!;
    const fcTrain = d.rows.find((r) => r.key === 'rounds/FC + AL/round 2')!;
    expect(fcTrain.seconds).toBeCloseTo(rate * 2 * 100, 12);
    expect(d.rows.find((r) => r.key === 'rounds/CN/round 0')!.seconds).toBeNull();
    expect(d.rows.find((r) => r.status === 'stored')!.seconds).toBeNull();
    expect(d.untimedModels).toEqual(['convnet']);
    expect(d.timedRuns).toBe(4);
    expect(d.seconds).toBeCloseTo(fcTrain.seconds! / 2, 12);
    expect(recordsUnder(root)).toHaveLength(4);
    expect(recordsUnder(`${root}/nothing`)).toEqual([]);
    const none = dryRun(bigger, defaults, store, () => false, [], 1);
    expect(none.seconds).toBeNull();
  });
});

describe('the dry-run table', () => {
  const row = (variant: string, status: DryRunRow['status'], seconds: number | null): DryRunRow => ({ key: `${variant}/${status}`, variant, model: 'fcnet', configHash: 'h', status, seconds });

  it('counts runs per variant and in total, with known training time, + when part of it is unknown, ? when all is', () => {
    const d: DryRun = {
      study: 's',
      planned: 8,
      rows: [row('A', 'stored', null), row('A', 'failed', null), row('A', 'train', 90), row('A', 'train', null), row('Longer name', 'cached', null), row('Longer name', 'train', null)],
      seconds: 45,
      workers: 2,
      timedRuns: 7,
      untimedModels: ['convnet'],
    };
    expect(formatDryRun(d).split('\n')).toEqual([
      '  variant           runs   stored   cached to train  training time (one worker)',
      '  A                    4        2        0        2  1m30s+',
      '  Longer name          2        0        1        1  ?',
      '  total                6        2        1        3  1m30s+',
      "  + 2 runs of later grid-search phases, planned once the earlier phases' results are in",
      '3 runs to train: about 45s on 2 workers (timings of 7 stored runs; none for convnet)',
    ]);
  });

  it('says when there is nothing to train, and when no timing fits', () => {
    const done: DryRun = { study: 's', planned: 1, rows: [row('A', 'stored', null)], seconds: null, workers: 1, timedRuns: 0, untimedModels: [] };
    expect(formatDryRun(done).split('\n').slice(1)).toEqual(['  A                1        1        0        0  -', '  total            1        1        0        0  -', '0 runs to train: nothing to do (timings of 0 stored runs)']);
    const untimed: DryRun = { ...done, rows: [row('A', 'train', null)], untimedModels: ['fcnet'] };
    expect(formatDryRun(untimed).split('\n').at(-1)).toBe('1 runs to train: no stored timing fits these models (timings of 0 stored runs; none for fcnet)');
    const one: DryRun = { ...done, rows: [row('A', 'train', 30)], seconds: 30 };
    expect(formatDryRun(one).split('\n').at(-1)).toBe('1 runs to train: about 30s on 1 worker (timings of 0 stored runs)');
  });
});
