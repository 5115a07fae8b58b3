import { Command } from 'commander';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { register } from '../../src/cli/commands/disc.js';
import { DISC_DEFAULTS } from '../../src/disc/config.js';
import { planDisc } from '../../src/disc/options.js';
import { runDisc } from '../../src/disc/run.js';
import { DEFAULT_PYTHON, torchVersion } from '../../src/disc/torch.js';

/** Runs `pairnet disc ...args` in-process and collects what it prints on stdout (and, with `stderr`, there). */
async function cli(args: string[], stderr: string[] = []): Promise<string[]> {
  const lines: string[] = [];
  const program = new Command().exitOverride();
  register(program);
  const { log, error } = console;
  console.log = (line: string) => lines.push(line);
  console.error = (line: string) => stderr.push(line);
  try {
    await program.parseAsync(['disc', ...args], { from: 'user' });
  } finally {
    console.log = log;
    console.error = error;
  }
  return lines;
}

describe('pairnet disc options', () => {
  it('defaults: one output, tanh, lr drop at half the epochs, standardised inputs, one run', () => {
    const p = planDisc({});
    expect(p.config).toEqual({ ...DISC_DEFAULTS, decayEpoch: DISC_DEFAULTS.epochs / 2 });
    expect(p.runs).toBe(1);
    expect(p.reportDir).toBeNull();
    expect(planDisc({ epochs: '30' }).config.decayEpoch).toBe(15);
    expect(planDisc({ epochs: '30', decayEpoch: '0' }).config.decayEpoch).toBe(0);
    expect(planDisc({ json: true }).quiet).toBe(true);
  });

  it.each([
    [{ epochs: '0' }, "--epochs must be an integer >= 1, got '0'"],
    [{ epochs: 'ten' }, "--epochs must be a number, got 'ten'"],
    [{ lr: '-0.1' }, "--lr must be > 0, got '-0.1'"],
    [{ batchSize: '2.5' }, "--batch-size must be an integer >= 1, got '2.5'"],
    [{ batchSize: '5000' }, '--batch-size 5000 exceeds the 1000 training points'],
    [{ activation: 'sigmoid' }, "--activation must be tanh or relu, got 'sigmoid'"],
    [{ outputs: '3' }, "--outputs must be 1 or 2, got '3'"],
    [{ seed: '-1' }, "--seed must be an integer >= 0, got '-1'"],
    [{ runs: '0' }, "--runs must be an integer >= 1, got '0'"],
    [{ decayEpoch: '100' }, 'decayEpoch must be an integer in [0, epochs - 1]'],
    [{ decayFactor: '2' }, "--decay-factor must be in (0, 1], got '2'"],
    [{ sweepLrs: '0.1,x' }, "--sweep-lrs must be a number, got 'x'"],
    [{ report: '' }, '--report needs a directory'],
  ])('rejects %o', (opts, message) => {
    expect(() => planDisc(opts)).toThrow(message);
  });

  it('the command rejects bad values before training, naming the option', async () => {
    await expect(cli(['--outputs', '4'])).rejects.toThrow("--outputs must be 1 or 2, got '4'");
    await expect(cli(['--activation', 'gelu'])).rejects.toThrow('--activation must be tanh or relu');
  });

  it('--compare-torch fails up front, naming the python, when it cannot import torch', async () => {
    const plan = planDisc({ compareTorch: true, python: '/nonexistent/python3' });
    await expect(runDisc(plan, () => {}, 'pairnet disc --compare-torch')).rejects.toThrow(
      '/nonexistent/python3 cannot import torch',
    );
  });

  // Only where Debian's python3-torch is installed (never in CI): the script trains on the very points pairnet used.
  it.skipIf(torchVersion(DEFAULT_PYTHON) === null)('--compare-torch prints the PyTorch side by side', async () => {
    const lines = await cli(['--epochs', '2', '--compare-torch', '--quiet']);
    expect(lines[1]).toMatch(/^side by side \(1 run\(s\), same data sets; PyTorch 1\./);
    expect(lines[3]).toMatch(/^ {2}PyTorch {2}test error \d+\.\d\d% \+- 0\.00% {2}\d+\.\d\d s wall/);
  });

  it('one run logs the loss every epoch (stderr), then the final errors (stdout)', async () => {
    const progress: string[] = [];
    const lines = await cli(['--epochs', '3', '--seed', '2'], progress);
    expect(progress).toHaveLength(3);
    expect(progress[0]).toMatch(/^epoch 1\/3 {2}loss \d+\.\d{6} {2}train error \d+\.\d\d% {2}test error \d+\.\d\d%$/);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^final: train error \d+\.\d\d% {2}test error \d+\.\d\d%/);
    const quiet = await cli(['--epochs', '3', '--seed', '2', '--quiet']);
    expect(quiet).toHaveLength(1);
    expect(quiet[0].split('(')[0]).toBe(lines[0].split('(')[0]);
  });

  it('--runs prints mean +- std; --json prints one parseable document', async () => {
    const lines = await cli(['--epochs', '2', '--runs', '3', '--quiet']);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^test error over 3 runs: \d+\.\d\d% \+- \d+\.\d\d%/);
    const [json] = await cli(['--epochs', '2', '--runs', '2', '--outputs', '2', '--json']);
    const doc = JSON.parse(json);
    expect(doc.config.outputs).toBe(2);
    expect(doc.test.n).toBe(2);
    expect(doc.runs.map((r: { seed: number }) => r.seed)).toEqual([1, 2]);
  });

  it('--report writes report.md, a self-contained report.html with vega SVG plots, and the SVG files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pairnet-disc-test-'));
    try {
      const plan = planDisc({ epochs: '2', runs: '2', report: dir, sweepLrs: '0.1,0.01', quiet: true });
      const lines: string[] = [];
      await runDisc(plan, (l) => lines.push(l), 'pairnet disc --epochs 2 --runs 2');
      expect(lines.at(-1)).toContain('report.html');
      const md = readFileSync(join(dir, 'report.md'), 'utf8');
      expect(md).toContain('| tanh | 0.01 | 2 |');
      expect(md).toContain('| relu | 0.1 | 2 |');
      expect(md).toContain('`pairnet disc --epochs 2 --runs 2`');
      const html = readFileSync(join(dir, 'report.html'), 'utf8');
      // Four plots inline, rendered by vega (its SVG carries the "marks" class), nothing loaded from elsewhere.
      expect(html.match(/<svg[^>]*class="marks"/g)).toHaveLength(4);
      expect(html).not.toMatch(/<script|src="http/);
      for (const f of ['lr-sweep.svg', 'loss.svg', 'accuracy.svg', 'decision-map.svg']) expect(existsSync(join(dir, f))).toBe(true);
      expect(readdirSync(dir).filter((f) => f.includes('.tmp'))).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
