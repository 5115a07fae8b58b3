// `pairnet queue`'s reading of a real Redis (jobs put there by BullMQ directly, finished by in-process BullMQ workers
// that train nothing), and the connection's URL checks. The queue executor's own tests are in queue.test.ts.
import { Queue, Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUEUE_NAME, queueConnection, redactUrl, type QueueJobData } from '../../src/studies/queue-connection.js';
import { cleanQueue, drainQueue, formatQueueStatus, parseAge, queueStatus, type QueueStatus } from '../../src/studies/queue-status.js';
import { redisInstalled, RedisServer, requireRedisInCi } from '../../bench/redis-server.js';

requireRedisInCi();

describe('queue URLs', () => {
  it('hides the password, and says when a URL cannot be parsed', () => {
    expect(redactUrl('redis://user:secret@host:6379/0')).toBe('redis://user:***@host:6379/0');
    expect(redactUrl('redis://host:6379')).toBe('redis://host:6379');
    expect(redactUrl('not a url secret')).toBe('(unparsable URL)');
  });

  it('takes redis:// and rediss:// only, naming the URL without its password; reconnects at most 1 s apart', () => {
    expect(() => queueConnection('host:6379')).toThrow('--queue: expected a redis:// or rediss:// URL, got host:6379');
    expect(() => queueConnection('http://:pw@host:80')).toThrow('--queue: expected a redis:// or rediss:// URL, got http://:***@host/');
    expect(() => queueConnection('nope pw')).toThrow('--queue: not a URL: (unparsable URL) (expected redis://HOST:PORT or rediss://...)');
    for (const url of ['redis://h:1', 'rediss://:pw@h:2']) {
      const c = queueConnection(url) as { url: string; maxRetriesPerRequest: null; retryStrategy: (n: number) => number };
      expect(c.url).toBe(url);
      expect(c.maxRetriesPerRequest).toBeNull();
      expect([1, 5, 10, 11, 100].map(c.retryStrategy)).toEqual([100, 500, 1000, 1000, 1000]);
    }
  });
});

describe('ages', () => {
  it('are a whole number with a unit (or 0), with blanks around allowed and nothing after', () => {
    expect(parseAge(' 30d ')).toBe(30 * 86_400_000);
    for (const bad of ['30dx', '30 d', 'd', '0x']) expect(parseAge(bad)).toBeNull();
  });
});

describe('the status table', () => {
  it('lists totals, then each study and worker by name, then the workers connected', () => {
    const c = (waiting: number, active: number, completed: number, failed: number, delayed: number) => ({ waiting, active, completed, failed, delayed });
    const status: QueueStatus = {
      totals: c(1, 2, 3, 4, 5),
      byStudy: { zeta: c(0, 0, 1, 0, 0), alpha: c(1, 2, 2, 4, 5) },
      byWorker: { 'h:2': c(0, 1, 0, 0, 0), 'h:1': c(0, 1, 3, 4, 0) },
      workers: ['h:1', 'h:2'],
    };
    const row = (name: string, n: number[]) => name.padEnd(32) + n.map((x) => String(x).padStart(11)).join('');
    expect(formatQueueStatus(status).split('\n')).toEqual([
      ' '.repeat(32) + ['waiting', 'active', 'completed', 'failed', 'delayed'].map((s) => s.padStart(11)).join(''),
      row('all jobs', [1, 2, 3, 4, 5]),
      '',
      'per study (the study that first queued the run)',
      row('alpha', [1, 2, 2, 4, 5]),
      row('zeta', [0, 0, 1, 0, 0]),
      '',
      'per worker (active and finished jobs)',
      row('h:1', [0, 1, 3, 4, 0]),
      row('h:2', [0, 1, 0, 0, 0]),
      '',
      'workers connected: 2 (h:1, h:2)',
    ]);
    expect(formatQueueStatus({ totals: c(0, 0, 0, 0, 0), byStudy: {}, byWorker: {}, workers: [] }).split('\n').at(-1)).toBe('workers connected: 0');
  });
});

