/**
 * The PyTorch side-by-side: runs tools/disc_torch.py (Debian's python3-torch) on exactly the data sets pairnet
 * trained on, with the same hyper-parameters. Optional: nothing else in pairnet needs Python or PyTorch.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DiscSet } from '../data/disc.js';
import type { DiscConfig } from './config.js';

export const DEFAULT_PYTHON = '/usr/bin/python3';

export interface TorchDiscResult {
  torch: string;
  threads: number;
  runs: { seed: number; trainError: number; testError: number; finalLoss: number; seconds: number; cpuSeconds: number }[];
  meanTestError: number;
  stdTestError: number;
  meanSeconds: number;
  meanCpuSeconds: number;
}

/** tools/disc_torch.py, found by walking up from this file (works from src/ under vitest and from dist/src/). */
export function torchScriptPath(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const candidate = join(dir, 'tools', 'disc_torch.py');
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  throw new Error('disc: tools/disc_torch.py not found next to the pairnet package');
}

/** The PyTorch version `python` can import, or null when it cannot import torch. */
export function torchVersion(python: string): string | null {
  const r = spawnSync(python, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8', timeout: 60_000 });
  return r.status === 0 ? r.stdout.trim() : null;
}

export function runTorchDisc(
  python: string,
  config: DiscConfig,
  sets: readonly { seed: number; train: DiscSet; test: DiscSet }[],
): TorchDiscResult {
  const dir = mkdtempSync(join(tmpdir(), 'pairnet-disc-'));
  try {
    const dataFile = join(dir, 'sets.json');
    const doc = {
      sets: sets.map((s) => ({
        seed: s.seed,
        trainX: Array.from(s.train.input),
        trainY: Array.from(s.train.target),
        testX: Array.from(s.test.input),
        testY: Array.from(s.test.target),
      })),
    };
    writeFileSync(dataFile, JSON.stringify(doc));
    const args = [
      torchScriptPath(),
      '--data', dataFile,
      '--epochs', String(config.epochs),
      '--lr', String(config.lr),
      '--batch-size', String(config.batchSize),
      '--activation', config.activation,
      '--outputs', String(config.outputs),
      '--decay-epoch', String(config.decayEpoch),
      '--decay-factor', String(config.decayFactor),
      ...(config.standardize ? [] : ['--no-standardize']),
    ];
    const r = spawnSync(python, args, { encoding: 'utf8', maxBuffer: 64 << 20 });
    if (r.status !== 0) {
      throw new Error(`disc: ${python} tools/disc_torch.py failed (exit ${r.status}): ${r.stderr.trim().slice(-800)}`);
    }
    return JSON.parse(r.stdout) as TorchDiscResult;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
