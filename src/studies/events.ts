/**
 * The live log of a study: <dir>/events.jsonl, one JSON event per line, appended while runs train (run started,
 * each epoch's metrics, run done), so a dashboard or `tail -f` can follow runs that results.jsonl only records when
 * they finish. It is a log, not a store: a torn last line is skipped by readers, and results.jsonl stays the
 * record of what finished. Each `begin` starts a session (a `pairnet study` invocation): runs started in an earlier
 * session without a `done` were interrupted.
 */
import { appendFileSync } from 'node:fs';
import type { EpochMetrics, FinalMetrics, RunRecord } from '../training/record.js';
import type { RunSpec } from './plan.js';
import type { RunFields } from './results-store.js';
import type { ProgressSink } from './progress-sink.js';

export const EVENTS_FILE = 'events.jsonl';

export type RunEvent =
  | { type: 'begin'; t: string; study: string; totalRuns: number; doneRuns: number; slots: number }
  | { type: 'start'; t: string; key: string; fields: RunFields; epochs: number }
  | { type: 'epoch'; t: string; key: string; metrics: EpochMetrics }
  | { type: 'done'; t: string; key: string; final: FinalMetrics; trainingSeconds: number }
  | { type: 'end'; t: string };

/** Something that follows runs as they train: the event log, TensorBoard files. */
export interface RunWatcher {
  start(key: string, fields: RunFields, epochs: number): void;
  epoch(key: string, metrics: EpochMetrics): void;
  done(key: string, record: RunRecord): void;
  /** Flushes and closes whatever the watcher holds open. */
  close(): void;
}

export class EventLog implements RunWatcher {
  constructor(readonly file: string) {}

  write(event: RunEvent): void {
    // One write per line with O_APPEND: lines from concurrent writers do not interleave.
    appendFileSync(this.file, `${JSON.stringify(event)}\n`);
  }

  begin(study: string, info: { totalRuns: number; doneRuns: number; slots: number }): void {
    this.write({ type: 'begin', t: new Date().toISOString(), study, ...info });
  }
  start(key: string, fields: RunFields, epochs: number): void {
    this.write({ type: 'start', t: new Date().toISOString(), key, fields, epochs });
  }
  epoch(key: string, metrics: EpochMetrics): void {
    this.write({ type: 'epoch', t: new Date().toISOString(), key, metrics });
  }
  done(key: string, record: RunRecord): void {
    this.write({ type: 'done', t: new Date().toISOString(), key, final: record.final, trainingSeconds: record.trainingSeconds });
  }
  close(): void {
    this.write({ type: 'end', t: new Date().toISOString() });
  }
}

/** A ProgressSink that tells watchers about a study's runs. */
export function watchStudy(study: string, fieldsOf: (spec: RunSpec) => RunFields, watchers: readonly RunWatcher[], log: EventLog | null): ProgressSink {
  return {
    begin: (info) => log?.begin(study, info),
    queued: () => undefined,
    runStarted: (_slot, spec) => watchers.forEach((w) => w.start(spec.key, fieldsOf(spec), spec.config.epochs)),
    epoch: (_slot, spec, m) => watchers.forEach((w) => w.epoch(spec.key, m)),
    runFinished: (_slot, spec, record) => watchers.forEach((w) => w.done(spec.key, record)),
    end: () => watchers.forEach((w) => w.close()),
  };
}

/** Several progress sinks as one. */
export function teeProgress(...sinks: (ProgressSink | undefined)[]): ProgressSink {
  const all = sinks.filter((s): s is ProgressSink => s !== undefined);
  return {
    begin: (info) => all.forEach((s) => s.begin(info)),
    queued: (pending) => all.forEach((s) => s.queued(pending)),
    runStarted: (slot, spec, where) => all.forEach((s) => s.runStarted(slot, spec, where)),
    epoch: (slot, spec, m) => all.forEach((s) => s.epoch(slot, spec, m)),
    runFinished: (slot, spec, record) => all.forEach((s) => s.runFinished(slot, spec, record)),
    end: () => all.forEach((s) => s.end()),
  };
}

/** The events of a log's text; lines that do not parse (a torn last line) are skipped. */
export function parseEvents(text: string): RunEvent[] {
  const out: RunEvent[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      const e = JSON.parse(line) as RunEvent;
      if (typeof e === 'object' && e !== null && typeof e.type === 'string') out.push(e);
    } catch {
      // A line being written, or damaged: the log is advisory.
    }
  }
  return out;
}

/** The runs of the log's last session that started and have not finished, with their epochs so far. */
export function inFlight(events: readonly RunEvent[]): { key: string; fields: RunFields; epochs: number; metrics: EpochMetrics[] }[] {
  let from = 0;
  events.forEach((e, i) => {
    if (e.type === 'begin') from = i;
  });
  const runs = new Map<string, { key: string; fields: RunFields; epochs: number; metrics: EpochMetrics[] }>();
  for (const e of events.slice(from)) {
    if (e.type === 'start') runs.set(e.key, { key: e.key, fields: e.fields, epochs: e.epochs, metrics: [] });
    else if (e.type === 'epoch') runs.get(e.key)?.metrics.push(e.metrics);
    else if (e.type === 'done') runs.delete(e.key);
    else if (e.type === 'end') runs.clear();
  }
  return [...runs.values()];
}
