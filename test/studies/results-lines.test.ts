// Each reason a results line does not count, failed-run lines, derived fields, and the store's read-only and
// write-failure paths.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  decodeLine, encodeFailureLine, encodeLine, REJECTED_FILE, RESULTS_FILE, ResultsStore, runFields, type RunFields, type StoredRun,
} from '../../src/studies/results-store.js';
import type { RunFailure, RunRecord } from '../../src/training/record.js';
import { tempDirs } from './tiny-study.js';

const record = (extra: Record<string, unknown> = {}): RunRecord =>
  ({ config: { model: 'm', seed: 5 }, final: { testAccuracy: 0.75 }, trainingSeconds: 1, ...extra }) as unknown as RunRecord;
const fields: RunFields = { study: 's', phase: 'rounds', variant: 'FC', round: 1, fold: null, point: null, seed: 5 };
const failure: RunFailure = { message: 'loss is NaN', epoch: 2, batch: 3 } as RunFailure;
const line = (o: unknown): string => JSON.stringify(o);

const tempDir = tempDirs();

describe('a results line', () => {
  it('names why it does not count', () => {
    expect(decodeLine('{"key":')).toBe('not valid JSON (truncated?)');
    for (const s of ['3', 'null', '"text"', 'true']) expect(decodeLine(s)).toBe('not a JSON object');
    const head = { key: 'k', configHash: 'h', sha256: 'x' };
    for (const broken of [{ ...head, key: 1 }, { ...head, configHash: null }, { key: 'k', configHash: 'h' }])
      expect(decodeLine(line({ ...broken, record: record() }))).toBe('missing key, configHash or sha256');
    expect(decodeLine(line(head))).toBe('missing record');
    expect(decodeLine(line({ ...head, record: null }))).toBe('missing record');
    expect(decodeLine(line({ ...head, record: 'r' }))).toBe('missing record');
    expect(decodeLine(line({ ...head, fields: null, record: record() }))).toBe('fields is not an object');
    expect(decodeLine(line({ ...head, fields: 'f', record: record() }))).toBe('fields is not an object');
    // Checksummed but incomplete records (the checksum is right: the line was written so).
    const lacking = (r: unknown): string => encodeLine({ key: 'k', configHash: 'h', record: r as RunRecord }).trim();
    expect(decodeLine(lacking({ config: {} }))).toBe('record lacks final metrics or config');
    expect(decodeLine(lacking({ config: {}, final: { testAccuracy: '75' } }))).toBe('record lacks final metrics or config');
    expect(decodeLine(lacking({ final: { testAccuracy: 0.5 } }))).toBe('record lacks final metrics or config');
  });

  it('round-trips with and without fields, and a line without them carries none', () => {
    const bare: StoredRun = { key: 'k', configHash: 'h', record: record() };
    const text = encodeLine(bare);
    expect(text.endsWith('}\n')).toBe(true);
    expect(text).not.toContain('"fields"');
    expect(decodeLine(text.trim())).toStrictEqual(bare);
    const full: StoredRun = { ...bare, fields };
    expect(decodeLine(encodeLine(full).trim())).toStrictEqual(full);
    // The fields are under the checksum.
    expect(decodeLine(encodeLine(full).replace('"variant":"FC"', '"variant":"FX"').trim())).toBe('checksum mismatch');
  });

  it('of a failed run round-trips, is checksummed and needs message, epoch and batch', () => {
    const stored = { key: 'k', configHash: 'h', failure };
    expect(decodeLine(encodeFailureLine(stored).trim())).toStrictEqual(stored);
    expect(decodeLine(encodeFailureLine(stored).replace('"epoch":2', '"epoch":3').trim())).toBe('checksum mismatch');
    const lacking = (f: unknown): string | object => decodeLine(encodeFailureLine({ key: 'k', configHash: 'h', failure: f as RunFailure }).trim());
    for (const f of [null, { epoch: 1, batch: 1 }, { message: 'm', epoch: 1.5, batch: 1 }, { message: 'm', epoch: 1 }, { message: 7, epoch: 1, batch: 1 }])
      expect(lacking(f)).toBe('failed run lacks message, epoch or batch');
  });

  it('fields: as stored, else derived from the key, else blank but for the study and seed', () => {
    expect(runFields({ key: 'x', configHash: 'h', fields, record: record() }, 'other')).toBe(fields);
    expect(runFields({ key: 'rounds/FC/round 1', configHash: 'h', record: record() }, 'mine')).toEqual({ ...fields, study: 'mine', point: {} });
    expect(runFields({ key: '???', configHash: 'h', record: record() }, 'mine')).toEqual({ study: 'mine', phase: '', variant: '', round: 0, fold: null, point: {}, seed: 5 });
  });
});

