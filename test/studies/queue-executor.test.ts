// The queue executor's bookkeeping against a real Redis, with in-process BullMQ workers that hand back made-up records
// at once (no training): events and progress, one job per run id, collecting finished jobs, retries, failures, lost
// jobs, closing. queue.test.ts runs it with real `pairnet worker` processes and faults.
import { Queue, Worker, type Job } from 'bullmq';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RunAbandonedError, RunFailedError } from '../../src/studies/executor.js';
import { QUEUE_NAME, queueConnection, RUN_FAILED, type QueueJobData, type QueueProgress } from '../../src/studies/queue-connection.js';
import { QueueExecutor } from '../../src/studies/queue-executor.js';
import { engineBuild, runId } from '../../src/studies/run-cache.js';
import type { RunConfig } from '../../src/training/config.js';
import type { EpochMetrics, RunRecord } from '../../src/training/record.js';
import { redisInstalled, RedisServer, requireRedisInCi } from '../../bench/redis-server.js';

requireRedisInCi();

const config = (seed: number): RunConfig => ({ model: 'fcnet', seed }) as unknown as RunConfig;
const record = (seed: number): RunRecord => ({ config: config(seed), final: { testAccuracy: seed / 100 } }) as unknown as RunRecord;
const metrics = (epoch: number): EpochMetrics => ({ epoch }) as EpochMetrics;
const job = (seed: number, key = `run ${seed}`) => ({ key, config: config(seed), kernels: 'simd' as const });

