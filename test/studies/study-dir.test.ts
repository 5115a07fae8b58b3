// Reading a study output directory without changing it (export, dashboard): with and without a valid study.json,
// the runs' fields, the planned count, and lines appended while a study runs.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InProcessExecutor } from '../../src/studies/executor.js';
import { encodeFailureLine, encodeLine, RESULTS_FILE, ResultsStore } from '../../src/studies/results-store.js';
import { runStudy } from '../../src/studies/runner.js';
import { studyDefaults } from '../../src/studies/run-defaults.js';
import { isStudyDir, readStudyDir, withAppendedRuns } from '../../src/studies/study-dir.js';
import { loadStudyCopy, saveStudyCopy, STUDY_COPY } from '../../src/studies/study-file.js';
import { tempDir, tinyStudy } from './tiny-study.js';

const defaults = studyDefaults();
const root = tempDir();
const dir = join(root, 'out');
const study = tinyStudy({ rounds: 2 });
afterAll(() => rmSync(root, { recursive: true, force: true }));

beforeAll(async () => {
  const store = ResultsStore.open(dir);
  const executor = new InProcessExecutor();
  await runStudy(study, { executor, store, defaults });
  await executor.close();
});

describe('study output directories', () => {
  it('refuses a folder with none of its files, naming them', () => {
    expect(isStudyDir(root)).toBe(false);
    expect(() => readStudyDir(root)).toThrow(`${root}: not a study output directory (no results.jsonl, study.json or events.jsonl)`);
  });

  it('without study.json: named after the folder, runs with their stored fields, no planned count', () => {
    const s = readStudyDir(dir);
    expect(s.study).toBeNull();
    expect(s.name).toBe(basename(dir));
    expect(s.runsPlanned).toBeNull();
    expect(s.runs.map((r) => r.fields.variant).sort()).toEqual(['FC', 'FC', 'FC + AL', 'FC + AL']);
    expect(s.problems).toEqual([]);
  });

  it('with study.json: its name and planned count; a broken one is a problem and the runs still read', () => {
    expect(saveStudyCopy(dir, study)).toBe(false);
    expect(loadStudyCopy(dir, defaults).name).toBe('tiny');
    const s = readStudyDir(dir);
    expect(s.name).toBe('tiny');
    expect(s.study?.rounds).toBe(2);
    expect(s.runsPlanned).toBe(4);
    expect(saveStudyCopy(dir, tinyStudy({ rounds: 3 }))).toBe(true);
    expect(readStudyDir(dir).runsPlanned).toBe(6);
    writeFileSync(join(dir, STUDY_COPY), '{"name": ');
    const broken = readStudyDir(dir);
    expect(broken.study).toBeNull();
    expect(broken.runs).toHaveLength(4);
    expect(broken.problems).toHaveLength(1);
    expect(broken.problems[0]).toMatch(/study\.json/);
    rmSync(join(dir, STUDY_COPY));
    expect(() => loadStudyCopy(dir, defaults)).toThrow(`${dir}: no study.json here: not a study output directory (run \`pairnet study CONFIG --out ${dir}\` first)`);
  });

  it('takes appended lines once each, skips failed runs and blank lines, and names a bad line', () => {
    const s = readStudyDir(dir);
    const [first, second] = s.runs.map((r) => r.stored);
    const fresh = { ...first, key: 'rounds/FC/round 9', fields: { ...first.fields!, round: 9 } };
    const failure = encodeFailureLine({ key: 'rounds/FC/round 8', configHash: first.configHash, failure: { message: 'loss is NaN', epoch: 1, batch: 1 } });
    const text = [encodeLine(second), encodeLine(fresh), '', failure, 'not json', encodeLine(fresh)].join('\n');
    const after = withAppendedRuns(s, text);
    expect(after.runs).toHaveLength(5);
    expect(after.runs[4].fields.round).toBe(9);
    expect(after.problems).toEqual([`${dir}: ${RESULTS_FILE}: appended line: not valid JSON (truncated?)`]);
    expect(s.runs).toHaveLength(4);
    expect(readFileSync(join(dir, RESULTS_FILE), 'utf8').split('\n').filter(Boolean)).toHaveLength(4);
  });
});
