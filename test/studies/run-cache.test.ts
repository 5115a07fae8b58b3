import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InProcessExecutor } from '../../src/studies/executor.js';
import { ResultsStore } from '../../src/studies/results-store.js';
import { studyDefaults } from '../../src/studies/run-defaults.js';
import { kernelVariant } from '../../src/engine/kernels/index.js';
import { CachingExecutor, engineBuild, RunCache, runId } from '../../src/studies/run-cache.js';
import { currentPlan, runStudy } from '../../src/studies/runner.js';
import { tempDir, tinyStudy } from './tiny-study.js';

const dir = tempDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const defaults = studyDefaults();
const study = tinyStudy();

async function run(name: string, cache: RunCache, reuse = true) {
  const executor = new CachingExecutor(new InProcessExecutor(), cache, reuse);
  const store = ResultsStore.open(join(dir, name));
  const outcome = await runStudy(study, { executor, store, defaults });
  return { outcome, hits: executor.hits, records: store.all().map((s) => s.record) };
}

describe('run cache', () => {
  it('a run id names the config and the kernel build', () => {
    const [a, b] = currentPlan(study, defaults, ResultsStore.open(join(dir, 'ids'))).runs;
    expect(runId(a.config, 'simd')).toBe(runId(structuredClone(a.config), 'simd'));
    expect(runId(a.config, 'simd')).not.toBe(runId(b.config, 'simd'));
    expect(runId(a.config, 'simd')).not.toBe(runId(a.config, 'relaxed'));
    expect(engineBuild('simd')).toMatch(/^pairnet \S+ \(commit [0-9a-f]{40}(-dirty)?\), wasm-simd [0-9a-f]{12}$/);
  });

  it('another study with the same runs takes them from the cache; --no-cache trains them again', async () => {
    const cache = new RunCache(join(dir, 'cache'));
    const first = await run('first', cache);
    expect(first.hits).toBe(0);
    expect(readdirSync(cache.dir)).toHaveLength(4);
    const second = await run('second', cache);
    expect(second.outcome.finished).toBe(true);
    expect(second.hits).toBe(4);
    expect(second.records).toEqual(first.records);
    const forced = await run('forced', cache, false);
    expect(forced.hits).toBe(0);
    expect(forced.records.map((r) => r.startedAt)).not.toEqual(first.records.map((r) => r.startedAt));
  });

  it('an unreadable cache file or a record of another config is a miss, not an error', async () => {
    const cache = new RunCache(join(dir, 'cache-bad'));
    await run('bad-1', cache);
    const files = readdirSync(cache.dir);
    writeFileSync(join(cache.dir, files[0]), '{"truncated');
    const plan = currentPlan(study, defaults, ResultsStore.open(join(dir, 'bad-1')));
    // The cache names its files by the kernel build in use, so 'another run' must be named the same way.
    const other = plan.runs.find((s) => `${runId(s.config, kernelVariant())}.json` !== files[1])!;
    writeFileSync(join(cache.dir, files[1]), JSON.stringify(ResultsStore.open(join(dir, 'bad-1')).get(other.key, other.configHash)));
    const again = await run('bad-2', cache);
    expect(again.hits).toBe(2);
    expect(again.outcome.finished).toBe(true);
  });
});
