import { InvalidArgumentError, type Command } from 'commander';
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { WEB_DIST, startServer } from '../../server/http-server.js';

function parsePort(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError(`serve: --port must be an integer 0..65535, got "${value}"`);
  return n;
}

export function register(program: Command): void {
  program
    .command('serve')
    .description('serve the web page (draw two digits, compare them; study reports; a live dashboard of studies) on localhost')
    .option('--port <P>', 'port to listen on', parsePort, 8080)
    .option('--reports <DIR>', 'study output folder whose reports the page lists (default: out/, listed once it exists)')
    .option('--results <DIR>', 'a further folder of studies for the dashboard (repeatable; default: results)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--host <addr>', 'address to bind (default 127.0.0.1: this machine only; 0.0.0.0 shows the page and results to the network)', '127.0.0.1')
    .addHelpText('after', `
Examples:
  pairnet serve
  pairnet serve --port 9000 --reports out --results results`)
    .action(async (opts: { port: number; reports?: string; results: string[]; host: string }) => {
      const isDir = (d: string): boolean => existsSync(d) && statSync(d).isDirectory();
      // A folder named on the command line must exist; the default out/ may appear later (the list is read per request).
      if (opts.reports !== undefined && !isDir(opts.reports)) {
        throw new Error(`serve: --reports ${opts.reports}: ${existsSync(opts.reports) ? 'not a directory' : 'no such directory'}`);
      }
      const reportsDir = opts.reports ?? 'out';
      const studyRoots = [...(isDir(reportsDir) ? [reportsDir] : []), ...(opts.results.length > 0 ? opts.results : ['results']).filter(isDir)];
      const server = await startServer({ root: WEB_DIST, reportsDir, studyRoots, port: opts.port, host: opts.host });
      console.log(`pairnet: serving the page at ${server.url}  (Ctrl-C to stop)`);
      console.log(`pairnet: study reports from ${resolve(reportsDir)} under ${server.url}reports/${isDir(reportsDir) ? '' : ' (once it exists)'}`);
      console.log(`pairnet: dashboard of the studies in ${studyRoots.map((d) => resolve(d)).join(', ') || '(no folder)'} at ${server.url}#dashboard`);
    });
}