describe('the store file', () => {
  const good = (key: string): string => encodeLine({ key, configHash: 'h', record: record() });

  it('skips blank lines without rewriting a file that has nothing to set aside', () => {
    const dir = tempDir();
    const text = `${good('a')}\n   \n${good('b')}`;
    writeFileSync(join(dir, RESULTS_FILE), text);
    const store = ResultsStore.open(dir);
    expect(store.problems).toEqual([]);
    expect(store.all().map((r) => r.key)).toEqual(['a', 'b']);
    expect(readFileSync(join(dir, RESULTS_FILE), 'utf8')).toBe(text);
    expect(existsSync(join(dir, REJECTED_FILE))).toBe(false);
  });

  it('names each bad line (with the redo note unless read-only), and a duplicate of a failed run', () => {
    const dir = tempDir();
    const failed = encodeFailureLine({ key: 'a', configHash: 'h', failure });
    writeFileSync(join(dir, RESULTS_FILE), `${failed}${good('a')}{"oops"\n${good('c').trim()}`);
    const reader = ResultsStore.open(dir, { readOnly: true });
    expect(reader.problems).toEqual([
      `${RESULTS_FILE} line 2: duplicate of run "a"; ignored`,
      `${RESULTS_FILE} line 3: not valid JSON (truncated?)`,
      `${RESULTS_FILE} line 4: truncated (no end of line)`,
    ]);
    expect(reader.getFailure('a', 'h')).toEqual(failure);
    expect(reader.get('a', 'h')).toBeUndefined();
    const writer = ResultsStore.open(dir);
    expect(writer.problems).toEqual([
      `${RESULTS_FILE} line 2: duplicate of run "a"; ignored`,
      `${RESULTS_FILE} line 3: not valid JSON (truncated?); its run will be redone`,
      `${RESULTS_FILE} line 4: truncated (no end of line); its run will be redone`,
    ]);
    expect(readFileSync(join(dir, RESULTS_FILE), 'utf8')).toBe(failed);
  });

  it('read-only: creates nothing and refuses to append', () => {
    const dir = join(tempDir(), 'absent');
    const store = ResultsStore.open(dir, { readOnly: true });
    expect(existsSync(dir)).toBe(false);
    expect(store.all()).toEqual([]);
    expect(() => store.append({ key: 'k', configHash: 'h', record: record() })).toThrow(`${join(dir, RESULTS_FILE)}: opened read-only`);
    expect(() => store.appendFailure({ key: 'k', configHash: 'h', failure })).toThrow(`${join(dir, RESULTS_FILE)}: opened read-only`);
  });

  it('a write that fails names the file and stores nothing in memory', () => {
    const dir = tempDir();
    const store = ResultsStore.open(dir);
    mkdirSync(join(dir, RESULTS_FILE));
    expect(() => store.append({ key: 'k', configHash: 'h', record: record() })).toThrow(new RegExp(`^cannot append to ${join(dir, RESULTS_FILE)}: `));
    expect(() => store.appendFailure({ key: 'f', configHash: 'h', failure })).toThrow(/^cannot append to /);
    expect(store.get('k', 'h')).toBeUndefined();
    expect(store.getFailure('f', 'h')).toBeUndefined();
  });
});
