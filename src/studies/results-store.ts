/**
 * The study's results: <dir>/results.jsonl, one JSON line per finished run, append-only. A line is
 *   {"key": run key, "configHash": ..., "sha256": ..., "fields": RunFields, "record": RunRecord}
 * with sha256 = sha256(key \n configHash \n JSON(fields) \n JSON(record)), and counts only when it parses and its
 * checksum matches. Lines written before "fields" existed lack it (sha256 then covers key, configHash and record) and
 * still count: runFields derives their fields from the key. A run that diverged (non-finite loss) is stored as
 *   {"key", "configHash", "sha256": sha256(key \n configHash \n JSON(failed)), "failed": RunFailure}
 * so a resumed study does not train it again and reports list it as failed, not as an accuracy. Each append is one
 * write of the whole line followed by
 * fsync, so an interruption leaves at worst one truncated last line. On open, corrupt or truncated lines are reported,
 * moved to results.rejected.txt, and the file is rewritten without them (temp file + rename) so their runs are redone.
 */
import { createHash } from 'node:crypto';
import { appendFileSync, closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { describeFsError, writeFileAtomic, WriteError } from '../io/atomic-write.js';
import { join } from 'node:path';
import type { RunFailure, RunRecord } from '../training/record.js';
import { parseRunKey, type RunPlace } from './plan.js';

/** Where a stored run sits in its study, as structured fields (the key says the same in one string). */
export interface RunFields extends RunPlace {
  study: string;
  seed: number;
}

export interface StoredRun {
  key: string;
  configHash: string;
  /** Absent on lines stored before the fields existed. */
  fields?: RunFields;
  record: RunRecord;
}

export interface StoredFailure {
  key: string;
  configHash: string;
  failure: RunFailure;
}

export const RESULTS_FILE = 'results.jsonl';
export const REJECTED_FILE = 'results.rejected.txt';

function checksum(key: string, configHash: string, fieldsJson: string | null, recordJson: string): string {
  const fields = fieldsJson === null ? '' : `${fieldsJson}\n`;
  return createHash('sha256').update(`${key}\n${configHash}\n${fields}${recordJson}`).digest('hex');
}

/** Serializes one run as a results line (with its trailing newline). */
export function encodeLine(run: StoredRun): string {
  const recordJson = JSON.stringify(run.record);
  const fieldsJson = run.fields === undefined ? null : JSON.stringify(run.fields);
  const head = JSON.stringify({ key: run.key, configHash: run.configHash, sha256: checksum(run.key, run.configHash, fieldsJson, recordJson) });
  return `${head.slice(0, -1)}${fieldsJson === null ? '' : `,"fields":${fieldsJson}`},"record":${recordJson}}\n`;
}

/** The run's fields: as stored, or for an older line derived from its key (and its study's name). */
export function runFields(run: StoredRun, study: string): RunFields {
  if (run.fields !== undefined) return run.fields;
  const place = parseRunKey(run.key) ?? { phase: '', variant: '', round: 0, fold: null, point: {} };
  return { study, ...place, seed: run.record.config.seed };
}

/** Serializes one failed run as a results line. */
export function encodeFailureLine(f: StoredFailure): string {
  const json = JSON.stringify(f.failure);
  const head = JSON.stringify({ key: f.key, configHash: f.configHash, sha256: checksum(f.key, f.configHash, null, json) });
  return `${head.slice(0, -1)},"failed":${json}}\n`;
}

/** Parses one line; returns the run (or failed run), or a reason why the line does not count. */
export function decodeLine(line: string): StoredRun | StoredFailure | string {
  let o: unknown;
  try {
    o = JSON.parse(line);
  } catch {
    return 'not valid JSON (truncated?)';
  }
  if (typeof o !== 'object' || o === null) return 'not a JSON object';
  const { key, configHash, sha256, fields, record, failed } = o as Record<string, unknown>;
  if (typeof key !== 'string' || typeof configHash !== 'string' || typeof sha256 !== 'string') return 'missing key, configHash or sha256';
  if (failed !== undefined) {
    if (checksum(key, configHash, null, JSON.stringify(failed)) !== sha256) return 'checksum mismatch';
    const f = failed as RunFailure;
    if (typeof f?.message !== 'string' || !Number.isInteger(f.epoch) || !Number.isInteger(f.batch)) return 'failed run lacks message, epoch or batch';
    return { key, configHash, failure: f };
  }
  if (typeof record !== 'object' || record === null) return 'missing record';
  if (fields !== undefined && (typeof fields !== 'object' || fields === null)) return 'fields is not an object';
  if (checksum(key, configHash, fields === undefined ? null : JSON.stringify(fields), JSON.stringify(record)) !== sha256) return 'checksum mismatch';
  const r = record as RunRecord;
  if (typeof r.final?.testAccuracy !== 'number' || typeof r.config !== 'object') return 'record lacks final metrics or config';
  return fields === undefined ? { key, configHash, record: r } : { key, configHash, fields: fields as RunFields, record: r };
}

export class ResultsStore {
  readonly file: string;
  /** One message per line that did not count, e.g. "results.jsonl line 7: checksum mismatch". */
  readonly problems: string[] = [];
  private readonly runs = new Map<string, StoredRun>();
  private readonly failures = new Map<string, StoredFailure>();
  private readonly order: StoredRun[] = [];

  private constructor(
    readonly dir: string,
    private readonly readOnly: boolean,
  ) {
    this.file = join(dir, RESULTS_FILE);
  }

  /**
   * Opens (creating the directory) and validates the results; repairs the file if any line was rejected.
   * readOnly (for `pairnet report`, which may run beside a study still appending) reports bad lines but never
   * rewrites the file: a line being written at that moment would look truncated.
   */
  static open(dir: string, { readOnly = false }: { readOnly?: boolean } = {}): ResultsStore {
    if (!readOnly) mkdirSync(dir, { recursive: true });
    const store = new ResultsStore(dir, readOnly);
    if (!existsSync(store.file)) return store;
    const text = readFileSync(store.file, 'utf8');
    const lines = text.split('\n');
    // A file ending in '\n' splits into a last empty string; anything else there is an unterminated (truncated) line.
    const last = lines.pop()!;
    const rejected: string[] = [];
    const keep: string[] = [];
    lines.forEach((line, i) => {
      if (line.trim() === '') return;
      const run = decodeLine(line);
      const where = `${RESULTS_FILE} line ${i + 1}`;
      if (typeof run === 'string') {
        store.problems.push(`${where}: ${run}${readOnly ? '' : '; its run will be redone'}`);
        rejected.push(line);
      } else if (store.runs.has(`${run.key}\n${run.configHash}`) || store.failures.has(`${run.key}\n${run.configHash}`)) {
        store.problems.push(`${where}: duplicate of run "${run.key}"; ignored`);
        rejected.push(line);
      } else {
        if ('failure' in run) store.failures.set(`${run.key}\n${run.configHash}`, run);
        else store.add(run);
        keep.push(line);
      }
    });
    if (last !== '') {
      store.problems.push(`${RESULTS_FILE} line ${lines.length + 1}: truncated (no end of line)${readOnly ? '' : '; its run will be redone'}`);
      rejected.push(last);
    }
    if (rejected.length > 0 && !readOnly) {
      appendFileSync(join(dir, REJECTED_FILE), rejected.map((l) => `${l}\n`).join(''));
      writeFileAtomic(store.file, keep.map((l) => `${l}\n`).join(''), { durable: true });
    }
    return store;
  }

  private add(run: StoredRun): void {
    this.runs.set(`${run.key}\n${run.configHash}`, run);
    this.order.push(run);
  }

  /** The stored record of this run with this exact config, if any. */
  get(key: string, configHash: string): RunRecord | undefined {
    return this.runs.get(`${key}\n${configHash}`)?.record;
  }

  /** Why this run with this exact config failed, if it did. */
  getFailure(key: string, configHash: string): RunFailure | undefined {
    return this.failures.get(`${key}\n${configHash}`)?.failure;
  }

  /** Stores a failed run: a resumed study counts it as done; reports list it as failed. */
  appendFailure(f: StoredFailure): void {
    if (this.readOnly) throw new Error(`${this.file}: opened read-only`);
    appendDurably(this.file, encodeFailureLine(f));
    this.failures.set(`${f.key}\n${f.configHash}`, f);
  }

  /** All valid runs, in file order. */
  all(): readonly StoredRun[] {
    return this.order;
  }

  /** Appends one run: a single write of the whole line, then fsync. */
  append(run: StoredRun): void {
    if (this.readOnly) throw new Error(`${this.file}: opened read-only`);
    appendDurably(this.file, encodeLine(run));
    this.add(run);
  }
}

/** One write of the whole text at the end of the file, then fsync; a failure (a full disk) names the file. */
function appendDurably(file: string, text: string): void {
  let fd: number | null = null;
  try {
    fd = openSync(file, 'a');
    const buf = Buffer.from(text, 'utf8');
    let off = 0;
    while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
    fsyncSync(fd);
  } catch (e) {
    // A partial line left by a full disk is a truncated last line: the next open sets it aside and redoes its run.
    throw new WriteError(`cannot append to ${file}: ${describeFsError(e)}`);
  } finally {
    if (fd !== null) closeSync(fd);
  }
}
