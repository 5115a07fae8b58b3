import type { Command } from 'commander';
import { mkdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { printTables, reportFromStore } from '../../reports/study-report.js';
import { TensorBoardRuns } from '../../reports/tensorboard-runs.js';
import type { BackendChoice, KernelVariant } from '../../engine/kernels/index.js';
import { WorkerPoolExecutor } from '../../studies/executor.js';
import { redactUrl } from '../../studies/queue-connection.js';
import type { QueueExecutor } from '../../studies/queue-executor.js';
import { CachingExecutor, defaultCacheDir, RunCache, runId } from '../../studies/run-cache.js';
import { backend, BACKEND_HELP, kernelVariant, parseNumber, positiveInt, printJson, useBackend } from '../options.js';
import { parseSet, type Setting } from '../settings.js';
import { kernelVariant as runtimeKernels } from '../../engine/kernels/index.js';
import { LIMITS, limitText } from '../../io/limits.js';
import type { StudyConfig } from '../../studies/config.js';
import { dryRun, formatDryRun, recordsUnder } from '../../studies/dry-run.js';
import type { RunSpec } from '../../studies/plan.js';
import type { RunConfig } from '../../training/config.js';
import { StudyProgress } from '../../studies/progress.js';
import { ResultsStore } from '../../studies/results-store.js';
import { runStudy } from '../../studies/runner.js';
import { loadStudyConfig, saveStudyCopy } from '../../studies/study-file.js';
import { lockStudyDir } from '../../studies/study-lock.js';
import { checkPairsFit, studyDefaults } from '../../studies/run-defaults.js';
import { cachedLoadMnist } from '../../training/run.js';

/** Signals that stop a study as Ctrl-C does: a terminal closing (SIGHUP) or a process manager (SIGTERM). */
const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** More threads than cores only slow each run down (and a study's runs are CPU-bound), so --workers is capped. */
export function workerCount(requested: number | undefined, cores: number, warn: (m: string) => void): number {
  if (requested === undefined) return cores;
  if (requested <= cores) return requested;
  warn(`--workers ${requested} is more than the ${cores} cores: using ${cores} (more threads than cores only slow each run down)`);
  return cores;
}

interface StudyOptions {
  set: string[];
  dryRun?: boolean;
  quiet?: boolean;
  workers?: number;
  out?: string;
  json?: boolean;
  variant: string[];
  tensorboard?: string;
  queue?: string;
  cache: boolean;
  cacheDir?: string;
  kernels?: KernelVariant;
  backend?: BackendChoice;
}

/** The local worker-thread pool, or the queue (--queue); either behind the local run cache. */
async function openExecutor(opts: StudyOptions, study: string, warn: (m: string) => void): Promise<{ executor: CachingExecutor; queue: QueueExecutor | null }> {
  const cache = new RunCache(opts.cacheDir ?? defaultCacheDir());
  if (opts.queue === undefined) return { executor: new CachingExecutor(new WorkerPoolExecutor(workerCount(opts.workers, availableParallelism(), warn)), cache, opts.cache), queue: null };
  if (opts.workers !== undefined) throw new Error('--workers applies to local runs; with --queue start `pairnet worker --concurrency N` processes instead');
  const shown = redactUrl(opts.queue);
  warn(`sending runs to the queue at ${shown}; train them with \`pairnet worker --queue ${shown}\``);
  // BullMQ loads only for a queued study (importing it takes a good part of a second).
  const { QueueExecutor } = await import('../../studies/queue-executor.js');
  const queue = await QueueExecutor.open({ url: opts.queue, study, reuse: opts.cache, warn });
  return { executor: new CachingExecutor(queue, cache, opts.cache), queue };
}

/** A study's --set: rounds and seed are the study's own integers; any other field is typed by the RunConfig schema. */
function studySetting(text: string): Setting {
  const eq = text.indexOf('=');
  const path = eq > 0 ? text.slice(0, eq).trim() : '';
  if (path === 'rounds') return { path, value: parseNumber('--set rounds', text.slice(eq + 1), (n) => Number.isInteger(n) && n >= 1 && n <= LIMITS.rounds.max, limitText('rounds').replace('at most', 'an integer from 1 to')) };
  if (path === 'seed') return { path, value: parseNumber('--set seed', text.slice(eq + 1), (n) => Number.isInteger(n) && n >= 0, 'a non-negative integer') };
  return parseSet(text);
}

/** --dry-run: the plan against what is stored (read-only) and cached, with the time the rest should take. */
function printDryRun(study: StudyConfig, defaults: RunConfig, dir: string, opts: StudyOptions, warn: (m: string) => void): void {
  const store = ResultsStore.open(dir, { readOnly: true });
  const cache = new RunCache(opts.cacheDir ?? defaultCacheDir());
  const kernels = opts.kernels ?? runtimeKernels();
  const cached = (spec: RunSpec): boolean => opts.cache && cache.get(runId(spec.config, kernels), spec.config) !== undefined;
  // Timings: this study's stored runs, then those of the studies stored in results/ (this checkout's reports).
  const timings = [...store.all().map((r) => r.record), ...recordsUnder('results')];
  const d = dryRun(study, defaults, store, cached, timings, workerCount(opts.workers, availableParallelism(), warn));
  const rows = opts.variant.length > 0 ? d.rows.filter((r) => opts.variant.includes(r.variant)) : d.rows;
  if (opts.json) printJson({ ...d, rows });
  else console.log(`dry run of ${study.name} (out: ${dir}), nothing trained:\n${formatDryRun({ ...d, rows })}`);
}

export function register(program: Command): void {
  program
    .command('study')
    .description('run a study (resumes an interrupted one), print its table and write report.md/report.html')
    .argument('<config>', 'study config JSON, e.g. studies/quick.json')
    .option('--set <field=value>', 'set a field for every run, as if written in the file\'s "base" (repeatable; rounds, seed and epochs set the study\'s own), e.g. --set optimizer.lr=0.01 --set rounds=2', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--dry-run', 'train nothing: list the planned runs per variant, the ones stored or in the run cache, and the estimated time from stored timings')
    .option('--quiet', 'no progress on stderr (errors and the final summary only)')
    .option('--workers <n>', 'worker threads (default: one per core)', positiveInt('--workers'))
    .option('--out <dir>', 'output directory (default: out/<study name>)')
    .option('--variant <name>', 'run only this variant (repeatable); the report covers all stored runs', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--json', 'print the statistics as JSON instead of tables')
    .option('--tensorboard <dir>', 'also write TensorBoard event files, live, under DIR/<study name>/<run key>')
    .option('--queue <url>', 'send the runs to `pairnet worker` processes through Redis (redis://[:PASSWORD@]HOST:PORT, rediss:// for TLS)')
    .option('--no-cache', 'train every run, even one already trained by any study (its record replaces the cached one)')
    .option('--cache-dir <dir>', 'local run cache (default: $PAIRNET_CACHE or ~/.cache/pairnet/runs)')
    .option('--kernels <variant>', 'train with this kernel build on every worker: simd (same bits on any CPU) or relaxed (the default where supported)', kernelVariant)
    .option('--backend <choice>', `${BACKEND_HELP} (with --queue: the backend the workers must run, \`pairnet worker --backend\`)`, backend)
    .addHelpText('after', `
Examples:
  pairnet study studies/quick.json
  pairnet study studies/quick.json --set rounds=2 --set optimizer.lr=0.002 --dry-run`)
    .action(async (configFile: string, opts: StudyOptions) => {
      useBackend(opts.backend);
      const defaults = studyDefaults();
      const study = loadStudyConfig(configFile, defaults, opts.set.map(studySetting));
      const warn = (m: string): void => console.error(`pairnet: ${m}`);
      checkPairsFit(study, defaults, configFile, cachedLoadMnist);
      const dir = opts.out ?? join('out', study.name);
      if (opts.dryRun) return printDryRun(study, defaults, dir, opts, warn);
      mkdirSync(dir, { recursive: true });
      const unlock = lockStudyDir(dir, warn);
      process.once('exit', unlock);
      const { executor, queue } = await openExecutor(opts, study.name, warn);
      const stop = new AbortController();
      let signals = 0;
      const onSignal = (signal: NodeJS.Signals): void => {
        signals++;
        if (queue) {
          // The runs stay in the queue and the workers finish them: running the command again collects them.
          console.error(`\npairnet: ${signal}: leaving the queued runs to the workers; run the same command again to collect them`);
          void executor.close();
        } else if (signals > 1) {
          console.error(`\npairnet: ${signal}: abandoning the runs in flight`);
          void executor.close();
        } else {
          console.error(`\npairnet: ${signal}: stopping after the runs in flight finish (Ctrl-C again to abandon them)`);
          stop.abort();
        }
      };
      for (const s of STOP_SIGNALS) process.on(s, onSignal);
      const store = ResultsStore.open(dir);
      for (const p of store.problems) console.error(`pairnet: ${p}`);
      if (saveStudyCopy(dir, study)) console.error(`pairnet: ${configFile} differs from the study last run in ${dir}: runs with a new or changed config will be trained, stored runs with the same config are kept`);

      const started = Date.now();
      let outcome;
      try {
        const onlyVariants = opts.variant.length > 0 ? opts.variant : undefined;
        const watchers = opts.tensorboard === undefined ? [] : [new TensorBoardRuns(join(opts.tensorboard, study.name))];
        outcome = await runStudy(study, { executor, store, defaults, signal: stop.signal, progress: opts.quiet ? undefined : new StudyProgress(), onlyVariants, watchers, kernels: opts.kernels });
      } finally {
        await executor.close();
      }
      const report = await reportFromStore(dir, study, defaults, store);
      if (opts.json) printJson(report.stats);
      else console.log(`\n${printTables(report.tables)}\n`);
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      const reused = executor.hits + (queue?.hits ?? 0);
      console.error(`pairnet: ${outcome.ranNow - reused} runs trained in ${seconds} s, ${reused} taken from the run cache, ${outcome.skipped} found stored; report: ${join(dir, 'report.html')} and report.md`);
      if (!outcome.finished) {
        // Exit codes: 130 only after a stop signal; a --variant subset that finished is a success; else 1.
        const subset = opts.variant.length > 0 && signals === 0;
        console.error(`pairnet: study incomplete (${report.stats.runsDone} of ${report.stats.runsPlanned} runs stored): ${subset ? `the runs of --variant ${opts.variant.join(', ')} are done; ` : ''}run the same command again to resume`);
        process.exitCode = signals > 0 ? 130 : subset ? 0 : 1;
      }
      for (const s of STOP_SIGNALS) process.off(s, onSignal);
    });
}
