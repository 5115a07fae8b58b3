import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeLine, encodeLine, REJECTED_FILE, RESULTS_FILE, ResultsStore, type StoredRun } from '../../src/studies/results-store.js';
import type { RunRecord } from '../../src/training/record.js';

// A record as the store sees it: only its JSON matters here (runner tests use records from real training runs).
function run(key: string, acc: number): StoredRun {
  const record = {
    pairnetVersion: '0.1.0',
    config: { model: 'm', seed: 1 },
    dataSource: 'test',
    parameterCount: 10,
    epochs: [],
    final: { trainLoss: 0.1, trainAccuracy: 1, testLoss: 0.2, testAccuracy: acc, testDigitAccuracy: null },
    trainingSeconds: 1.5,
    startedAt: '2026-01-01T00:00:00.000Z',
  } as unknown as RunRecord;
  return { key, configHash: 'abc', record };
}

const dirs: string[] = [];
const tempDir = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'pairnet-store-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('ResultsStore', () => {
  it('round-trips appended runs and finds them by key and config hash', () => {
    const dir = tempDir();
    const s = ResultsStore.open(dir);
    s.append(run('a', 0.8));
    s.append(run('b', 0.9));
    const again = ResultsStore.open(dir);
    expect(again.problems).toEqual([]);
    expect(again.all().map((r) => r.key)).toEqual(['a', 'b']);
    expect(again.get('b', 'abc')?.final.testAccuracy).toBe(0.9);
    expect(again.get('b', 'other')).toBeUndefined();
  });

  it('rejects a line whose checksum does not match, a truncated last line and garbage; keeps the rest', () => {
    const dir = tempDir();
    const file = join(dir, RESULTS_FILE);
    const good = encodeLine(run('good', 0.8));
    const tampered = encodeLine(run('tampered', 0.8)).replace('"testAccuracy":0.8', '"testAccuracy":0.99');
    const truncated = encodeLine(run('cut', 0.7)).slice(0, 60);
    writeFileSync(file, good + tampered + 'not json\n' + truncated);
    expect(decodeLine(tampered.trim())).toBe('checksum mismatch');
    // Read-only (pairnet report beside a running study): the same verdicts, the file untouched.
    const reader = ResultsStore.open(dir, { readOnly: true });
    expect(reader.all().map((r) => r.key)).toEqual(['good']);
    expect(reader.problems).toHaveLength(3);
    expect(readFileSync(file, 'utf8')).toBe(good + tampered + 'not json\n' + truncated);
    const s = ResultsStore.open(dir);
    expect(s.all().map((r) => r.key)).toEqual(['good']);
    expect(s.problems).toHaveLength(3);
    expect(s.problems[0]).toMatch(/line 2: checksum mismatch/);
    expect(s.problems[1]).toMatch(/line 3: not valid JSON/);
    expect(s.problems[2]).toMatch(/line 4: truncated/);
    // The file was repaired (rejected lines moved aside), so a new append starts on a fresh line.
    expect(readFileSync(file, 'utf8')).toBe(good);
    expect(readFileSync(join(dir, REJECTED_FILE), 'utf8').split('\n')).toHaveLength(4);
    s.append(run('next', 0.85));
    const again = ResultsStore.open(dir);
    expect(again.problems).toEqual([]);
    expect(again.all().map((r) => r.key)).toEqual(['good', 'next']);
  });

  it('ignores a duplicate of a stored run', () => {
    const dir = tempDir();
    const line = encodeLine(run('a', 0.8));
    writeFileSync(join(dir, RESULTS_FILE), line);
    appendFileSync(join(dir, RESULTS_FILE), line);
    const s = ResultsStore.open(dir);
    expect(s.all()).toHaveLength(1);
    expect(s.problems[0]).toMatch(/duplicate/);
  });
});
