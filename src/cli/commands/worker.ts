import type { Command } from 'commander';
import { availableParallelism } from 'node:os';
import { QUEUE_NAME, redactUrl } from '../../studies/queue-connection.js';
import { backend, BACKEND_HELP, positiveInt, useBackend } from '../options.js';
import type { BackendChoice } from '../../engine/kernels/default.js';

export function register(program: Command): void {
  program
    .command('worker')
    .description("train the runs that `pairnet study --queue` sends, until stopped (Ctrl-C: finish the runs in training; twice: stop now)")
    .requiredOption('--queue <url>', 'the Redis of the queue: redis://[:PASSWORD@]HOST:PORT, rediss:// for TLS')
    .option('--concurrency <n>', 'runs trained at once, one worker thread each (default: one per core)', positiveInt('--concurrency'))
    .option('--lock-ms <ms>', 'a run whose worker is silent this long goes to another worker', positiveInt('--lock-ms'), 30_000)
    .option('--backend <choice>', `${BACKEND_HELP}; takes only the runs of a study sent with the same backend`, backend)
    .addHelpText('after', `
Examples:
  pairnet worker --queue redis://:SECRET@HOST:6379
  pairnet worker --queue rediss://:SECRET@HOST:6380 --concurrency 2
  pairnet worker --queue redis://HOST:6379 --backend native`)
    .action(async (opts: { queue: string; concurrency?: number; lockMs: number; backend?: BackendChoice }) => {
      // Before any kernel runs; the worker threads read it too.
      useBackend(opts.backend);
      const log = (line: string): void => console.error(`pairnet worker: ${new Date().toISOString().slice(11, 19)} ${line}`);
      const concurrency = opts.concurrency ?? availableParallelism();
      const { QueueWorker } = await import('../../studies/queue-worker.js'); // BullMQ: only when a worker starts
      const worker = new QueueWorker({ url: opts.queue, concurrency, lockMs: opts.lockMs, log });
      let stops = 0;
      const stop = (): void => {
        stops++;
        if (stops > 1) {
          // Now, even with Redis out of reach: the runs in training go back to the queue when their locks expire.
          log('stopped now');
          process.exit(130);
        }
        log('stopping after the runs in training finish (Ctrl-C again to stop now; they go back to the queue)');
        void worker.close().then(() => {
          log('stopped');
          process.exit(0);
        });
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
      await worker.ready();
      log(`${worker.name}: ${concurrency} slot${concurrency === 1 ? '' : 's'} on ${redactUrl(opts.queue)} (queue ${QUEUE_NAME})`);
    });
}
