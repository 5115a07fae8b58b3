/**
 * The multi-machine executor: each run becomes a BullMQ job on Redis that `pairnet worker` processes anywhere train
 * (queue-worker.ts); the study process collects the records and stays the only writer of its results. A job's id is
 * the run id (run-cache.ts), so a run already trained by any study is collected instead of trained again, and a
 * study restarted after a crash finds its jobs where they are. Finishing is learnt from BullMQ's events and, as
 * events can be missed (a Redis restart loses them, and without persistence the jobs too), from a periodic sweep
 * of the jobs in flight that also re-adds lost ones.
 */
import { Queue, QueueEvents, type Job } from 'bullmq';
import { kernelVariant } from '../engine/kernels/index.js';
import type { RunRecord } from '../training/record.js';
import { RunAbandonedError, RunFailedError, type Executor, type RunHooks, type RunJob } from './executor.js';
import { QUEUE_NAME, queueConnection, RUN_FAILED, type QueueJobData, type QueueProgress } from './queue-connection.js';
import { engineBuild, runId } from './run-cache.js';

export interface QueueExecutorOptions {
  url: string;
  /** The study's name, stored in its jobs for `pairnet queue`. */
  study: string;
  /** false (--no-cache): a finished job of the same run is trained again. */
  reuse?: boolean;
  /** Tries per job before it fails for good (a worker crash counts as a stall, not a try). */
  attempts?: number;
  /** Pause before a failed try is retried. */
  backoffMs?: number;
  /** How often the jobs in flight are checked beside the events. */
  sweepMs?: number;
  /** Where connection trouble is reported (at most once per distinct message). */
  warn?: (message: string) => void;
}

interface Waiter {
  hooks: RunHooks;
  resolve: (r: RunRecord) => void;
  reject: (e: Error) => void;
}

interface InFlight {
  id: string;
  data: QueueJobData;
  waiters: Waiter[];
  /** --no-cache: the first submission replaces a finished job. */
  replace: boolean;
}

export class QueueExecutor implements Executor {
  /** Every planned run waits in the queue at once; the workers' slots decide how many train. */
  readonly slots = 100_000;
  readonly remote = true;
  /** Runs collected from jobs that had finished before this study asked for them. */
  hits = 0;
  private readonly inflight = new Map<string, InFlight>();
  /** Submissions run one after another, so jobs enter the queue in plan order. */
  private submitting: Promise<void> = Promise.resolve();
  private sweeping = false;
  private closed = false;
  private readonly timer: NodeJS.Timeout;

  private constructor(
    private readonly queue: Queue,
    private readonly events: QueueEvents,
    private readonly opts: QueueExecutorOptions,
  ) {
    events.on('completed', ({ jobId }) => void this.check(jobId));
    events.on('failed', ({ jobId }) => void this.check(jobId));
    events.on('progress', ({ jobId, data }) => this.progress(jobId, data as QueueProgress));
    this.timer = setInterval(() => void this.sweep(), opts.sweepMs ?? 2000);
  }

  static async open(opts: QueueExecutorOptions): Promise<QueueExecutor> {
    const connection = queueConnection(opts.url);
    const queue = new Queue<QueueJobData>(QUEUE_NAME, { connection });
    const events = new QueueEvents(QUEUE_NAME, { connection });
    let last = '';
    const onError = (e: Error): void => {
      if (e.message !== last) opts.warn?.(`queue: ${e.message} (retrying)`);
      last = e.message;
    };
    queue.on('error', onError);
    events.on('error', onError);
    await Promise.all([queue.waitUntilReady(), events.waitUntilReady()]);
    return new QueueExecutor(queue, events, opts);
  }

  run(job: RunJob, _slot: number, hooks: RunHooks = {}): Promise<RunRecord> {
    if (this.closed) return Promise.reject(new RunAbandonedError('executor closed'));
    const kernels = job.kernels ?? kernelVariant();
    const id = runId(job.config, kernels);
    return new Promise((resolve, reject) => {
      const waiter = { hooks, resolve, reject };
      const existing = this.inflight.get(id);
      if (existing) {
        existing.waiters.push(waiter);
        return;
      }
      const data: QueueJobData = { key: job.key, study: this.opts.study, config: job.config, kernels, engine: engineBuild(kernels) };
      const entry: InFlight = { id, data, waiters: [waiter], replace: this.opts.reuse === false };
      this.inflight.set(id, entry);
      this.enqueue(entry);
    });
  }

