/**
 * TensorBoard files for runs: one folder per run under the log directory (the run key's parts as folders, so
 * TensorBoard's run selector groups a study's variants), scalars per epoch (train/test loss and accuracy, digit
 * accuracy, lr, aux weight, epoch seconds). TensorBoardRuns writes them while runs train (`--tensorboard DIR` on
 * `pairnet train` and `pairnet study`); writeStoredRun writes a stored run's after the fact (`pairnet export`).
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { RunWatcher } from '../studies/events.js';
import type { RunFields } from '../studies/results-store.js';
import type { EpochMetrics, RunRecord } from '../training/record.js';
import { encodeEvent, encodeRecord, FILE_VERSION, type TbEvent } from './tensorboard.js';

/** The run's folder under the log directory: its key's parts, each made safe as a folder name. */
export function runFolder(logDir: string, key: string): string {
  return join(logDir, ...key.split('/').map((p) => p.replace(/[^\w .=+,-]/g, '_').replace(/^\.+/, '_') || '_'));
}

export function epochScalars(m: EpochMetrics): Record<string, number> {
  const s: Record<string, number> = { 'train/loss': m.trainLoss, 'train/accuracy': m.trainAccuracy, lr: m.lr, aux_weight: m.auxWeight, epoch_seconds: m.seconds };
  if (m.testLoss !== null) s['test/loss'] = m.testLoss;
  if (m.testAccuracy !== null) s['test/accuracy'] = m.testAccuracy;
  if (m.testDigitAccuracy !== null) s['test/digit_accuracy'] = m.testDigitAccuracy;
  return s;
}

export function finalScalars(r: RunRecord): Record<string, number> {
  const f = r.final;
  const s: Record<string, number> = { 'final/test_accuracy': f.testAccuracy, 'final/test_loss': f.testLoss, 'final/train_accuracy': f.trainAccuracy, 'final/training_seconds': r.trainingSeconds };
  if (f.testDigitAccuracy !== null) s['final/test_digit_accuracy'] = f.testDigitAccuracy;
  return s;
}

let files = 0;

/** A new event file in the run's folder (TensorBoard reads every file of a folder as one run). */
function newEventFile(logDir: string, key: string, wallTime: number): string {
  const dir = runFolder(logDir, key);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `events.out.tfevents.${Math.floor(wallTime)}.${hostname()}.${process.pid}.${files++}`);
  appendFileSync(file, encodeRecord(encodeEvent({ wallTime, step: 0, fileVersion: FILE_VERSION })));
  return file;
}

function append(file: string, e: TbEvent): void {
  appendFileSync(file, encodeRecord(encodeEvent(e)));
}

export class TensorBoardRuns implements RunWatcher {
  private readonly open = new Map<string, string>();
  constructor(readonly logDir: string) {}

  start(key: string, _fields: RunFields, _epochs: number): void {
    this.open.set(key, newEventFile(this.logDir, key, Date.now() / 1000));
  }
  epoch(key: string, m: EpochMetrics): void {
    const file = this.open.get(key);
    if (file !== undefined) append(file, { wallTime: Date.now() / 1000, step: m.epoch, scalars: epochScalars(m) });
  }
  done(key: string, record: RunRecord): void {
    const file = this.open.get(key);
    if (file !== undefined) append(file, { wallTime: Date.now() / 1000, step: record.epochs.length, scalars: finalScalars(record) });
    this.open.delete(key);
  }
  close(): void {
    this.open.clear();
  }
}

/** A stored run's event file, its wall times rebuilt from its start time and epoch durations. */
export function writeStoredRun(logDir: string, key: string, record: RunRecord): string {
  let t = Date.parse(record.startedAt) / 1000;
  if (!Number.isFinite(t)) t = 0;
  const file = newEventFile(logDir, key, t);
  for (const m of record.epochs) {
    t += m.seconds;
    append(file, { wallTime: t, step: m.epoch, scalars: epochScalars(m) });
  }
  append(file, { wallTime: t, step: record.epochs.length, scalars: finalScalars(record) });
  return file;
}
