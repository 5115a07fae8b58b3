/**
 * How pairnet reaches its BullMQ queue: one queue name, a Redis URL (redis:// or rediss:// for TLS, with an optional
 * user:password), and connections that wait out a Redis restart instead of failing (BullMQ's workers need
 * maxRetriesPerRequest null). The password never appears in anything pairnet prints: use redactUrl.
 */
import type { ConnectionOptions } from 'bullmq';
import type { KernelVariant } from '../engine/kernels/index.js';
import type { RunConfig } from '../training/config.js';
import type { EpochMetrics } from '../training/record.js';

export const QUEUE_NAME = 'pairnet-runs';

/** A job's data: the run and the engine build the study expects it to be trained by. */
export interface QueueJobData {
  key: string;
  study: string;
  config: RunConfig;
  kernels: KernelVariant;
  engine: string;
}

/** What a worker reports through job.updateProgress: where the run trains, and each epoch. */
export type QueueProgress = { type: 'start'; where: string } | { type: 'epoch'; where: string; metrics: EpochMetrics };

/**
 * How a worker fails a job whose run failed for good (its loss stopped being finite): not retried, and the study
 * stores it as a failed run, as a local study does. The reason is this prefix and the RunFailure as JSON.
 */
export const RUN_FAILED = 'pairnet run failed: ';

/** The URL with its password replaced by ***. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparsable URL)';
  }
}

/** Connection options for a Redis URL; throws a short error naming the (redacted) URL if it is not one. */
export function queueConnection(url: string): ConnectionOptions {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error(`--queue: not a URL: ${redactUrl(url)} (expected redis://HOST:PORT or rediss://...)`);
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') throw new Error(`--queue: expected a redis:// or rediss:// URL, got ${redactUrl(url)}`);
  // Reconnect forever, at most 1 s apart: a study or worker outlives a Redis restart.
  return { url, maxRetriesPerRequest: null, retryStrategy: (times: number) => Math.min(100 * times, 1000) };
}
