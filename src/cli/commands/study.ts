import type { Command } from 'commander';
import { mkdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { printTables, reportFromStore } from '../../reports/study-report.js';
import { TensorBoardRuns } from '../../reports/tensorboard-runs.js';
import { WorkerPoolExecutor } from '../../studies/executor.js';
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

function positiveInt(name: string): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer, got "${v}"`);
    return n;
  };
}

export function register(program: Command): void {
  program
    .command('study')
    .description('run a study (resumes an interrupted one), print its table and write report.md/report.html')
    .argument('<config>', 'study config JSON, e.g. studies/quick.json')
    .option('--workers <n>', 'worker threads (default: one per core)', positiveInt('--workers'))
    .option('--out <dir>', 'output directory (default: out/<study name>)')
    .option('--variant <name>', 'run only this variant (repeatable); the report covers all stored runs', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--json', 'print the statistics as JSON instead of tables')
    .option('--tensorboard <dir>', 'also write TensorBoard event files, live, under DIR/<study name>/<run key>')
    .action(async (configFile: string, opts: { workers?: number; out?: string; json?: boolean; variant: string[]; tensorboard?: string }) => {
      const defaults = studyDefaults();
      const study = loadStudyConfig(configFile, defaults);
      const warn = (m: string): void => console.error(`pairnet: ${m}`);
      const workers = workerCount(opts.workers, availableParallelism(), warn);
      checkPairsFit(study, defaults, configFile, cachedLoadMnist);
      const dir = opts.out ?? join('out', study.name);
      mkdirSync(dir, { recursive: true });
      const unlock = lockStudyDir(dir, warn);
      process.once('exit', unlock);
      const executor = new WorkerPoolExecutor(workers);
      const stop = new AbortController();
      let signals = 0;
      const onSignal = (signal: NodeJS.Signals): void => {
        signals++;
        if (signals > 1) {
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
        outcome = await runStudy(study, { executor, store, defaults, signal: stop.signal, progress: new StudyProgress(), onlyVariants, watchers });
      } finally {
        await executor.close();
      }
      const report = await reportFromStore(dir, study, defaults, store);
      if (opts.json) console.log(JSON.stringify(report.stats, null, 2));
      else console.log(`\n${printTables(report.tables)}\n`);
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      console.error(`pairnet: ${outcome.ranNow} runs trained in ${seconds} s, ${outcome.skipped} found stored; report: ${join(dir, 'report.html')} and report.md`);
      if (!outcome.finished) {
        console.error(`pairnet: study incomplete (${report.stats.runsDone} of ${report.stats.runsPlanned} runs stored): run the same command again to resume`);
        process.exitCode = 130;
      }
      for (const s of STOP_SIGNALS) process.off(s, onSignal);
    });
}
