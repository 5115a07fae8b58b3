import type { Command } from 'commander';
import { printJson, UsageError } from '../options.js';
import { redactUrl } from '../../studies/queue-connection.js';
import { quote } from '../../io/limits.js';

export function register(program: Command): void {
  program
    .command('queue')
    .description('show the run queue: jobs waiting / active / done / failed per study and per worker')
    .requiredOption('--queue <url>', 'the Redis of the queue: redis://[:PASSWORD@]HOST:PORT, rediss:// for TLS')
    .option('--drain', 'remove the jobs waiting to start (runs in training finish; finished runs stay as the cache)')
    .option('--clean <age>', 'remove finished runs (the cache Redis keeps) that finished more than AGE ago: 30d, 12h, 15m, 90s or 0 (all)')
    .option('--json', 'print the counts as JSON')
    .addHelpText('after', `
Examples:
  pairnet queue --queue redis://:SECRET@HOST:6379
  pairnet queue --queue redis://HOST:6379 --drain
  pairnet queue --queue redis://HOST:6379 --clean 30d --json`)
    .action(async (opts: { queue: string; drain?: boolean; clean?: string; json?: boolean }) => {
      // BullMQ loads only when this command runs.
      const { cleanQueue, drainQueue, formatQueueStatus, parseAge, queueStatus } = await import('../../studies/queue-status.js');
      if (opts.clean !== undefined) {
        const age = parseAge(opts.clean);
        if (age === null) throw new UsageError(`--clean: expected an age such as 30d, 12h, 15m, 90s or 0, got "${quote(opts.clean)}"`);
        const removed = await cleanQueue(opts.queue, age);
        console.error(`pairnet: removed ${removed.completed} completed and ${removed.failed} failed runs finished more than ${opts.clean} ago from ${redactUrl(opts.queue)}`);
      }
      if (opts.drain) {
        await drainQueue(opts.queue);
        console.error(`pairnet: removed the waiting jobs from ${redactUrl(opts.queue)}`);
      }
      const status = await queueStatus(opts.queue);
      if (opts.json) printJson(status);
      else console.log(formatQueueStatus(status));
    });
}
