import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunRecord } from '../../src/training/record.js';

const cli = join('dist', 'src', 'cli', 'main.js');
const run = (...args: string[]) => spawnSync('node', [cli, ...args], { encoding: 'utf8' });
const train = (...args: string[]): string => run('train', '--model', 'fcnet', '--epochs', '1', ...args).stdout;
const dir = mkdtempSync(join(tmpdir(), 'pairnet-cli-train-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A record without what depends on when and where it ran. */
function timeless(r: RunRecord): unknown {
  return { ...r, startedAt: 0, trainingSeconds: 0, epochs: r.epochs.map((e) => ({ ...e, seconds: 0 })), provenance: { ...r.provenance, cpu: null, node: null } };
}

describe('pairnet train output', () => {
  it('shows digit accuracy only for digit heads an auxiliary loss trained', () => {
    expect(train()).toMatch(/^fcnet: test accuracy [\d.]+% \(test\), digit heads untrained \(loss\.aux is 0\), train accuracy/);
    expect(train('--aux-fraction', '0.5')).toMatch(/^fcnet: test accuracy [\d.]+% \(test\), digit accuracy [\d.]+%, train accuracy/);
  });

  it('--ensemble and --tta: the ensemble accuracy, then each member alone; --save keeps every member, eval averages them', () => {
    const weights = join(dir, 'ensemble.safetensors');
    const out = train('--ensemble', '2', '--tta', '1', '--set', 'data.trainPairs=200', '--set', 'data.testPairs=100', '--save', weights);
    expect(out).toMatch(/\nensemble of 2, test-time shifts up to 1 px; each member alone, without shifts: [\d.]+%, [\d.]+%\n/);
    expect(out).toMatch(/parameters 165,324/);
    const evaluated = run('eval', '--weights', weights, '--pairs', '200');
    expect(evaluated.status, evaluated.stderr).toBe(0);
    expect(evaluated.stdout).toMatch(/^fcnet x 2, test-time shifts up to 1 px \(.*ensemble\.safetensors\): test accuracy [\d.]+%, loss [\d.]+ on 200 fresh pairs \(seed 1\)\n$/);
  });

  it('--config re-runs a stored record exactly (apart from times and host); --set applies over it', () => {
    const small = ['--set', 'data.trainPairs=200', '--set', 'data.testPairs=100', '--set', 'model.options.dropout=0.1', '--batch-size', '50'];
    const first = run('train', '--model', 'fcnet', '--epochs', '2', '--aux-fraction', '0.5', ...small, '--json');
    expect(first.status, first.stderr).toBe(0);
    const file = join(dir, 'record.json');
    writeFileSync(file, first.stdout);
    const stored = JSON.parse(first.stdout) as RunRecord;
    expect((stored as unknown as { schemaVersion: number }).schemaVersion).toBe(1);
    expect(stored.config).toMatchObject({ model: 'fcnet', modelOptions: { dropout: 0.1 }, epochs: 2, batchSize: 50, loss: { main: 0.5, aux: 0.25 } });

    const again = run('train', '--config', file, '--json');
    expect(again.status, again.stderr).toBe(0);
    expect(timeless(JSON.parse(again.stdout) as RunRecord)).toEqual(timeless(stored));

    // A results.jsonl line holds the record under "record".
    writeFileSync(join(dir, 'line.json'), JSON.stringify({ key: 'k', configHash: 'h', record: stored }));
    const changed = JSON.parse(run('train', '--config', join(dir, 'line.json'), '--set', 'epochs=1', '--json').stdout) as RunRecord;
    expect(changed.config).toEqual({ ...stored.config, epochs: 1 });
    expect(changed.epochs[0].trainLoss).toBe(stored.epochs[0].trainLoss);
  });

  it('exit codes: 2 for a usage error, 1 for a runtime error, 0 for --help', () => {
    const usage = [
      run('train', '--model', 'fcnet', '--set', 'optimizer.rate=1'),
      run('train', '--model', 'fcnet', '--epochs', 'many'),
      run('train', '--epochs', '1'),
      run('train', '--model', 'fcnet', '--no-such-flag'),
      run('train', '--model', 'fcnet', '--kernels', 'fast'),
    ];
    for (const r of usage) expect([r.status, r.stderr.split('\n')[0]]).toEqual([2, expect.stringMatching(/--set optimizer\.rate: unknown RunConfig field|--epochs: expected a positive integer|give --model NAME|unknown option '--no-such-flag'|--kernels must be relaxed or simd/)]);
    writeFileSync(join(dir, 'bad.json'), '{"config": {"model": "fcnet"}}');
    const bad = run('train', '--config', join(dir, 'bad.json'));
    expect([bad.status, bad.stderr]).toEqual([1, expect.stringContaining(`${join(dir, 'bad.json')}: RunConfig field 'modelOptions' must be`)]);
    expect(run('train', '--config', join(dir, 'missing.json')).status).toBe(1);
    const help = run('train', '--help');
    expect([help.status, help.stdout]).toEqual([0, expect.stringContaining('--set <field=value>')]);
  });
});
