import { describe, expect, it } from 'vitest';
import { InProcessExecutor, RunAbandonedError, WorkerPoolExecutor, workerScript } from '../../src/studies/executor.js';
import { ResultsStore } from '../../src/studies/results-store.js';
import { studyDefaults } from '../../src/studies/run-defaults.js';
import { currentPlan } from '../../src/studies/runner.js';
import { tempDir, tinyStudy } from './tiny-study.js';

describe('worker-thread pool', () => {
  it('trains each job with the kernel build it names, replacing a thread built for another', async () => {
    const [spec] = currentPlan(tinyStudy(), studyDefaults(), ResultsStore.open(tempDir())).runs;
    const pool = new WorkerPoolExecutor(1);
    const where: string[] = [];
    try {
      const simd = await pool.run({ key: spec.key, config: spec.config, kernels: 'simd' }, 0, { onStart: (w) => where.push(w) });
      const relaxed = await pool.run({ key: spec.key, config: spec.config, kernels: 'relaxed' }, 0);
      const again = await pool.run({ key: spec.key, config: spec.config, kernels: 'simd' }, 0);
      expect([simd, relaxed, again].map((r) => r.provenance?.kernels)).toEqual(['simd', 'relaxed', 'simd']);
      expect(again.final).toEqual(simd.final);
      expect(where).toEqual(['thread 0']);
    } finally {
      await pool.close();
    }
  });

  it('takes only a positive whole number of threads', () => {
    for (const n of [0, -1, 1.5, NaN]) expect(() => new WorkerPoolExecutor(n)).toThrow(`workers must be a positive integer, got ${n}`);
  });

  it('names the thread each run starts on, refuses a second run on a busy slot, passes a failing run\'s error on, and abandons after closing', async () => {
    const [spec] = currentPlan(tinyStudy(), studyDefaults(), ResultsStore.open(tempDir())).runs;
    const pool = new WorkerPoolExecutor(2);
    const where: string[] = [];
    try {
      const running = pool.run({ key: spec.key, config: spec.config }, 1, { onStart: (w) => where.push(w) });
      await expect(pool.run({ key: spec.key, config: spec.config }, 1)).rejects.toThrow('worker 1 is busy');
      const epochs: number[] = [];
      await pool.run({ key: 'k2', config: spec.config }, 0, { onEpoch: (m) => epochs.push(m.epoch) });
      expect(epochs).toEqual([1, 2]);
      expect((await running).final).toBeDefined();
      expect(where).toEqual(['thread 1']);
      const broken = { ...spec.config, model: 'no-such-model' } as typeof spec.config;
      await expect(pool.run({ key: 'bad', config: broken }, 0)).rejects.toThrow(/^run "bad": .*no-such-model/);
      // The thread that reported the error trains the next run.
      expect((await pool.run({ key: spec.key, config: spec.config }, 0)).final).toBeDefined();
    } finally {
      await pool.close();
    }
    await expect(pool.run({ key: spec.key, config: spec.config }, 0)).rejects.toThrow(RunAbandonedError);
    await expect(pool.run({ key: spec.key, config: spec.config }, 0)).rejects.toThrow('executor closed');
  });

  it('the worker script is the compiled one in dist/', () => {
    expect(workerScript().pathname).toMatch(/\/dist\/src\/studies\/worker\.js$/);
  });
});

describe('in-process executor', () => {
  it('starts on this thread with the kernel build the job names', async () => {
    const [spec] = currentPlan(tinyStudy(), studyDefaults(), ResultsStore.open(tempDir())).runs;
    const where: string[] = [];
    const record = await new InProcessExecutor().run({ key: spec.key, config: spec.config, kernels: 'simd' }, 0, { onStart: (w) => where.push(w) });
    expect(where).toEqual(['this thread']);
    expect(record.provenance?.kernels).toBe('simd');
  });
});
