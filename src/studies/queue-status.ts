/**
 * What the queue holds, for `pairnet queue`: jobs waiting / active / done / failed per study and per worker, and
 * the workers connected now. Jobs are read in pages, so a long history costs time, not memory.
 */
import { Queue, type Job } from 'bullmq';
import { QUEUE_NAME, queueConnection, type QueueJobData } from './queue-connection.js';

const STATES = ['waiting', 'active', 'completed', 'failed', 'delayed'] as const;
type State = (typeof STATES)[number];
export type Counts = Record<State, number>;

export interface QueueStatus {
  totals: Counts;
  byStudy: Record<string, Counts>;
  /** Active and finished jobs per worker (host:pid). */
  byWorker: Record<string, Counts>;
  /** Workers connected now. */
  workers: string[];
}

const zero = (): Counts => ({ waiting: 0, active: 0, completed: 0, failed: 0, delayed: 0 });
const PAGE = 500;

export async function queueStatus(url: string): Promise<QueueStatus> {
  const queue = new Queue<QueueJobData>(QUEUE_NAME, { connection: queueConnection(url) });
  queue.on('error', () => {});
  try {
    const status: QueueStatus = { totals: zero(), byStudy: {}, byWorker: {}, workers: [] };
    for (const state of STATES) {
      for (let start = 0; ; start += PAGE) {
        const jobs = (await queue.getJobs([state], start, start + PAGE - 1, true)) as (Job<QueueJobData> | undefined)[];
        for (const job of jobs) {
          if (!job) continue;
          status.totals[state]++;
          (status.byStudy[job.data.study] ??= zero())[state]++;
          if (job.processedBy && state !== 'waiting' && state !== 'delayed') (status.byWorker[job.processedBy] ??= zero())[state]++;
        }
        if (jobs.length < PAGE) break;
      }
    }
    // A worker holds several connections, each named "<queue's client name>:w:<worker name>".
    const names = (await queue.getWorkers()).map((w) => String((w as Record<string, unknown>).rawname ?? '').split(':w:')[1] ?? '?');
    status.workers = [...new Set(names)].sort();
    return status;
  } finally {
    await queue.close();
  }
}

export function formatQueueStatus(s: QueueStatus): string {
  const row = (name: string, c: Counts): string =>
    `${name.padEnd(32)}${STATES.map((st) => String(c[st]).padStart(11)).join('')}`;
  const head = `${''.padEnd(32)}${STATES.map((st) => st.padStart(11)).join('')}`;
  const lines = [head, row('all jobs', s.totals), '', 'per study (the study that first queued the run)'];
  for (const [k, c] of Object.entries(s.byStudy).sort()) lines.push(row(k, c));
  lines.push('', 'per worker (active and finished jobs)');
  for (const [k, c] of Object.entries(s.byWorker).sort()) lines.push(row(k, c));
  lines.push('', `workers connected: ${s.workers.length}${s.workers.length ? ` (${s.workers.join(', ')})` : ''}`);
  return lines.join('\n');
}

/** Removes the waiting and delayed jobs (not the active ones nor finished ones, which are the run cache). */
export async function drainQueue(url: string): Promise<void> {
  const queue = new Queue(QUEUE_NAME, { connection: queueConnection(url) });
  queue.on('error', () => {});
  try {
    await queue.drain(true);
  } finally {
    await queue.close();
  }
}

/**
 * Removes the finished jobs (completed and failed) that finished more than `olderThanMs` ago: Redis keeps them as the
 * run cache until told otherwise. Returns how many of each went; a study asking for a removed run trains it again
 * (or takes it from a local cache).
 */
export async function cleanQueue(url: string, olderThanMs: number): Promise<{ completed: number; failed: number }> {
  const queue = new Queue(QUEUE_NAME, { connection: queueConnection(url) });
  queue.on('error', () => {});
  try {
    const removed = { completed: 0, failed: 0 };
    for (const state of ['completed', 'failed'] as const) {
      for (;;) {
        const ids = await queue.clean(olderThanMs, PAGE, state);
        removed[state] += ids.length;
        if (ids.length < PAGE) break;
      }
    }
    return removed;
  } finally {
    await queue.close();
  }
}

/** "30d", "12h", "15m", "90s" or "0" as milliseconds; null when it is none of these. */
export function parseAge(text: string): number | null {
  const m = /^(\d+)(d|h|m|s)?$/.exec(text.trim());
  if (!m || (m[2] === undefined && m[1] !== '0')) return null;
  const units: Record<string, number> = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000 };
  return Number(m[1]) * units[m[2] ?? 's'];
}
