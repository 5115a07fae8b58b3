/**
 * The executor: the one seam between a study and where its runs execute. A run is a pure function of its resolved
 * RunConfig, so an executor only needs (key, config) in and a RunRecord out. Two implementations live here: in the
 * calling thread (tests, debugging) and on a pool of worker threads (the CLI); queue-executor.ts sends them to
 * `pairnet worker` processes on other machines through BullMQ, and run-cache.ts reuses runs already trained.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { pinKernelVariant, type KernelVariant } from '../engine/kernels/index.js';
import type { RunConfig } from '../training/config.js';
import { NonFiniteLossError, type EpochMetrics, type RunFailure, type RunRecord } from '../training/record.js';
import { runTraining } from '../training/run.js';

export interface RunJob {
  key: string;
  config: RunConfig;
  /** The kernel build to train with (default: kernelVariant(), the runtime's). */
  kernels?: KernelVariant;
}

export interface RunHooks {
  /** The run started training; `where` names the thread or worker host doing it. May come more than once (queue). */
  onStart?: (where: string) => void;
  onEpoch?: (metrics: EpochMetrics) => void;
}

export interface Executor {
  /** How many runs may be in flight at once; the runner calls run() with slot = 0..slots-1. */
  readonly slots: number;
  /** Runs go to other processes through a queue: slots are runs waiting there, not threads (progress.ts). */
  readonly remote?: boolean;
  run(job: RunJob, slot: number, hooks?: RunHooks): Promise<RunRecord>;
  /** Abandons in-flight runs (their promises reject with RunAbandonedError) and releases threads. */
  close(): Promise<void>;
}

export class RunAbandonedError extends Error {
  override name = 'RunAbandonedError';
}

/** The run trained but diverged (non-finite loss): a result to store as failed, not an error to stop the study for. */
export class RunFailedError extends Error {
  override name = 'RunFailedError';
  constructor(readonly failure: RunFailure) {
    super(failure.message);
  }
}

/** Runs in the calling thread, one at a time (blocks the event loop while a run trains). */
export class InProcessExecutor implements Executor {
  readonly slots = 1;
  async run(job: RunJob, _slot: number, hooks: RunHooks = {}): Promise<RunRecord> {
    if (job.kernels) pinKernelVariant(job.kernels);
    hooks.onStart?.('this thread');
    try {
      return runTraining(job.config, { onEpoch: hooks.onEpoch });
    } catch (e) {
      throw e instanceof NonFiniteLossError ? new RunFailedError(e.failure) : e;
    }
  }
  async close(): Promise<void> {}
}

/** Messages between the pool and dist/src/studies/worker.js. */
export type ToWorker = { type: 'run'; job: RunJob };
export type FromWorker =
  | { type: 'epoch'; metrics: EpochMetrics }
  | { type: 'done'; record: RunRecord }
  | { type: 'error'; message: string; failure?: RunFailure };

/** What a pool thread is started with: the kernel build it pins before its first run. */
export interface PoolWorkerData {
  kernels: KernelVariant | null;
}

/** The compiled worker script. Under vitest this module runs from src/, so it points at the build in dist/. */
export function workerScript(): URL {
  const here = import.meta.url;
  const url = here.endsWith('.ts') ? new URL('../../dist/src/studies/worker.js', here) : new URL('./worker.js', here);
  if (!existsSync(fileURLToPath(url))) throw new Error(`worker script ${fileURLToPath(url)} is missing: build with \`npx tsc -p tsconfig.json\``);
  return url;
}

interface Pending {
  resolve: (r: RunRecord) => void;
  reject: (e: Error) => void;
  hooks: RunHooks;
}

/**
 * One worker thread per slot; each trains one run at a time. A thread keeps the kernel build it started with, so a
 * job asking for another one gets a fresh thread.
 */
export class WorkerPoolExecutor implements Executor {
  private readonly workers: ({ thread: Worker; kernels: KernelVariant | null } | null)[];
  private readonly pending: (Pending | null)[];
  private closed = false;

  constructor(readonly slots: number) {
    if (!Number.isInteger(slots) || slots < 1) throw new Error(`workers must be a positive integer, got ${slots}`);
    this.workers = new Array<{ thread: Worker; kernels: KernelVariant | null } | null>(slots).fill(null);
    this.pending = new Array<Pending | null>(slots).fill(null);
  }

  private worker(slot: number, kernels: KernelVariant | null): Worker {
    const existing = this.workers[slot];
    if (existing && existing.kernels === kernels) return existing.thread;
    if (existing) {
      // Replaced, not failed: its exit must not reject the run about to be posted to the new thread.
      existing.thread.removeAllListeners();
      void existing.thread.terminate();
    }
    const w = new Worker(workerScript(), { workerData: { kernels } satisfies PoolWorkerData });
    w.on('message', (m: FromWorker) => {
      const p = this.pending[slot];
      if (!p) return;
      if (m.type === 'epoch') p.hooks.onEpoch?.(m.metrics);
      else {
        this.pending[slot] = null;
        if (m.type === 'done') p.resolve(m.record);
        else p.reject(m.failure ? new RunFailedError(m.failure) : new Error(m.message));
      }
    });
    const fail = (err: Error): void => {
      if (this.workers[slot]?.thread === w) this.workers[slot] = null;
      const p = this.pending[slot];
      this.pending[slot] = null;
      p?.reject(this.closed ? new RunAbandonedError('run abandoned') : err);
    };
    w.on('error', fail);
    w.on('exit', (code) => fail(new Error(`worker ${slot} exited with code ${code}`)));
    this.workers[slot] = { thread: w, kernels };
    return w;
  }

  run(job: RunJob, slot: number, hooks: RunHooks = {}): Promise<RunRecord> {
    if (this.closed) return Promise.reject(new RunAbandonedError('executor closed'));
    if (this.pending[slot]) return Promise.reject(new Error(`worker ${slot} is busy`));
    return new Promise((resolve, reject) => {
      this.pending[slot] = { resolve, reject, hooks };
      const msg: ToWorker = { type: 'run', job };
      this.worker(slot, job.kernels ?? null).postMessage(msg);
      hooks.onStart?.(`thread ${slot}`);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.workers.map((w) => w?.thread.terminate()));
  }
}
