/**
 * `pairnet study CONFIG --dry-run`: what the study would do, without training: the runs it plans, which of them
 * are stored already (in its output directory) or in the run cache, and how long the rest should take, estimated
 * from stored timings (training seconds per epoch and training pair, per model).
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { RunConfig } from '../training/config.js';
import type { RunRecord } from '../training/record.js';
import type { StudyConfig } from './config.js';
import { currentPlan } from './runner.js';
import { RESULTS_FILE, ResultsStore } from './results-store.js';
import type { RunSpec } from './plan.js';
import { formatDuration } from './progress.js';

export type DryRunStatus = 'stored' | 'failed' | 'cached' | 'train';

export interface DryRunRow {
  key: string;
  variant: string;
  model: string;
  configHash: string;
  status: DryRunStatus;
  /** Estimated training seconds (runs to train only); null without a stored timing of its model. */
  seconds: number | null;
}

export interface DryRun {
  study: string;
  /** Runs the finished study will have. */
  planned: number;
  /** The runs known now: a grid search's later phases wait for the earlier phases' results. */
  rows: DryRunRow[];
  /** Estimated wall time of the runs to train on `workers` slots; null when no stored timing fits any of them. */
  seconds: number | null;
  workers: number;
  /** Stored runs the timings come from. */
  timedRuns: number;
  /** Models of runs to train without a stored timing (their runs are left out of `seconds`). */
  untimedModels: string[];
}

/** Pairs a run trains on (a holdout fold is set aside from the training pairs). */
const trainedPairs = (c: RunConfig): number => (c.data.holdout ? c.data.trainPairs * (1 - 1 / c.data.holdout.folds) : c.data.trainPairs);

/** Per model, the median training seconds per epoch and training pair of stored records. */
export function timingRates(records: Iterable<RunRecord>): { rates: Map<string, number>; runs: number } {
  const per = new Map<string, number[]>();
  let runs = 0;
  for (const r of records) {
    if (!(r.trainingSeconds > 0) || !r.config) continue;
    runs++;
    const list = per.get(r.config.model) ?? [];
    list.push(r.trainingSeconds / (r.config.epochs * trainedPairs(r.config)));
    per.set(r.config.model, list);
  }
  const rates = new Map<string, number>();
  for (const [model, xs] of per) rates.set(model, xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]);
  return { rates, runs };
}

export function dryRun(
  study: StudyConfig,
  defaults: RunConfig,
  store: ResultsStore,
  cached: (spec: RunSpec) => boolean,
  timings: Iterable<RunRecord>,
  workers: number,
): DryRun {
  const plan = currentPlan(study, defaults, store);
  const { rates, runs: timedRuns } = timingRates(timings);
  const untimed = new Set<string>();
  let total = 0;
  const rows = plan.runs.map((spec): DryRunRow => {
    const status: DryRunStatus = store.get(spec.key, spec.configHash) ? 'stored' : store.getFailure(spec.key, spec.configHash) ? 'failed' : cached(spec) ? 'cached' : 'train';
    const rate = rates.get(spec.config.model);
    const seconds = status !== 'train' ? null : rate === undefined ? null : rate * spec.config.epochs * trainedPairs(spec.config);
    if (status === 'train' && rate === undefined) untimed.add(spec.config.model);
    total += seconds ?? 0;
    return { key: spec.key, variant: spec.variant, model: spec.config.model, configHash: spec.configHash, status, seconds };
  });
  const anyTimed = rows.some((r) => r.seconds !== null);
  return { study: study.name, planned: plan.totalRuns, rows, seconds: anyTimed ? total / workers : null, workers, timedRuns, untimedModels: [...untimed] };
}

/** The dry run as a table per variant, then the totals and the estimate. */
export function formatDryRun(d: DryRun): string {
  const variants = [...new Set(d.rows.map((r) => r.variant))];
  const count = (rows: DryRunRow[], s: DryRunStatus): number => rows.filter((r) => r.status === s).length;
  const width = Math.max(7, ...variants.map((v) => v.length));
  const line = (name: string, rows: DryRunRow[], time: string): string =>
    `  ${name.padEnd(width)}  ${[rows.length, count(rows, 'stored') + count(rows, 'failed'), count(rows, 'cached'), count(rows, 'train')].map((n) => String(n).padStart(9)).join('')}  ${time}`;
  const secs = (rows: DryRunRow[]): string => {
    const train = rows.filter((r) => r.status === 'train');
    if (train.length === 0) return '-';
    const known = train.filter((r) => r.seconds !== null);
    return known.length === 0 ? '?' : `${formatDuration(known.reduce((a, r) => a + r.seconds!, 0))}${known.length < train.length ? '+' : ''}`;
  };
  const out = [`  ${'variant'.padEnd(width)}  ${['runs', 'stored', 'cached', 'to train'].map((h) => h.padStart(9)).join('')}  training time (one worker)`];
  for (const v of variants) out.push(line(v, d.rows.filter((r) => r.variant === v), secs(d.rows.filter((r) => r.variant === v))));
  out.push(line('total', d.rows, secs(d.rows)));
  const later = d.planned - d.rows.length;
  if (later > 0) out.push(`  + ${later} runs of later grid-search phases, planned once the earlier phases' results are in`);
  const toTrain = count(d.rows, 'train');
  const estimate = d.seconds === null ? 'no stored timing fits these models' : `about ${formatDuration(d.seconds)} on ${d.workers} worker${d.workers === 1 ? '' : 's'}`;
  out.push(`${toTrain} runs to train: ${toTrain === 0 ? 'nothing to do' : estimate} (timings of ${d.timedRuns} stored runs${d.untimedModels.length > 0 ? `; none for ${d.untimedModels.join(', ')}` : ''})`);
  return out.join('\n');
}

/** The records stored in every study output directory directly under `root` (e.g. the repository's results/). */
export function recordsUnder(root: string): RunRecord[] {
  if (!existsSync(root)) return [];
  const out: RunRecord[] = [];
  for (const d of readdirSync(root, { withFileTypes: true }))
    if (d.isDirectory() && existsSync(join(root, d.name, RESULTS_FILE))) for (const r of ResultsStore.open(join(root, d.name), { readOnly: true }).all()) out.push(r.record);
  return out;
}
