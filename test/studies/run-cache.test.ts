import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { InProcessExecutor } from '../../src/studies/executor.js';
import { ResultsStore } from '../../src/studies/results-store.js';
import { studyDefaults } from '../../src/studies/run-defaults.js';
import { kernelVariant } from '../../src/engine/kernels/index.js';
import { CachingExecutor, defaultCacheDir, engineBuild, RunCache, runId } from '../../src/studies/run-cache.js';
import type { Executor } from '../../src/studies/executor.js';
import type { RunRecord } from '../../src/training/record.js';
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

  it('a run id is 32 hex digits; the build id is worked out once per kernel build', () => {
    const [a] = currentPlan(study, defaults, ResultsStore.open(join(dir, 'ids'))).runs;
    expect(runId(a.config, 'simd')).toMatch(/^[0-9a-f]{32}$/);
    expect(engineBuild('relaxed')).toBe(engineBuild('relaxed'));
    expect(engineBuild('relaxed')).toMatch(/, wasm-relaxed [0-9a-f]{12}$/);
    expect(engineBuild('relaxed')).not.toBe(engineBuild('simd'));
  });

  it('a cached record needs its final test accuracy', () => {
    const cache = new RunCache(join(dir, 'cache-final'));
    const [a] = currentPlan(study, defaults, ResultsStore.open(join(dir, 'ids'))).runs;
    cache.put('x', { config: a.config, final: { testAccuracy: 0.5 } } as RunRecord);
    expect(cache.get('x', a.config)?.final.testAccuracy).toBe(0.5);
    cache.put('x', { config: a.config, final: { testAccuracy: '0.5' } } as unknown as RunRecord);
    expect(cache.get('x', a.config)).toBeUndefined();
    cache.put('x', { config: a.config } as RunRecord);
    expect(cache.get('x', a.config)).toBeUndefined();
    expect(cache.get('absent', a.config)).toBeUndefined();
  });

  it('a hit starts "on the cache" and passes the inner executor\'s slots and queue flag on', async () => {
    const cache = new RunCache(join(dir, 'cache-hooks'));
    const [a] = currentPlan(study, defaults, ResultsStore.open(join(dir, 'ids'))).runs;
    const record = { config: a.config, final: { testAccuracy: 0.5 } } as RunRecord;
    cache.put(runId(a.config, 'simd'), record);
    const inner = (remote?: boolean): Executor => ({ slots: 3, remote, run: async () => record, close: async () => {} });
    const where: string[] = [];
    const local = new CachingExecutor(inner(), cache);
    expect(await local.run({ key: a.key, config: a.config, kernels: 'simd' }, 0, { onStart: (w) => where.push(w) })).toEqual(record);
    expect(where).toEqual(['cache']);
    expect([local.slots, local.remote]).toEqual([3, false]);
    expect(new CachingExecutor(inner(true), cache).remote).toBe(true);
  });
});

describe('the default cache directory', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });
  it('is $PAIRNET_CACHE, else under $XDG_CACHE_HOME, else under ~/.cache', () => {
    vi.stubEnv('PAIRNET_CACHE', '/c/p');
    vi.stubEnv('XDG_CACHE_HOME', '/c/x');
    expect(defaultCacheDir()).toBe('/c/p');
    vi.stubEnv('PAIRNET_CACHE', '');
    expect(defaultCacheDir()).toBe('/c/x/pairnet/runs');
    vi.stubEnv('XDG_CACHE_HOME', '');
    expect(defaultCacheDir()).toBe(join(homedir(), '.cache', 'pairnet', 'runs'));
  });
});
