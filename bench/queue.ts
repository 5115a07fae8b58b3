/**
 * Queue section of `npm run bench -- --only=queue`: a fixed set of short runs (fcnet, 1000 pairs, 4 epochs) trained
 * on the local pool with 1 thread, through the queue with 1 and then 2 `pairnet worker` processes (one slot each), and
 * on the local pool with 2 threads, in one invocation against a redis-server of its own. Figures: the 2-worker
 * scaling (target >= 1.8x), the queue's overhead per run over the 1-thread pool (target < 50 ms), and the Redis
 * commands and bytes per run that the README's estimate for 10 and 100 workers rests on. The overhead compares
 * each set-up's time per run outside the training loops (wall time less the records' trainingSeconds, over the
 * runs): on a loaded machine a worker process and a thread of this process do not train at the same speed, so
 * comparing wall times alone would mix that difference in.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { validateStudyConfig, type StudyConfig } from '../src/studies/config.js';
import { WorkerPoolExecutor, type Executor } from '../src/studies/executor.js';
import { QueueExecutor } from '../src/studies/queue-executor.js';
import { ResultsStore } from '../src/studies/results-store.js';
import { studyDefaults } from '../src/studies/run-defaults.js';
import { runStudy } from '../src/studies/runner.js';
import { CliProcess } from './cli-process.js';
import { redisInstalled, RedisServer } from './redis-server.js';

const ROUNDS = 8;
/** Each set-up is timed this many times, interleaved, and its best time kept: the machine is shared. */
const REPEATS = 2;

export interface QueueFigures {
  runs: number;
  loadAverage: number;
  seconds: { pool1: number; queue1: number; queue2: number; pool2: number };
  /** Per run, ms of wall time outside the training loops, 1 thread / 1 worker process. */
  outsideTrainingMsPerRun: { pool1: number; queue1: number };
  /** queue1 / queue2 (target >= 1.8). */
  scaling: number;
  /** outsideTrainingMsPerRun.queue1 - .pool1 (target < 50). */
  overheadMsPerRun: number;
  /** Redis commands processed per run with one worker, and the size of a stored job's record. */
  redisCommandsPerRun: number;
  recordBytes: number;
}

/** The timed runs, or (warm-up) one 1-epoch run per slot that starts every thread (data, kernels) before timing. */
function benchStudy(warmUpSlots = 0): StudyConfig {
  return validateStudyConfig(
    {
      name: 'queue-bench',
      description: 'short runs for the queue bench',
      seed: warmUpSlots > 0 ? 8 : 7,
      rounds: warmUpSlots > 0 ? warmUpSlots : ROUNDS,
      epochs: warmUpSlots > 0 ? 1 : 4,
      base: { data: { trainPairs: 1000, testPairs: 200 }, batchSize: 50 },
      variants: [{ name: 'FC', model: 'fcnet' }, ...(warmUpSlots > 0 ? [] : [{ name: 'FC + AL', model: 'fcnet', overrides: { loss: { main: 0.5, aux: 0.25 } } }])],
      protocol: { kind: 'multi-round' },
    },
    'queue-bench',
  );
}

interface Timing {
  seconds: number;
  /** Sum of the runs' trainingSeconds. */
  training: number;
}

async function runBenchStudy(study: StudyConfig, executor: Executor, dir: string): Promise<Timing> {
  const t0 = performance.now();
  const store = ResultsStore.open(dir);
  const outcome = await runStudy(study, { executor, store, defaults: studyDefaults() });
  if (!outcome.finished) throw new Error('queue bench: study did not finish');
  return { seconds: (performance.now() - t0) / 1000, training: store.all().reduce((a, r) => a + r.record.trainingSeconds, 0) };
}

/** The timed runs on warm threads (`slots` of them, in this process or in worker processes). */
async function timeStudy(executor: Executor, slots: number, dir: string): Promise<Timing> {
  try {
    await runBenchStudy(benchStudy(slots), executor, join(dir, 'warm-up'));
    return await runBenchStudy(benchStudy(), executor, dir);
  } finally {
    await executor.close();
  }
}

async function commandsProcessed(redis: Redis): Promise<number> {
  return Number(/total_commands_processed:(\d+)/.exec(await redis.info('stats'))![1]);
}

