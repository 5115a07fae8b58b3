// Every command's exit codes: 0 success, 1 runtime error, 2 usage error (commander's own: an unknown flag, a missing
// argument; or a flag's value). 130, only after a stop signal, is tested with `pairnet study` (study-command.test.ts),
// a --variant subset that finished (0) there too; `pairnet train` has its own cases in cli-train.test.ts.
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Rng } from '../../src/engine/rng.js';
import { buildModel } from '../../src/models/registry.js';
import { encodeCheckpoint } from '../../src/training/checkpoint.js';
import { defaultRunConfig } from '../../src/training/defaults.js';

const cli = join('dist', 'src', 'cli', 'main.js');
const dir = mkdtempSync(join(tmpdir(), 'pairnet-exit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const missing = join(dir, 'missing');
const sweep = join(dir, 'sweep');
cpSync(join('results', '000-aux-weight-sweep'), sweep, { recursive: true });
const weights = join(dir, 'fcnet.safetensors');
writeFileSync(weights, encodeCheckpoint(buildModel('fcnet', {}, new Rng(1)), { ...defaultRunConfig(), model: 'fcnet' }, null));

const CASES: [string, string[], number][] = [
  ['models', [], 0], ['models', ['--bogus'], 2],
  ['data', ['--pairs', '10'], 0], ['data', ['--pairs', 'x'], 2], ['data', ['--mnist', missing], 1],
  ['disc', ['--epochs', '2', '--quiet'], 0], ['disc', ['--outputs', '4'], 2], ['disc', ['--epochs', '2', '--quiet', '--compare-torch', '--python', missing], 1],
  ['serve', ['--port', 'x'], 2], ['serve', ['--port', '0', '--reports', missing], 1],
  ['worker', [], 2], ['worker', ['--queue', 'redis://127.0.0.1:1', '--concurrency', '0'], 2],
  ['queue', [], 2],
  ['report', [sweep], 0], ['report', [], 2], ['report', [missing], 1],
  ['export', [sweep], 0], ['export', ['--format', 'xml', sweep], 2], ['export', [missing], 1],
  ['eval', ['--weights', weights, '--pairs', '20'], 0], ['eval', [], 2], ['eval', ['--weights', weights, '--pairs', '0'], 2], ['eval', ['--weights', missing], 1],
  ['study', ['studies/quick.json', '--workers', '0'], 2], ['study', [missing], 1], ['study', ['studies/quick.json', '--set', 'rounds=0'], 2],
  ['train', ['--model', 'fcnet', '--set', 'epochs=0'], 2],
];

const exitCode = (args: string[]): Promise<{ code: number; stderr: string }> =>
  new Promise((done) => execFile('node', [cli, ...args], { encoding: 'utf8', timeout: 60_000 }, (err, _out, stderr) => done({ code: err ? Number(err.code) : 0, stderr })));

describe('exit codes', () => {
  it('of every command: 0 success, 1 runtime error, 2 usage error', async () => {
    const got: string[] = [];
    // Three at a time: each is a process of its own.
    for (let i = 0; i < CASES.length; i += 3) {
      const batch = CASES.slice(i, i + 3);
      const codes = await Promise.all(batch.map(([command, args]) => exitCode([command, ...args])));
      batch.forEach(([command, args], j) => got.push(`${command} ${args.join(' ')} -> ${codes[j].code}${codes[j].code > 2 ? ` ${codes[j].stderr}` : ''}`));
    }
    expect(got).toEqual(CASES.map(([command, args, code]) => `${command} ${args.join(' ')} -> ${code}`));
  }, 300_000);

  it('--help and --version succeed; an unknown command is a usage error', async () => {
    expect((await exitCode(['--help'])).code).toBe(0);
    expect((await exitCode(['train', '--help'])).code).toBe(0);
    expect((await exitCode(['--version'])).code).toBe(0);
    expect(await exitCode(['nope'])).toEqual({ code: 2, stderr: expect.stringContaining("unknown command 'nope'") });
  });
});