describe.skipIf(!redisInstalled)('the queue executor', () => {
  let r: RedisServer;
  let queue: Queue<QueueJobData, RunRecord>;
  const closing: { close(): Promise<void> }[] = [];
  beforeAll(async () => {
    r = await RedisServer.start();
    queue = new Queue(QUEUE_NAME, { connection: queueConnection(r.url) });
  });
  afterEach(async () => {
    await Promise.all(closing.splice(0).map((c) => c.close()));
    await queue.obliterate({ force: true });
  });
  afterAll(async () => {
    await queue?.close();
    await r?.kill();
  });

  const open = async (opts: { reuse?: boolean; attempts?: number } = {}): Promise<QueueExecutor> => {
    const e = await QueueExecutor.open({ url: r.url, study: 'S', backoffMs: 10, sweepMs: 100, ...opts });
    closing.push(e);
    return e;
  };
  /** A worker that reports a start and two epochs, then returns `answer(job)` (or throws what it throws). */
  const worker = (name: string, answer: (j: Job<QueueJobData>) => unknown = (j) => record(j.data.config.seed)): Worker => {
    const w = new Worker<QueueJobData>(
      QUEUE_NAME,
      async (j) => {
        await j.updateProgress({ type: 'start', where: `${name}/0` } satisfies QueueProgress);
        for (const e of [1, 2]) await j.updateProgress({ type: 'epoch', where: `${name}/0`, metrics: metrics(e) } satisfies QueueProgress);
        return answer(j);
      },
      { connection: queueConnection(r.url), name },
    );
    closing.push(w);
    return w;
  };

  it('queues a run as one job named by its run id, hears its start and epochs, and hands back its record', async () => {
    const e = await open({ attempts: 4 });
    worker('w1');
    const heard: string[] = [];
    const hooks = { onStart: (w: string) => heard.push(`start ${w}`), onEpoch: (m: EpochMetrics | undefined) => heard.push(`epoch ${m?.epoch}`) };
    // The same run asked for twice (another study, or a retry) is one job, named by the first asker; both hear of
    // it, the one with hooks even after one without.
    const [b, a] = await Promise.all([e.run(job(7, 'other key'), 1), e.run(job(7), 0, hooks)]);
    expect(a).toEqual(record(7));
    expect(b).toEqual(record(7));
    expect(heard.slice(0, 4)).toEqual(['start w1/0', 'start w1/0', 'epoch 1', 'start w1/0']);
    expect(heard).toContain('epoch 2');
    expect(heard.at(-1)).toBe('start w1');
    const stored = (await queue.getJob(runId(config(7), 'simd')))!;
    expect(stored.data).toEqual({ key: 'other key', study: 'S', config: config(7), kernels: 'simd', engine: engineBuild('simd') });
    expect(stored.opts).toMatchObject({ attempts: 4, backoff: { type: 'fixed', delay: 10 } });
    expect(stored.processedBy).toBe('w1');
    expect(e.hits).toBe(0);
    expect([e.slots, e.remote]).toEqual([100_000, true]);
  });

  it('collects a run finished before it was asked for; with reuse off, trains it again', async () => {
    const first = await open();
    const w = worker('w1');
    await first.run(job(3), 0);
    await w.close();
    const second = await open();
    const where: string[] = [];
    expect(await second.run(job(3), 0, { onStart: (s) => where.push(s) })).toEqual(record(3));
    expect(second.hits).toBe(1);
    expect(where).toEqual(['w1']);
    const fresh = await open({ reuse: false });
    let trained = 0;
    worker('w2', (j) => (trained++, record(j.data.config.seed)));
    expect(await fresh.run(job(3), 0)).toEqual(record(3));
    expect(trained).toBe(1);
    expect(fresh.hits).toBe(0);
    expect((await queue.getJob(runId(config(3), 'simd')))!.processedBy).toBe('w2');
  });

  it('a run that keeps failing ends with the workers reason and tries; one failed earlier is tried again with all its tries', async () => {
    const e = await open({ attempts: 2 });
    worker('w1', () => {
      throw new Error('out of memory');
    });
    await expect(e.run(job(5), 0)).rejects.toThrow('run "run 5" failed on the workers (2 tries): out of memory');
    await closing.splice(-1)[0].close();
    // A later study retries the failed job from scratch, with all its tries: one more failure, then a worker trains it.
    const again = await open();
    let tries = 0;
    worker('w2', (j) => {
      if (++tries === 1) throw new Error('one more failure');
      return record(j.data.config.seed);
    });
    expect(await again.run(job(5), 0)).toEqual(record(5));
    expect(tries).toBe(2);
  });

  it('joins a job already waiting in the queue instead of queueing it again', async () => {
    const id = runId(config(15), 'simd');
    const data: QueueJobData = { key: 'queued by another study', study: 'T', config: config(15), kernels: 'simd', engine: engineBuild('simd') };
    const waiting = await queue.add('run', data, { jobId: id });
    const e = await open();
    const running = e.run(job(15), 0);
    await new Promise((res) => setTimeout(res, 300));
    const still = (await queue.getJob(id))!;
    expect([still.data.key, still.timestamp]).toEqual(['queued by another study', waiting.timestamp]);
    worker('w1');
    expect(await running).toEqual(record(15));
  });

  it('a run closed before its job was sent is never queued', async () => {
    const e = await open();
    const running = expect(e.run(job(16), 0)).rejects.toThrow(RunAbandonedError);
    await e.close();
    await running;
    await new Promise((res) => setTimeout(res, 200));
    expect(await queue.getJob(runId(config(16), 'simd'))).toBeUndefined();
  });

  it('a diverged run is a failed run result, at once and when collected later', async () => {
    const failure = { message: 'loss is NaN at epoch 1, batch 2', epoch: 1, batch: 2 };
    const e = await open();
    worker('w1', () => {
      throw new Error(`${RUN_FAILED}${JSON.stringify(failure)}`);
    });
    const err = await e.run(job(6), 0).catch((x: unknown) => x);
    expect(err).toBeInstanceOf(RunFailedError);
    expect((err as RunFailedError).failure).toEqual(failure);
    // Collected from the failed job, not tried again: no worker is left to try it.
    await closing.splice(-1)[0].close();
    const later = await open();
    const err2 = await later.run(job(6), 0).catch((x: unknown) => x);
    expect((err2 as RunFailedError).failure).toEqual(failure);
  });

  it('a job that finished without a record is an error naming the run and the job', async () => {
    const e = await open();
    const answers: unknown[] = [{ final: {} }, {}, null];
    worker('w1', (j) => answers[j.data.config.seed - 8]);
    for (const seed of [8, 9, 10]) {
      await expect(e.run(job(seed), 0)).rejects.toThrow(`run "run ${seed}": job ${runId(config(seed), 'simd')} finished without a run record`);
    }
  });

  it('a job lost from Redis is queued again by the sweep', async () => {
    const e = await open();
    const running = e.run(job(9), 0);
    const id = runId(config(9), 'simd');
    for (let i = 0; i < 100 && !(await queue.getJob(id)); i++) await new Promise((res) => setTimeout(res, 20));
    await queue.remove(id);
    expect(await queue.getJob(id)).toBeUndefined();
    // Sweeps run every 100 ms here (2 s by default).
    for (let i = 0; i < 75 && !(await queue.getJob(id)); i++) await new Promise((res) => setTimeout(res, 20));
    expect(await queue.getJob(id)).toBeDefined();
    worker('w1');
    expect(await running).toEqual(record(9));
  });

  it('closing abandons the runs in flight (they stay queued) and refuses new ones', async () => {
    const e = await open();
    const running = e.run(job(10), 0);
    const abandoned = expect(running).rejects.toThrow(new RunAbandonedError('run abandoned (it stays in the queue)'));
    const id = runId(config(10), 'simd');
    for (let i = 0; i < 100 && !(await queue.getJob(id)); i++) await new Promise((res) => setTimeout(res, 20));
    await e.close();
    await e.close();
    await abandoned;
    await expect(e.run(job(11), 0)).rejects.toThrow(new RunAbandonedError('executor closed'));
    expect(await (await queue.getJob(id))!.getState()).toBe('waiting');
  });

  it('learns of finished and failed jobs from the queue events, without waiting for a sweep', async () => {
    const e = await QueueExecutor.open({ url: r.url, study: 'S', backoffMs: 10, attempts: 1, sweepMs: 3_600_000 });
    closing.push(e);
    worker('w1', (j) => {
      if (j.data.config.seed === 13) throw new Error('broken');
      return record(j.data.config.seed);
    });
    expect(await e.run(job(12), 0)).toEqual(record(12));
    await expect(e.run(job(13), 0)).rejects.toThrow('run "run 13" failed on the workers (1 tries): broken');
  });

  it('reports a lost connection to Redis once per message while it retries', async () => {
    const warnings: string[] = [];
    const own = await RedisServer.start();
    const e = await QueueExecutor.open({ url: own.url, study: 'S', sweepMs: 100, warn: (m) => warnings.push(m) });
    closing.push(e);
    await own.kill();
    for (let i = 0; i < 100 && warnings.length === 0; i++) await new Promise((res) => setTimeout(res, 20));
    // Reconnection attempts every 100 ms..1 s for a second more: the same refusal, reported once.
    await new Promise((res) => setTimeout(res, 1000));
    expect(warnings.length).toBeGreaterThan(0);
    for (const w of warnings) expect(w).toMatch(/^queue: .+ \(retrying\)$/);
    for (let i = 1; i < warnings.length; i++) expect(warnings[i]).not.toBe(warnings[i - 1]);
    expect(warnings.some((w) => w.includes('ECONNREFUSED'))).toBe(true);
  });
});
