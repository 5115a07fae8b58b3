/**
 * Structured run fields in results.jsonl (and older lines without them), the tidy export read back by Python's csv
 * module, and each report plot's vega-lite spec saved beside its SVG.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { groupsOfStudy } from '../../src/dashboard/compare.js';
import { reportFromStore } from '../../src/reports/study-report.js';
import { InProcessExecutor } from '../../src/studies/executor.js';
import { parseRunKey, planStudy } from '../../src/studies/plan.js';
import { decodeLine, RESULTS_FILE, ResultsStore } from '../../src/studies/results-store.js';
import { runStudy } from '../../src/studies/runner.js';
import { studyDefaults } from '../../src/studies/run-defaults.js';
import { readStudyDir } from '../../src/studies/study-dir.js';
import { loadStudyConfig, saveStudyCopy, isStudyFile } from '../../src/studies/study-file.js';
import type { RunRecord } from '../../src/training/record.js';
import { tempDir, tinyStudy } from '../studies/tiny-study.js';

const cli = join('dist', 'src', 'cli', 'main.js');
const defaults = studyDefaults();
const dir = tempDir();
const a = join(dir, 'a');
const b = join(dir, 'b');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A results line as written before lines carried "fields": sha256 over key, configHash and record only. */
function oldLine(key: string, configHash: string, record: RunRecord): string {
  const json = JSON.stringify(record);
  const sha256 = createHash('sha256').update(`${key}\n${configHash}\n${json}`).digest('hex');
  return `${JSON.stringify({ key, configHash, sha256, record })}\n`;
}

beforeAll(async () => {
  for (const [d, study] of [[a, tinyStudy()], [b, tinyStudy({ name: 'tiny-sweep', rounds: 1, protocol: { kind: 'sweep', field: 'optimizer.lr', values: [0.001, 0.01] } })]] as const) {
    mkdirSync(d, { recursive: true });
    saveStudyCopy(d, study);
    const store = ResultsStore.open(d);
    await runStudy(study, { executor: new InProcessExecutor(), store, defaults });
    await reportFromStore(d, study, defaults, store);
  }
});

describe('structured run fields', () => {
  it('stores study, phase, variant, round, fold, point and seed with each run, under the checksum', () => {
    const lines = readFileSync(join(a, RESULTS_FILE), 'utf8').trim().split('\n');
    const first = JSON.parse(lines[0]);
    expect(first.fields).toEqual({ study: 'tiny', phase: 'rounds', variant: 'FC', round: 0, fold: null, point: {}, seed: first.record.config.seed });
    expect(typeof decodeLine(lines[0])).toBe('object');
    expect(decodeLine(lines[0].replace('"round":0', '"round":1'))).toBe('checksum mismatch');
  });

  it('still reads lines stored without fields and derives them from the key and the study plan', () => {
    const d = join(dir, 'old');
    mkdirSync(d);
    saveStudyCopy(d, tinyStudy({ name: 'tiny-sweep', rounds: 1, protocol: { kind: 'sweep', field: 'optimizer.lr', values: [0.001, 0.01] } }));
    const stored = ResultsStore.open(b, { readOnly: true }).all();
    writeFileSync(join(d, RESULTS_FILE), stored.map((r) => oldLine(r.key, r.configHash, r.record)).join(''));
    const old = readStudyDir(d);
    expect(old.problems).toEqual([]);
    expect(old.runs.map((r) => r.fields)).toEqual(stored.map((r) => r.fields));
    expect(old.runs[1].fields.point).toEqual({ 'optimizer.lr': 0.01 });
    // The dashboard's groups of a sweep: variant order, then value order.
    expect(groupsOfStudy(old).map((g) => `${g.group}: ${g.runs}`)).toEqual(['FC @ optimizer.lr=0.001: 1', 'FC @ optimizer.lr=0.01: 1', 'FC + AL @ optimizer.lr=0.001: 1', 'FC + AL @ optimizer.lr=0.01: 1']);
  });

  it("parses back every run key of every study in studies/ (the chosen point of a grid search's rounds is in the plan, not the key)", () => {
    for (const file of readdirSync('studies').filter(isStudyFile)) {
      const study = loadStudyConfig(join('studies', file), defaults);
      // A lookup that finds every run plans every phase of a grid search.
      const all = planStudy(study, defaults, () => ({ final: { testAccuracy: 0.5 } }) as RunRecord);
      expect(all.runs.length).toBe(all.totalRuns);
      for (const s of all.runs) {
        const grid = study.protocol.kind === 'grid-search' && s.phase === 'rounds';
        expect(parseRunKey(s.key), s.key).toEqual({ phase: s.phase, variant: s.variant, round: s.round, fold: s.fold, point: grid ? {} : s.point });
      }
    }
    expect(parseRunKey('rounds/X/round two')).toBeNull();
  });
});

