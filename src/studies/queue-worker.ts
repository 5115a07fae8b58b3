/**
 * `pairnet worker`: trains the queue's jobs on this machine, one worker thread per slot (the local pool), until
 * closed. Training stays off this thread's event loop, which BullMQ needs free to renew its job locks: a lock not
 * renewed within lockMs (a worker killed, a machine gone) puts the job back for another worker.
 */
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { hostname } from 'node:os';
import type { RunRecord } from '../training/record.js';
import { RunFailedError, WorkerPoolExecutor } from './executor.js';
import { QUEUE_NAME, queueConnection, RUN_FAILED, type QueueJobData, type QueueProgress } from './queue-connection.js';
import { engineBuild } from './run-cache.js';

export interface QueueWorkerOptions {
  url: string;
  concurrency: number;
  /** How long a job stays locked to a silent worker; also how often workers look for such jobs. */
  lockMs?: number;
  log?: (line: string) => void;
}

export class QueueWorker {
  /** host:pid, stored on every job this worker processes (BullMQ's processedBy). */
  readonly name = `${hostname()}:${process.pid}`;
  private readonly pool: WorkerPoolExecutor;
  private readonly free: number[];
  private readonly worker: Worker<QueueJobData, RunRecord>;

  constructor(opts: QueueWorkerOptions) {
    const log = opts.log ?? (() => {});
    this.pool = new WorkerPoolExecutor(opts.concurrency);
    this.free = Array.from({ length: opts.concurrency }, (_, i) => opts.concurrency - 1 - i);
    const lockMs = opts.lockMs ?? 30_000;
    this.worker = new Worker<QueueJobData, RunRecord>(QUEUE_NAME, (job) => this.process(job), {
      connection: queueConnection(opts.url),
      concurrency: opts.concurrency,
      name: this.name,
      lockDuration: lockMs,
      stalledInterval: lockMs,
      // A job whose worker died twice goes back to the queue twice before failing.
      maxStalledCount: 2,
    });
    let last = '';
    this.worker.on('error', (e) => {
      if (e.message !== last) log(`queue: ${e.message} (retrying)`);
      last = e.message;
    });
    this.worker.on('completed', (job, record) => log(`done ${job.data.study}: ${job.data.key}: test ${(100 * record.final.testAccuracy).toFixed(2)}% (${record.trainingSeconds.toFixed(1)} s)`));
    this.worker.on('failed', (job, e) => log(`failed ${job ? `${job.data.study}: ${job.data.key}` : ''} (try ${job?.attemptsMade ?? '?'}): ${e.message}`));
  }

  private async process(job: Job<QueueJobData, RunRecord>): Promise<RunRecord> {
    const d = job.data;
    const mine = engineBuild(d.kernels);
    // The job id names the build the study expects: another one could train other bits under that id.
    if (d.engine !== mine) throw new Error(`job needs ${d.engine}, this worker runs ${mine} (start workers with the study's pairnet version and --backend)`);
    const slot = this.free.pop();
    if (slot === undefined) throw new Error('no free slot (more jobs than --concurrency)');
    const where = `${this.name}/${slot}`;
    try {
      await job.updateProgress({ type: 'start', where } satisfies QueueProgress);
      return await this.pool.run({ key: d.key, config: d.config, kernels: d.kernels }, slot, {
        // Progress is best effort: a slow Redis must not hold up training.
        onEpoch: (metrics) => void job.updateProgress({ type: 'epoch', where, metrics } satisfies QueueProgress).catch(() => {}),
      });
    } catch (e) {
      // Deterministic: trying again would fail the same way.
      throw e instanceof RunFailedError ? new UnrecoverableError(`${RUN_FAILED}${JSON.stringify(e.failure)}`) : e;
    } finally {
      this.free.push(slot);
    }
  }

  /** Resolves once connected to Redis. */
  async ready(): Promise<void> {
    await this.worker.waitUntilReady();
  }

  /** Stops taking jobs; waits for the runs in training unless `now` (then they go back to the queue when their lock expires). */
  async close(now = false): Promise<void> {
    await this.worker.close(now);
    await this.pool.close();
  }
}
