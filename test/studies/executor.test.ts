import { describe, expect, it } from 'vitest';
import { WorkerPoolExecutor } from '../../src/studies/executor.js';
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
});