describe('pairnet export', () => {
  /** Rows of a CSV file as Python's csv module reads them. */
  const pythonCsv = (file: string): Record<string, string>[] =>
    JSON.parse(execFileSync('python3', ['-c', 'import csv, json, sys; print(json.dumps(list(csv.DictReader(open(sys.argv[1], newline="")))))', file], { encoding: 'utf8' }));

  it('writes one tidy CSV row per run of several studies, readable by Python', () => {
    const out = join(dir, 'runs.csv');
    execFileSync('node', [cli, 'export', a, b, '--format', 'csv', '--out', out], { encoding: 'utf8' });
    const rows = pythonCsv(out);
    const runs = [...ResultsStore.open(a, { readOnly: true }).all(), ...ResultsStore.open(b, { readOnly: true }).all()];
    expect(rows.length).toBe(runs.length);
    expect(Object.keys(rows[0]).slice(0, 7)).toEqual(['study', 'key', 'phase', 'variant', 'round', 'fold', 'seed']);
    rows.forEach((row, i) => {
      const r = runs[i];
      expect(row.key).toBe(r.key);
      expect(Number(row['final.testAccuracy'])).toBe(r.record.final.testAccuracy);
      expect(Number(row['config.optimizer.lr'])).toBe(r.record.config.optimizer.lr);
      expect(Number(row.seed)).toBe(r.record.config.seed);
      expect(row['config.optimizer.betas']).toBe(JSON.stringify(r.record.config.optimizer.betas));
    });
    expect(rows.filter((r) => r.study === 'tiny-sweep').map((r) => r['point.optimizer.lr'])).toEqual(['0.001', '0.01', '0.001', '0.01']);
    expect(rows.find((r) => r.study === 'tiny')!['point.optimizer.lr']).toBe('');
  });

  it('--epochs gives the long table, one row per run and epoch; --format jsonl one JSON object per line', () => {
    const text = execFileSync('node', [cli, 'export', a, '--epochs', '--format', 'jsonl'], { encoding: 'utf8' });
    const rows = text.trim().split('\n').map((l) => JSON.parse(l));
    const runs = ResultsStore.open(a, { readOnly: true }).all();
    expect(rows.length).toBe(runs.reduce((n, r) => n + r.record.epochs.length, 0));
    expect(rows[1]).toMatchObject({ study: 'tiny', variant: 'FC', round: 0, epoch: 2, testAccuracy: runs[0].record.epochs[1].testAccuracy });
  });

  it('names a directory that is not a study', () => {
    expect(() => execFileSync('node', [cli, 'export', join(dir, 'nothing')], { encoding: 'utf8', stdio: 'pipe' })).toThrow(/nothing: not a study output directory/);
  });
});

describe('report plots', () => {
  it("saves each plot's vega-lite spec (with its data) beside its SVG", () => {
    const plots = readdirSync(join(a, 'plots'));
    const svgs = plots.filter((f) => f.endsWith('.svg'));
    expect(svgs.length).toBe(4);
    for (const svg of svgs) {
      const spec = JSON.parse(readFileSync(join(a, 'plots', svg.replace(/\.svg$/, '.vl.json')), 'utf8'));
      expect(spec.$schema).toMatch(/vega-lite/);
      expect(spec.data.values.length).toBeGreaterThan(0);
    }
    expect(readFileSync(join(a, 'report.md'), 'utf8')).toContain('(plots/test-accuracy-curves.vl.json)');
  });
});
