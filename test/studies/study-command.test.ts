import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from './tiny-study.js';

// Runs the built CLI (dist/, made by `npx tsc -p tsconfig.json`, as `npm test`'s pretest does).
const cli = join('dist', 'src', 'cli', 'main.js');
const dir = tempDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const config = {
  name: 'tiny-cli',
  description: 'tiny',
  seed: 5,
  rounds: 2,
  epochs: 1,
  base: { data: { trainPairs: 60, testPairs: 60 } },
  variants: [{ name: 'FC', model: 'fcnet' }],
  protocol: { kind: 'multi-round' },
};

describe('pairnet study / pairnet report', () => {
  it('runs a study, prints its table, then rebuilds the report from the stored results', () => {
    const file = join(dir, 'tiny.json');
    const out = join(dir, 'out');
    writeFileSync(file, JSON.stringify(config));
    const table = execFileSync('node', [cli, 'study', file, '--workers', '1', '--out', out], { encoding: 'utf8' });
    expect(table).toMatch(/Results per variant[\s\S]*FC\s+fcnet\s+82,662\s+2/);
    expect(existsSync(join(out, 'report.html'))).toBe(true);
    const json = JSON.parse(execFileSync('node', [cli, 'report', out, '--json'], { encoding: 'utf8' }));
    expect(json.runsDone).toBe(2);
    expect(json.variants[0].testAccuracy.n).toBe(2);
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toContain('# tiny-cli');
  });

  it('--dry-run lists the plan against the stored runs and the cache, with a time from stored timings, writing nothing', () => {
    const file = join(dir, 'tiny.json');
    const out = join(dir, 'out');
    const dry = (...args: string[]) => JSON.parse(execFileSync('node', [cli, 'study', file, '--out', out, '--workers', '1', '--dry-run', '--json', ...args], { encoding: 'utf8' }));
    const same = dry();
    expect(same).toMatchObject({ schemaVersion: 1, study: 'tiny-cli', planned: 2, workers: 1, seconds: null });
    expect(same.rows.map((r: { status: string }) => r.status)).toEqual(['stored', 'stored']);
    // One more round: its run is new; its time comes from the two stored runs of the same model.
    const more = dry('--set', 'rounds=3');
    expect(more.rows.map((r: { status: string }) => r.status)).toEqual(['stored', 'stored', 'train']);
    expect(more.seconds).toBeGreaterThan(0);
    expect(more.timedRuns).toBeGreaterThanOrEqual(2);
    // A changed field for every run: nothing stored matches; the run cache has none of them either.
    expect(dry('--set', 'optimizer.lr=0.01').rows.map((r: { status: string }) => r.status)).toEqual(['train', 'train']);
    const fresh = join(dir, 'never');
    const text = execFileSync('node', [cli, 'study', file, '--out', fresh, '--dry-run'], { encoding: 'utf8' });
    expect(text).toMatch(/FC\s+2\s+0\s+\d\s+\d/);
    expect(existsSync(fresh)).toBe(false);
    const bad = spawnSync('node', [cli, 'study', file, '--dry-run', '--set', 'optimizer.rate=1'], { encoding: 'utf8' });
    expect([bad.status, bad.stderr]).toEqual([2, expect.stringContaining("--set optimizer.rate: unknown RunConfig field 'optimizer.rate'")]);
  });

  it('--set rounds=3 --quiet trains the new round only, with no progress on stderr', () => {
    const file = join(dir, 'tiny.json');
    const out = join(dir, 'out');
    const r = spawnSync('node', [cli, 'study', file, '--out', out, '--workers', '1', '--set', 'rounds=3', '--quiet'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^pairnet: .*differs from the study last run[^\n]*\npairnet: 1 runs trained in [\d.]+ s, 0 taken from the run cache, 2 found stored; report: [^\n]*\n$/);
    expect(JSON.parse(readFileSync(join(out, 'study.json'), 'utf8')).rounds).toBe(3);
  });

  it('a --variant subset that finished exits 0, saying the other runs are pending', () => {
    const file = join(dir, 'two.json');
    writeFileSync(file, JSON.stringify({ ...config, name: 'two', rounds: 1, variants: [{ name: 'FC', model: 'fcnet' }, { name: 'FC + AL', model: 'fcnet', overrides: { loss: { main: 0.5, aux: 0.25 } } }] }));
    const r = spawnSync('node', [cli, 'study', file, '--out', join(dir, 'two'), '--workers', '1', '--variant', 'FC', '--quiet'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain('study incomplete (1 of 2 runs stored): the runs of --variant FC are done; run the same command again to resume');
  });

  it('exits non-zero with the field and value of a bad config', () => {
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ ...config, epochs: -1 }));
    const r = spawnSync('node', [cli, 'study', file], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`${file}: epochs: expected an integer >= 1, got -1`);
  });

  it.each(['SIGTERM', 'SIGHUP'] as const)('%s stops a study as Ctrl-C does: in-flight runs stored, lock removed, resumable', async (signal) => {
    const file = join(dir, `${signal}.json`);
    const out = join(dir, `out-${signal}`);
    writeFileSync(file, JSON.stringify({ ...config, name: 'tiny-signal', rounds: 50 }));
    const child = spawn('node', [cli, 'study', file, '--workers', '1', '--out', out], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const results = join(out, 'results.jsonl');
    const deadline = Date.now() + 60_000;
    while (!(existsSync(results) && readFileSync(results, 'utf8').length > 0) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(existsSync(join(out, 'study.lock'))).toBe(true);
    child.kill(signal);
    const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    expect(stderr).toContain(`${signal}: stopping after the runs in flight finish`);
    expect(code).toBe(130);
    expect(existsSync(join(out, 'study.lock'))).toBe(false);
    const stored = readFileSync(results, 'utf8').trim().split('\n').length;
    expect(stored).toBeGreaterThanOrEqual(1);
    expect(stored).toBeLessThan(50);
    expect(stderr).toMatch(/study incomplete \(\d+ of 50 runs stored\)/);
  });
});
