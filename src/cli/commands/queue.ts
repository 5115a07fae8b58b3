import type { Command } from 'commander';
import { printJson } from '../options.js';
import { drainQueue, formatQueueStatus, queueStatus } from '../../studies/queue-status.js';
import { redactUrl } from '../../studies/queue-connection.js';

export function register(program: Command): void {
  program
    .command('queue')
    .description('show the run queue: jobs waiting / active / done / failed per study and per worker')
    .requiredOption('--queue <url>', 'the Redis of the queue: redis://[:PASSWORD@]HOST:PORT, rediss:// for TLS')
    .option('--drain', 'remove the jobs waiting to start (runs in training finish; finished runs stay as the cache)')
    .option('--json', 'print the counts as JSON')
    .action(async (opts: { queue: string; drain?: boolean; json?: boolean }) => {
      if (opts.drain) {
        await drainQueue(opts.queue);
        console.error(`pairnet: removed the waiting jobs from ${redactUrl(opts.queue)}`);
      }
      const status = await queueStatus(opts.queue);
      if (opts.json) printJson(status);
      else console.log(formatQueueStatus(status));
    });
}
