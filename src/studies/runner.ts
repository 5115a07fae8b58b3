/**
 * Runs a study: plans its runs, skips those already in the results store (same key, same config hash), runs the
 * rest on the executor's slots and appends each finished run to the store. Aborting the signal stops scheduling:
 * in-flight runs finish and are stored (closing the executor instead abandons them; nothing partial is written).
 * Calling runStudy again on the same store resumes.
 */
import { join } from 'node:path';
import type { KernelVariant } from '../engine/kernels/index.js';
import type { RunConfig } from '../training/config.js';
import type { RunRecord } from '../training/record.js';
import type { StudyConfig } from './config.js';
import { RunAbandonedError, RunFailedError, type Executor } from './executor.js';
import { planStudy, type RunSpec, type StudyPlan } from './plan.js';
import type { ResultsStore, RunFields } from './results-store.js';
import { EVENTS_FILE, EventLog, teeProgress, watchStudy, type RunWatcher } from './events.js';
import type { ProgressSink } from './progress-sink.js';

export type { ProgressSink } from './progress-sink.js';

export interface RunnerOptions {
  executor: Executor;
  store: ResultsStore;
  /** The trainer's default RunConfig, under the study's overrides. */
  defaults: RunConfig;
  /** Aborting stops scheduling new runs; runs in flight finish and are stored. */
  signal?: AbortSignal;
  progress?: ProgressSink;
  onRunDone?: (spec: RunSpec, record: RunRecord) => void;
  /** Run only these variants' runs (the others stay pending; the report covers whatever is stored). */
  onlyVariants?: readonly string[];
  /** The live event log (default: events.jsonl beside results.jsonl; null: none). */
  eventsFile?: string | null;
  /** Further watchers of the runs as they train (e.g. TensorBoard files); closed when the study stops. */
  watchers?: readonly RunWatcher[];
  /** Pin every run to this kernel build (default: each executor's runtime default). */
  kernels?: KernelVariant;
}

export interface StudyOutcome {
  plan: StudyPlan;
  /** Every planned run has a stored record. */
  finished: boolean;
  /** Runs trained by this call. */
  ranNow: number;
  /** Runs found in the store and skipped. */
  skipped: number;
}

/** The structured fields stored with a run's record. */
export function specFields(study: StudyConfig, spec: RunSpec): RunFields {
  return { study: study.name, phase: spec.phase, variant: spec.variant, round: spec.round, fold: spec.fold, point: spec.point, seed: spec.config.seed };
}

/** The study's plan given what the store holds. */
export function currentPlan(study: StudyConfig, defaults: RunConfig, store: ResultsStore): StudyPlan {
  return planStudy(study, defaults, (s) => store.get(s.key, s.configHash), (s) => store.getFailure(s.key, s.configHash) !== undefined);
}

export async function runStudy(study: StudyConfig, opts: RunnerOptions): Promise<StudyOutcome> {
  const { executor, store, defaults, signal } = opts;
  const eventsFile = opts.eventsFile === undefined ? join(store.dir, EVENTS_FILE) : opts.eventsFile;
  const log = eventsFile === null ? null : new EventLog(eventsFile);
  const watchers = [...(log === null ? [] : [log]), ...(opts.watchers ?? [])];
  const progress = teeProgress(opts.progress, watchStudy(study.name, (s) => specFields(study, s), watchers, log));
  const done = (s: RunSpec): boolean => store.get(s.key, s.configHash) !== undefined || store.getFailure(s.key, s.configHash) !== undefined;
  const only = opts.onlyVariants;
  for (const v of only ?? [])
    if (!study.variants.some((x) => x.name === v)) throw new Error(`no variant "${v}" in study ${study.name} (variants: ${study.variants.map((x) => x.name).join(', ')})`);
  const wanted = (s: RunSpec): boolean => only === undefined || only.includes(s.variant);
  let plan = currentPlan(study, defaults, store);
  const skipped = plan.runs.filter(done).length;
  let ranNow = 0;
  let failure: Error | null = null;
  let abandoned = false;
  const stopping = (): boolean => failure !== null || abandoned || signal?.aborted === true;
  // With a variant filter the display counts the chosen variants' planned runs only.
  const shown = only === undefined ? { totalRuns: plan.totalRuns, doneRuns: skipped } : { totalRuns: plan.runs.filter(wanted).length, doneRuns: plan.runs.filter((s) => wanted(s) && done(s)).length };
  progress.begin({ ...shown, slots: executor.slots, remote: executor.remote === true });

  try {
    for (;;) {
      const queue = plan.runs.filter((s) => !done(s) && wanted(s));
      if (queue.length === 0 || stopping()) break;
      progress.queued(queue);
      const lane = async (slot: number): Promise<void> => {
        while (!stopping() && queue.length > 0) {
          const spec = queue.shift()!;
          let record: RunRecord;
          // A queued run may report its start more than once (a retry on another worker); watchers hear of it once.
          let started = false;
          try {
            record = await executor.run({ key: spec.key, config: spec.config, kernels: opts.kernels }, slot, {
              onStart: (where) => {
                if (!started) progress.runStarted(slot, spec, where);
                started = true;
              },
              onEpoch: (m) => progress.epoch(slot, spec, m),
            });
          } catch (e) {
            if (e instanceof RunFailedError) {
              // Diverged: stored as a failed run (a result of this config), and the study goes on.
              store.appendFailure({ key: spec.key, configHash: spec.configHash, failure: e.failure });
              ranNow++;
              opts.progress?.runFailed?.(slot, spec, e.failure);
              continue;
            }
            if (e instanceof RunAbandonedError) abandoned = true;
            else failure ??= e instanceof Error ? e : new Error(String(e));
            return;
          }
          store.append({ key: spec.key, configHash: spec.configHash, fields: specFields(study, spec), record });
          ranNow++;
          progress.runFinished(slot, spec, record);
          opts.onRunDone?.(spec, record);
        }
      };
      await Promise.all(Array.from({ length: Math.min(executor.slots, queue.length) }, (_, slot) => lane(slot)));
      // Finished grid-search steps unlock the next phase.
      plan = currentPlan(study, defaults, store);
    }
  } finally {
    progress.end();
  }
  if (failure) throw failure;
  return { plan, finished: plan.complete && plan.runs.every(done), ranNow, skipped };
}