  private enqueue(entry: InFlight): void {
    this.submitting = this.submitting.then(() => this.submit(entry)).catch((e: unknown) => this.settle(entry.id, e instanceof Error ? e : new Error(String(e))));
  }

  /** Adds the job, or takes over the one already there: finished (collected), failed earlier (retried), or pending. */
  private async submit(entry: InFlight): Promise<void> {
    if (this.closed || this.inflight.get(entry.id) !== entry) return;
    const replace = entry.replace;
    entry.replace = false;
    const existing = (await this.queue.getJob(entry.id)) as Job<QueueJobData, RunRecord> | undefined;
    if (existing) {
      const state = await existing.getState();
      if (state === 'completed' && !replace) {
        this.hits++;
        this.finish(entry.id, existing);
        return;
      }
      if (state === 'failed') {
        if (existing.failedReason?.startsWith(RUN_FAILED)) return this.fail(entry.id, existing);
        await existing.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
        return;
      }
      if (state !== 'completed') return;
      await existing.remove();
    }
    await this.queue.add('run', entry.data, {
      jobId: entry.id,
      attempts: this.opts.attempts ?? 3,
      backoff: { type: 'fixed', delay: this.opts.backoffMs ?? 1000 },
      removeOnComplete: false,
      removeOnFail: false,
    });
  }

  private async check(id: string): Promise<void> {
    if (!this.inflight.has(id)) return;
    const job = (await this.queue.getJob(id)) as Job<QueueJobData, RunRecord> | undefined;
    if (!job) return;
    const state = await job.getState();
    if (state === 'completed') this.finish(id, job);
    else if (state === 'failed') this.fail(id, job);
  }

  /** A run that failed for good is a RunFailedError (stored as a failed run); anything else ends the study. */
  private fail(id: string, job: Job<QueueJobData, RunRecord>): void {
    const reason = job.failedReason ?? '';
    this.settle(
      id,
      reason.startsWith(RUN_FAILED)
        ? new RunFailedError(JSON.parse(reason.slice(RUN_FAILED.length)))
        : new Error(`run "${job.data.key}" failed on the workers (${job.attemptsMade} tries): ${reason}`),
    );
  }

  /** Checks every job in flight; one lost from Redis (restarted without persistence, or removed) is added again. */
  private async sweep(): Promise<void> {
    if (this.sweeping || this.closed) return;
    this.sweeping = true;
    try {
      for (const entry of [...this.inflight.values()]) {
        const state = await this.queue.getJobState(entry.id);
        if (state === 'unknown') this.enqueue(entry);
        else if (state === 'completed' || state === 'failed') await this.check(entry.id);
      }
    } catch {
      // Connection trouble: reported by the error listeners; the next sweep tries again.
    } finally {
      this.sweeping = false;
    }
  }

  private progress(id: string, p: QueueProgress): void {
    // An epoch also tells where the run trains: a study restarted mid-run missed its start.
    for (const w of this.inflight.get(id)?.waiters ?? []) {
      w.hooks.onStart?.(p.where);
      if (p.type === 'epoch') w.hooks.onEpoch?.(p.metrics);
    }
  }

  private finish(id: string, job: Job<QueueJobData, RunRecord>): void {
    const record = job.returnvalue;
    if (typeof record?.final?.testAccuracy !== 'number') {
      this.settle(id, new Error(`run "${job.data.key}": job ${id} finished without a run record`));
      return;
    }
    const entry = this.inflight.get(id);
    this.inflight.delete(id);
    for (const w of entry?.waiters ?? []) {
      w.hooks.onStart?.(job.processedBy ?? 'queue');
      w.resolve(record);
    }
  }

  private settle(id: string, error: Error): void {
    const entry = this.inflight.get(id);
    this.inflight.delete(id);
    for (const w of entry?.waiters ?? []) w.reject(error);
  }

  /** Stops waiting: runs in flight are abandoned here but stay in the queue, so the workers finish them. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    for (const id of [...this.inflight.keys()]) this.settle(id, new RunAbandonedError('run abandoned (it stays in the queue)'));
    await Promise.all([this.events.close(), this.queue.close()]);
  }
}
