import { InvalidArgumentError, type Command } from 'commander';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeStoredRun } from '../../reports/tensorboard-runs.js';
import { epochRows, runRow, toCsv, toJsonl, type Row } from '../../reports/tidy.js';
import { readStudyDir, type StudyDir } from '../../studies/study-dir.js';
import { writeFileAtomic } from '../../io/atomic-write.js';

export interface ExportOptions {
  format: 'csv' | 'jsonl';
  epochs: boolean;
}

/** The export's text for these study directories. */
export function exportText(studies: readonly StudyDir[], opts: ExportOptions): string {
  const rows: Row[] = studies.flatMap((s) => s.runs.flatMap((r) => (opts.epochs ? epochRows(r) : [runRow(r)])));
  return opts.format === 'csv' ? toCsv(rows) : toJsonl(rows);
}

/** The study's runs as TensorBoard files in DIR/<study name>, written beside it and renamed into place whole. */
export function exportTensorBoard(study: StudyDir, logDir: string): void {
  const target = join(logDir, study.name);
  if (existsSync(target)) throw new Error(`export: ${target} exists: remove it or choose another --tensorboard folder`);
  const tmp = `${target}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  for (const r of study.runs) writeStoredRun(tmp, r.stored.key, r.stored.record);
  renameSync(tmp, target);
}

function format(v: string): 'csv' | 'jsonl' {
  if (v !== 'csv' && v !== 'jsonl') throw new InvalidArgumentError(`export: --format must be csv or jsonl, got "${v}"`);
  return v;
}

export function register(program: Command): void {
  program
    .command('export')
    .description('one tidy table of the stored runs of study directories (CSV or JSON lines), for pandas and friends')
    .argument('<dirs...>', 'study output directories (each holds results.jsonl), e.g. results/*')
    .option('--format <f>', 'csv or jsonl', format, 'csv' as const)
    .option('--epochs', 'one row per run and epoch (the long per-epoch table) instead of one per run')
    .option('--out <file>', 'write to this file (atomically) instead of stdout')
    .option('--tensorboard <dir>', "also write each run's TensorBoard event file under DIR/<study name>/<run key>")
    .addHelpText('after', `
Examples:
  pairnet export results/* > runs.csv
  pairnet export results/000-weight-sharing-aux-losses --epochs --format jsonl --out epochs.jsonl
  pairnet export results/* --tensorboard tb/`)
    .action((dirs: string[], opts: { format: 'csv' | 'jsonl'; epochs?: boolean; out?: string; tensorboard?: string }) => {
      const studies = dirs.map(readStudyDir);
      for (const s of studies) for (const p of s.problems) console.error(`pairnet: ${p}`);
      if (opts.tensorboard !== undefined) {
        for (const s of studies) exportTensorBoard(s, opts.tensorboard);
        console.error(`pairnet: TensorBoard event files of ${studies.length} studies under ${opts.tensorboard} (tensorboard --logdir ${opts.tensorboard})`);
      }
      const text = exportText(studies, { format: opts.format, epochs: opts.epochs === true });
      if (opts.out === undefined) process.stdout.write(text);
      else {
        writeFileAtomic(opts.out, text);
        const runs = studies.reduce((n, s) => n + s.runs.length, 0);
        console.error(`pairnet: ${runs} runs of ${studies.length} studies written to ${opts.out}`);
      }
    });
}
