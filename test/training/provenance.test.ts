import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { kernelVariant, nativeStatus } from '../../src/engine/kernels/index.js';
import { defaultRunConfig } from '../../src/training/defaults.js';
import type { RunRecord } from '../../src/training/record.js';
import { runTraining } from '../../src/training/run.js';
import { resolveRunConfig } from '../../src/training/validate.js';

const cli = fileURLToPath(new URL('../../dist/src/cli/main.js', import.meta.url));
const flags = ['--model', 'convnet', '--aux-fraction', '0.5', '--epochs', '2', '--batch-size', '50', '--seed', '11'];

/** The run's bits: everything but timings and the host fields. */
function bits(r: RunRecord): unknown {
  return { config: r.config, final: r.final, epochs: r.epochs.map(({ seconds: _s, ...m }) => m), parameterCount: r.parameterCount };
}

describe('provenance and one kernel build on every entry point', () => {
  it('the library picks relaxed SIMD by itself, as the CLI does (Node 20 keeps it behind a V8 flag)', () => {
    expect(kernelVariant()).toBe('relaxed');
  });

  it('the library (runTraining) and the CLI (pairnet train --json) give bit-identical records for one config', () => {
    const fromCli = JSON.parse(execFileSync('node', [cli, 'train', ...flags, '--json'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })) as RunRecord;
    const config = resolveRunConfig(defaultRunConfig(), { model: 'convnet', loss: { main: 0.5, aux: 0.25 }, epochs: 2, batchSize: 50, seed: 11 });
    const fromLibrary = runTraining(config);
    expect(fromLibrary.config).toEqual(fromCli.config);
    expect(bits(fromLibrary)).toEqual(bits(fromCli));
    expect(fromLibrary.provenance?.kernels).toBe('relaxed');
    expect(fromCli.provenance).toEqual(fromLibrary.provenance);
    expect(fromLibrary.provenance?.node).toBe(process.version);
    expect(fromLibrary.provenance?.cpu).toBeTruthy();
    expect(fromLibrary.provenance?.commit).toMatch(/^[0-9a-f]{40}(-dirty)?$/);
  }, 60_000);

  it('PAIRNET_KERNELS=simd pins the plain build, which the record names', () => {
    const plain = JSON.parse(
      execFileSync('node', [cli, 'train', ...flags, '--json'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, PAIRNET_KERNELS: 'simd' } }),
    ) as RunRecord;
    expect(plain.provenance?.kernels).toBe('simd');
    expect(plain.final.testAccuracy).toBeGreaterThan(0.6);
    expect(() => execFileSync('node', [cli, 'train', ...flags], { stdio: 'pipe', env: { ...process.env, PAIRNET_KERNELS: 'avx' } })).toThrow(/PAIRNET_KERNELS must be relaxed, simd or auto, got "avx"/);
  }, 60_000);

  it('--backend native trains on the native GEMM, which the record names; a bad choice is refused', () => {
    const status = nativeStatus();
    if (status.available) {
      const run = (args: string[]): RunRecord =>
        JSON.parse(execFileSync('node', [cli, 'train', ...flags, ...args, '--json'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })) as RunRecord;
      const native = run(['--backend', 'native']);
      expect(native.provenance?.backend).toBe(`native-${status.isa}+wasm-relaxed`);
      expect(native.final.testAccuracy).toBeGreaterThan(0.6);
      expect(run(['--backend', 'wasm']).provenance).not.toHaveProperty('backend');
    }
    expect(() => execFileSync('node', [cli, 'train', ...flags, '--backend', 'gpu'], { stdio: 'pipe' })).toThrow(/--backend must be wasm, native or auto, got "gpu"/);
  }, 60_000);

  it('with the addon hidden (PAIRNET_NATIVE=off) --backend auto says so in one line and trains on WebAssembly; native refuses', () => {
    const env = { ...process.env, PAIRNET_NATIVE: 'off' };
    const r = spawnSync('node', [cli, 'train', ...flags, '--backend', 'auto', '--json'], { encoding: 'utf8', env });
    expect(r.status).toBe(0);
    expect(r.stderr).toContain('pairnet: native backend unavailable (hidden by PAIRNET_NATIVE=off); using WebAssembly\n');
    const record = JSON.parse(r.stdout) as RunRecord;
    expect(record.provenance).not.toHaveProperty('backend');
    expect(record.provenance?.kernels).toBe('relaxed');
    expect(() => execFileSync('node', [cli, 'train', ...flags, '--backend', 'native'], { stdio: 'pipe', env })).toThrow(/native backend: hidden by PAIRNET_NATIVE=off/);
  }, 60_000);
});
