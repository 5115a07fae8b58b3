/** The interface between the runner and whatever follows a study's progress (the terminal display, the event log). */
import type { EpochMetrics, RunFailure, RunRecord } from '../training/record.js';
import type { RunSpec } from './plan.js';

/** What the runner tells a progress display. */
export interface ProgressSink {
  begin(info: { totalRuns: number; doneRuns: number; slots: number; remote?: boolean }): void;
  /** The runs about to be scheduled (called again when a grid-search step unlocks the next phase). */
  queued(pending: readonly RunSpec[]): void;
  /** The run started training on `where` (a thread, or a worker host through a queue). */
  runStarted(slot: number, spec: RunSpec, where?: string): void;
  epoch(slot: number, spec: RunSpec, metrics: EpochMetrics): void;
  runFinished(slot: number, spec: RunSpec, record: RunRecord): void;
  /** The run's loss diverged; it is stored as failed. */
  runFailed?(slot: number, spec: RunSpec, failure: RunFailure): void;
  end(): void;
}