async function throughQueue(server: RedisServer, workers: number, dir: string): Promise<Timing & { commands: number; recordBytes: number }> {
  const procs = await Promise.all(Array.from({ length: workers }, () => CliProcess.worker(server.url, 30_000)));
  const redis = new Redis(server.url);
  try {
    await redis.flushall();
    await redis.config('RESETSTAT');
    const executor = await QueueExecutor.open({ url: server.url, study: 'queue-bench', reuse: false });
    const timing = await timeStudy(executor, workers, dir);
    const commands = await commandsProcessed(redis);
    // Job ids are hex run ids; the glob alone would also match BullMQ's own keys such as 'events'.
    const ids = (await redis.keys('bull:pairnet-runs:*')).filter((k) => /^bull:pairnet-runs:[0-9a-f]+$/.test(k));
    const recordBytes = (await redis.hget(ids[0], 'returnvalue'))?.length ?? 0;
    return { ...timing, commands, recordBytes };
  } finally {
    redis.disconnect();
    await Promise.all(procs.map((p) => p.kill('SIGTERM')));
  }
}

export async function benchQueue(): Promise<QueueFigures | { skipped: string }> {
  if (!redisInstalled) return { skipped: 'redis-server is not installed (apt-get install -y redis-server)' };
  const dir = mkdtempSync(join(tmpdir(), 'pairnet-queue-bench-'));
  const server = await RedisServer.start();
  const loadAverage = loadavg()[0];
  try {
    const runs = ROUNDS * 2;
    const none: Timing = { seconds: Infinity, training: 0 };
    let [p1, q1, q2, p2] = [none, { ...none, commands: 0, recordBytes: 0 }, none, none];
    const faster = <T extends Timing>(a: T, b: T): T => (b.seconds < a.seconds ? b : a);
    for (let i = 0; i < REPEATS; i++) {
      p1 = faster(p1, await timeStudy(new WorkerPoolExecutor(1), 1, join(dir, `pool1-${i}`)));
      q1 = faster(q1, await throughQueue(server, 1, join(dir, `queue1-${i}`)));
      q2 = faster(q2, await throughQueue(server, 2, join(dir, `queue2-${i}`)));
      p2 = faster(p2, await timeStudy(new WorkerPoolExecutor(2), 2, join(dir, `pool2-${i}`)));
    }
    const outside = (t: Timing): number => ((t.seconds - t.training) * 1000) / runs;
    return {
      runs,
      loadAverage,
      seconds: { pool1: p1.seconds, queue1: q1.seconds, queue2: q2.seconds, pool2: p2.seconds },
      outsideTrainingMsPerRun: { pool1: outside(p1), queue1: outside(q1) },
      scaling: q1.seconds / q2.seconds,
      overheadMsPerRun: outside(q1) - outside(p1),
      redisCommandsPerRun: q1.commands / (runs + 1),
      recordBytes: q1.recordBytes,
    };
  } finally {
    await server.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}

export function formatQueueTable(f: QueueFigures | { skipped: string }): string {
  if ('skipped' in f) return `skipped: ${f.skipped}`;
  const s = f.seconds;
  return [
    `${f.runs} runs (fcnet, 1000 pairs, 4 epochs), best of ${REPEATS} interleaved, warm threads; load average ${f.loadAverage.toFixed(1)} before`,
    `local pool, 1 thread      ${s.pool1.toFixed(2)} s`,
    `queue, 1 worker process   ${s.queue1.toFixed(2)} s`,
    `queue, 2 worker processes ${s.queue2.toFixed(2)} s   scaling 1 -> 2 workers: ${f.scaling.toFixed(2)}x (target >= 1.8)`,
    `local pool, 2 threads     ${s.pool2.toFixed(2)} s   (pool scaling ${(s.pool1 / s.pool2).toFixed(2)}x, for reference)`,
    `per run outside the training loops: pool ${f.outsideTrainingMsPerRun.pool1.toFixed(1)} ms, queue ${f.outsideTrainingMsPerRun.queue1.toFixed(1)} ms;` +
      ` queue overhead ${f.overheadMsPerRun.toFixed(1)} ms per run (target < 50)`,
    `Redis commands per run (1 worker): ${f.redisCommandsPerRun.toFixed(0)}; stored record: ${(f.recordBytes / 1024).toFixed(1)} KB`,
  ].join('\n');
}
