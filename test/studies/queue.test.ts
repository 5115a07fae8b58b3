// The queue executor against a real redis-server and real `pairnet worker` processes (built CLI in dist/): faults
// a multi-machine study must survive. Each test starts its own Redis; workers use a 1 s lock so stalls resolve fast.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { StudyConfig } from '../../src/studies/config.js';
import { WorkerPoolExecutor } from '../../src/studies/executor.js';
import { nativeStatus } from '../../src/engine/kernels/native.js';
import { QueueExecutor } from '../../src/studies/queue-executor.js';
import { cleanQueue, parseAge, queueStatus } from '../../src/studies/queue-status.js';
import { ResultsStore } from '../../src/studies/results-store.js';
import { studyDefaults } from '../../src/studies/run-defaults.js';
import { currentPlan, runStudy, type ProgressSink } from '../../src/studies/runner.js';
import { CliProcess } from '../../bench/cli-process.js';
import { redisInstalled, RedisServer, requireRedisInCi } from '../../bench/redis-server.js';
import { tempDir, tinyStudy } from './tiny-study.js';

requireRedisInCi();

const dir = tempDir();
const running: { kill(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((p) => p.kill()));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function redis(password: string | null = null): Promise<RedisServer> {
  const r = await RedisServer.start({ password });
  running.push(r);
  return r;
}

async function worker(url: string): Promise<CliProcess> {
  const w = await CliProcess.worker(url, 1000);
  running.push(w);
  return w;
}

/** Runs of ~1-2 s each, so a fault can hit one mid-run: 2 variants x `rounds` rounds, fcnet, 1000 pairs, 6 epochs. */
const slowStudy = (name: string, rounds = 1): StudyConfig =>
  tinyStudy({ name, rounds, epochs: 6, base: { data: { trainPairs: 1000, testPairs: 100 }, batchSize: 50 } });

const defaults = studyDefaults();
let studies = 0;

async function queueStudy(study: StudyConfig, url: string, hooks: { progress?: ProgressSink; onRunDone?: () => void } = {}) {
  const out = join(dir, `${study.name}-${studies++}`);
  const executor = await QueueExecutor.open({ url, study: study.name, attempts: 2, backoffMs: 100, sweepMs: 300 });
  const store = ResultsStore.open(out);
  try {
    const outcome = await runStudy(study, { executor, store, defaults, ...hooks });
    return { outcome, store, out, hits: executor.hits };
  } finally {
    await executor.close();
  }
}

/** Every planned run stored exactly once (in the file, not just in the deduplicating store), each with its own config. */
function expectComplete(study: StudyConfig, out: string): void {
  const lines = readFileSync(join(out, 'results.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { key: string; configHash: string; record: { config: unknown } });
  const plan = currentPlan(study, defaults, ResultsStore.open(out, { readOnly: true }));
  expect(lines.map((l) => l.key).sort()).toEqual(plan.runs.map((s) => s.key).sort());
  for (const l of lines) expect(l.record.config).toEqual(plan.runs.find((s) => s.key === l.key)!.config);
}

/** A record less what differs between two trainings of the same run: times and the machine's description. */
function withoutTimingAndHost(record: Record<string, unknown>): Record<string, unknown> {
  const { trainingSeconds: _t, startedAt: _s, epochs, provenance, ...rest } = record as { epochs: { seconds: number }[]; provenance?: Record<string, unknown> } & Record<string, unknown>;
  const { node: _n, cpu: _c, ...sameEverywhere } = provenance ?? {};
  return { ...rest, epochs: epochs.map(({ seconds: _e, ...e }) => e), provenance: sameEverywhere };
}

describe.skipIf(!redisInstalled)('queue executor on a real redis-server', () => {
  it('a worker killed mid-run: its job goes to another worker after the lock expires, stored once', async () => {
    const r = await redis();
    const a = await worker(r.url);
    let b: Promise<CliProcess> | null = null;
    const where: string[] = [];
    const progress: ProgressSink = {
      begin() {}, queued() {}, runFinished() {}, end() {},
      runStarted: (_slot, _spec, w) => void where.push(w ?? ''),
      epoch: () => {
        // First epoch seen from worker A: kill it mid-run and start B.
        if (b === null && where.some((w) => w.includes(`:${a.pid}/`))) {
          b = a.kill().then(() => worker(r.url));
        }
      },
    };
    const study = slowStudy('killed-worker');
    const { outcome, out } = await queueStudy(study, r.url, { progress });
    expect(outcome.finished).toBe(true);
    expectComplete(study, out);
    const wb = await b!;
    // B's log line may follow the study's collection by a moment.
    await wb.waitFor(() => wb.done === 2, 10_000);
    expect(a.done).toBe(0);
    expect(where.some((w) => w.includes(`:${wb.pid}/`))).toBe(true);
  });

  it('the study process killed and restarted collects the runs finished meanwhile without training them again', async () => {
    const r = await redis();
    const w = await worker(r.url);
    const config = join(dir, 'restart.json');
    const study = slowStudy('restarted', 2);
    // The CLI reads a study file: the validated config round-trips through JSON.
    writeFileSync(config, JSON.stringify(study));
    const out = join(dir, 'restart-out');
    const args = ['study', config, '--queue', r.url, '--out', out];
    const s1 = CliProcess.start(args, { PAIRNET_CACHE: join(dir, 'cache-1') });
    running.push(s1);
    await s1.waitFor(/\[1\/4\]/);
    await s1.kill();
    await w.waitFor(() => w.done === 4);
    const s2 = CliProcess.start(args, { PAIRNET_CACHE: join(dir, 'cache-2') });
    running.push(s2);
    expect(await s2.exited).toBe(0);
    expect(s2.output).toMatch(/pairnet: 0 runs trained in [\d.]+ s, 3 taken from the run cache, 1 found stored/);
    expect(w.done).toBe(4);
    expectComplete(study, out);
  });

  it('Redis restarted (empty) mid-study: workers and study reconnect, lost jobs are queued again, the study finishes', async () => {
    const r = await redis();
    await worker(r.url);
    let restarted: Promise<void> | null = null;
    const study = slowStudy('redis-restart', 2);
    const { outcome, out } = await queueStudy(study, r.url, { onRunDone: () => void (restarted ??= r.restart()) });
    await restarted;
    expect(outcome.finished).toBe(true);
    expectComplete(study, out);
    // The empty Redis holds exactly the 3 runs not collected before the restart: the study queued them again.
    expect((await queueStatus(r.url)).totals.completed).toBe(3);
    // Cleaning: nothing finished an hour ago; everything finished before now.
    expect(await cleanQueue(r.url, 3_600_000)).toEqual({ completed: 0, failed: 0 });
    expect(await cleanQueue(r.url, 0)).toEqual({ completed: 3, failed: 0 });
    expect((await queueStatus(r.url)).totals.completed).toBe(0);
  });

  it('reads the ages `pairnet queue --clean` takes', () => {
    expect(parseAge('30d')).toBe(30 * 86_400_000);
    expect(parseAge('12h')).toBe(12 * 3_600_000);
    expect(parseAge('15m')).toBe(900_000);
    expect(parseAge('90s')).toBe(90_000);
    expect(parseAge('0')).toBe(0);
    for (const bad of ['', '5', '-1d', '1w', 'soon', '1.5h']) expect(parseAge(bad)).toBeNull();
  });
});

describe.skipIf(!redisInstalled)('one queue (with a password), several studies', () => {
  let r: RedisServer;
  const password = 'pw-not-printed-7f3';
  beforeAll(async () => {
    r = await RedisServer.start({ password });
  });
  afterAll(() => r?.kill());

  it('a run that fails on every try is reported with the worker message after the retry limit', async () => {
    const w = await worker(r.url);
    const executor = await QueueExecutor.open({ url: r.url, study: 'bad', attempts: 2, backoffMs: 100, sweepMs: 300 });
    try {
      const plan = currentPlan(tinyStudy(), defaults, ResultsStore.open(join(dir, 'bad')));
      const config = { ...plan.runs[0].config, model: 'no-such-model' };
      await expect(executor.run({ key: 'bad run', config }, 0)).rejects.toThrow(/run "bad run" failed on the workers \(2 tries\): .*no-such-model/);
    } finally {
      await executor.close();
    }
    const status = await queueStatus(r.url);
    expect(status.totals.failed).toBe(1);
    expect(status.byStudy.bad.failed).toBe(1);
    expect(w.output).not.toContain(password);
  });

  it('a run whose loss diverges is tried once and stored as a failed run, as locally', async () => {
    const w = await worker(r.url);
    // SGD at lr 1e12 makes fcnet's loss infinite within the first epoch (as in failed-runs.test.ts).
    const study = tinyStudy({
      name: 'diverging',
      variants: [{ name: 'FC', model: 'fcnet' }, { name: 'FC diverging', model: 'fcnet', overrides: { optimizer: { name: 'sgd', lr: 1e12 } } }],
      comparisons: [],
      published: null,
    });
    const { outcome, store } = await queueStudy(study, r.url);
    expect(outcome.finished).toBe(true);
    expect(store.all().map((x) => x.key).sort()).toEqual(['rounds/FC/round 0', 'rounds/FC/round 1']);
    const spec = outcome.plan.runs.find((x) => x.key === 'rounds/FC diverging/round 0')!;
    expect(store.getFailure(spec.key, spec.configHash)?.message).toMatch(/^fcnet: loss is (NaN|Infinity) at epoch 1/);
    await w.waitFor(() => (w.output.match(/failed diverging/g) ?? []).length >= 2, 10_000);
    expect(w.output.match(/failed diverging/g)).toHaveLength(2);
  });

  it("two studies on one queue at once store only their own runs; a third study's identical runs come from the queue", async () => {
    await worker(r.url);
    const a = tinyStudy({ name: 'study-a', seed: 1 });
    const b = tinyStudy({ name: 'study-b', seed: 2 });
    const [ra, rb] = await Promise.all([queueStudy(a, r.url), queueStudy(b, r.url)]);
    expectComplete(a, ra.out);
    expectComplete(b, rb.out);
    const c = await queueStudy(tinyStudy({ name: 'study-c', seed: 1 }), r.url);
    expect(c.hits).toBe(4);
    expect(c.store.all().map((s) => s.record)).toEqual(ra.store.all().map((s) => s.record));
    const status = await queueStatus(r.url);
    expect(status.byStudy['study-a'].completed).toBe(4);
    expect(status.byStudy['study-b'].completed).toBe(4);
  });
});

describe.skipIf(!redisInstalled)('rediss:// (TLS) with a password, two workers', () => {
  it('`pairnet study --queue` with two `pairnet worker` processes stores the records a local study does; the password is never printed', async () => {
    const password = 'tls-pw-not-printed-91c';
    const r = await RedisServer.start({ password, tls: true });
    running.push(r);
    const env = { NODE_EXTRA_CA_CERTS: r.caFile! };
    const workers = [0, 1].map(() => CliProcess.start(['worker', '--queue', r.url, '--concurrency', '1'], env));
    running.push(...workers);
    const study = tinyStudy({ name: 'same', seed: 3 });
    const config = join(dir, 'same.json');
    writeFileSync(config, JSON.stringify(study));
    const queued = CliProcess.start(['study', config, '--queue', r.url, '--out', join(dir, 'same-queue'), '--no-cache'], env);
    const local = join(dir, 'same-local');
    const pool = new WorkerPoolExecutor(2);
    try {
      await runStudy(study, { executor: pool, store: ResultsStore.open(local), defaults });
    } finally {
      await pool.close();
    }
    expect(await queued.exited).toBe(0);
    expect(queued.output).toContain(`rediss://:***@127.0.0.1:${r.port}`);
    // Worker log lines may follow the study's collection by a moment.
    await workers[0].waitFor(() => workers[0].done + workers[1].done === 4, 10_000);
    expect([queued, ...workers].map((p) => p.output).join('')).not.toContain(password);
    const records = (out: string) =>
      readFileSync(join(out, 'results.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { key: string; record: Record<string, unknown> })
        .sort((x, y) => x.key.localeCompare(y.key)).map((l) => ({ key: l.key, record: withoutTimingAndHost(l.record) }));
    const q = records(join(dir, 'same-queue'));
    expect(q).toHaveLength(4);
    expect(q).toEqual(records(local));
  });
});

describe.skipIf(!redisInstalled || !nativeStatus().available)('the native backend through the queue', () => {
  it('workers started with --backend native train a study sent with it, bit for bit as locally; a WebAssembly worker refuses its runs', async () => {
    const r = await redis();
    const native = CliProcess.start(['worker', '--queue', r.url, '--concurrency', '1', '--lock-ms', '1000', '--backend', 'native']);
    running.push(native);
    await native.waitFor(/slot on /);
    const study = tinyStudy({ name: 'native', seed: 5 });
    const config = join(dir, 'native.json');
    writeFileSync(config, JSON.stringify(study));
    const queued = CliProcess.start(['study', config, '--queue', r.url, '--backend', 'native', '--out', join(dir, 'native-queue'), '--no-cache']);
    const local = CliProcess.start(['study', config, '--backend', 'native', '--workers', '1', '--out', join(dir, 'native-local'), '--no-cache']);
    expect(await queued.exited, queued.output).toBe(0);
    expect(await local.exited, local.output).toBe(0);
    const records = (out: string) =>
      readFileSync(join(dir, out, 'results.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { key: string; record: Record<string, unknown> })
        .sort((x, y) => x.key.localeCompare(y.key));
    const q = records('native-queue');
    expect(q).toHaveLength(4);
    for (const l of q) expect((l.record.provenance as { backend?: string }).backend).toMatch(/^native-avx(512|2)\+wasm-/);
    expect(q.map((l) => withoutTimingAndHost(l.record))).toEqual(records('native-local').map((l) => withoutTimingAndHost(l.record)));

    await native.kill();
    running.push(await worker(r.url));
    const refused = CliProcess.start(['study', config, '--queue', r.url, '--backend', 'native', '--set', 'seed=6', '--out', join(dir, 'native-refused'), '--no-cache']);
    expect(await refused.exited).toBe(1);
    expect(refused.output).toMatch(/failed on the workers \(3 tries\): job needs .*native-avx.*, this worker runs (?!.*native-avx).* \(start workers with the study's pairnet version and --backend\)/);
  });
});