describe.skipIf(!redisInstalled)('a queue in Redis', () => {
  let r: RedisServer;
  let queue: Queue<QueueJobData>;
  beforeAll(async () => {
    r = await RedisServer.start({ password: 'pw' });
    queue = new Queue<QueueJobData>(QUEUE_NAME, { connection: queueConnection(r.url) });
  });
  afterAll(async () => {
    await queue?.close();
    await r?.kill();
  });

  const job = (study: string, i: number) => ({ name: 'run', data: { key: `k${i}`, study, config: {}, kernels: 'simd', engine: 'e' } as unknown as QueueJobData, opts: { jobId: `${study}-${i}` } });

  it('counts jobs in every state per study and per worker, in pages, and names the workers connected', async () => {
    // Three jobs of one study, finished by a named worker (two done, one failed), which then pauses, still connected.
    const worker = new Worker<QueueJobData>(
      QUEUE_NAME,
      async (j) => {
        if (j.id === 'small-2') throw new Error('broken');
        return {};
      },
      { connection: queueConnection(r.url), name: 'host-a:1' },
    );
    const finished = new Promise<void>((resolve) => {
      let n = 0;
      const one = (): void => void (++n === 3 && resolve());
      worker.on('completed', one);
      worker.on('failed', one);
    });
    await queue.addBulk([job('small', 0), job('small', 1), job('small', 2)]);
    await finished;
    await worker.pause();
    // 510 waiting jobs of another study (more than one page of 500), and one delayed.
    await queue.addBulk(Array.from({ length: 510 }, (_, i) => job('big', i)));
    await queue.add('run', job('later', 0).data, { jobId: 'later-0', delay: 3_600_000 });
    const status = await queueStatus(r.url);
    expect(status.totals).toEqual({ waiting: 510, active: 0, completed: 2, failed: 1, delayed: 1 });
    expect(status.byStudy).toEqual({
      big: { waiting: 510, active: 0, completed: 0, failed: 0, delayed: 0 },
      small: { waiting: 0, active: 0, completed: 2, failed: 1, delayed: 0 },
      later: { waiting: 0, active: 0, completed: 0, failed: 0, delayed: 1 },
    });
    expect(status.byWorker).toEqual({ 'host-a:1': { waiting: 0, active: 0, completed: 2, failed: 1, delayed: 0 } });
    expect(status.workers).toEqual(['host-a:1']);
    await worker.close();
    expect((await queueStatus(r.url)).workers).toEqual([]);

    // Draining takes the waiting and delayed jobs, not the finished ones (the run cache); cleaning takes those.
    await drainQueue(r.url);
    expect((await queueStatus(r.url)).totals).toEqual({ waiting: 0, active: 0, completed: 2, failed: 1, delayed: 0 });
    expect(await cleanQueue(r.url, 3_600_000)).toEqual({ completed: 0, failed: 0 });
    expect(await cleanQueue(r.url, 0)).toEqual({ completed: 2, failed: 1 });
    expect((await queueStatus(r.url)).totals).toEqual({ waiting: 0, active: 0, completed: 0, failed: 0, delayed: 0 });
  });

  it('counts a job waiting for its retry per study but not per worker, names workers in order, and cleans in pages', async () => {
    const fails = new Worker<QueueJobData>(QUEUE_NAME, async () => {
      throw new Error('once');
    }, { connection: queueConnection(r.url), name: 'b-host:2' });
    const other = new Worker<QueueJobData>(QUEUE_NAME, async () => ({}), { connection: queueConnection(r.url), name: 'a-host:1', autorun: false });
    const failedOnce = new Promise<void>((resolve) => fails.on('failed', () => resolve()));
    await queue.add('run', job('retry', 0).data, { jobId: 'retry-0', attempts: 2, backoff: { type: 'fixed', delay: 3_600_000 } });
    await failedOnce;
    await fails.pause();
    const status = await queueStatus(r.url);
    expect(status.totals.delayed).toBe(1);
    expect(status.byStudy.retry.delayed).toBe(1);
    expect(status.byWorker).toEqual({});
    expect(status.workers).toEqual(['a-host:1', 'b-host:2']);
    await Promise.all([fails.close(), other.close()]);
    await drainQueue(r.url);

    // 510 finished jobs: cleaning takes them in two pages.
    const worker = new Worker<QueueJobData>(QUEUE_NAME, async () => ({}), { connection: queueConnection(r.url), name: 'c-host:3', concurrency: 50 });
    const done = new Promise<void>((resolve) => {
      let n = 0;
      worker.on('completed', () => void (++n === 510 && resolve()));
    });
    await queue.addBulk(Array.from({ length: 510 }, (_, i) => job('many', i)));
    await done;
    await worker.close();
    expect((await queueStatus(r.url)).totals.completed).toBe(510);
    expect(await cleanQueue(r.url, 0)).toEqual({ completed: 510, failed: 0 });
  });
});
