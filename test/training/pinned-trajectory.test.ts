// A pinned training trajectory: the first stored run of each model in results/002 (under a second each) trained again
// from its stored config must give the same record bit for bit: final metrics and every epoch's losses and
// accuracies. Reads whatever the results file holds, so it follows the study when it is re-run.
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { describe, expect, it } from 'vitest';
import { kernelVariant, pinKernelVariant } from '../../src/engine/kernels/index.js';
import type { RunRecord } from '../../src/training/record.js';
import { runTraining } from '../../src/training/run.js';

interface StoredRun {
  key: string;
  record: RunRecord;
}

const RESULTS = new URL('../../results/002-siamese-digit-subnetwork/results.jsonl', import.meta.url);
const stored: StoredRun[] = readFileSync(RESULTS, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as StoredRun);

/** The first stored run of each model, in file order (at most 3). */
function pinnedRuns(): StoredRun[] {
  const seen = new Set<string>();
  return stored.filter((r) => {
    const m = r.record.config.model;
    if (seen.has(m) || seen.size >= 3) return false;
    seen.add(m);
    return true;
  });
}

// Re-run with the kernel build the records name (before provenance, studies ran on relaxed SIMD), pinned before the
// first kernel call. Relaxed SIMD's fused multiply-adds may round differently on another CPU model: there the
// records cannot be matched bit for bit and the comparison is skipped (the plain SIMD build matches everywhere).
const provenance = stored[0]?.record.provenance;
const variant = provenance?.kernels ?? 'relaxed';
pinKernelVariant(variant);
const sameBits = variant === 'simd' || !provenance?.cpu || provenance.cpu === cpus()[0]?.model.trim();

/** Everything a run computes (timings and provenance left out). */
const computed = (r: RunRecord): object => ({
  config: r.config,
  dataSource: r.dataSource,
  parameterCount: r.parameterCount,
  final: r.final,
  epochs: r.epochs.map(({ seconds: _seconds, ...metrics }) => metrics),
});

describe('pinned trajectory (results/002)', () => {
  const runs = pinnedRuns();

  it('has stored runs of more than one model to pin', () => {
    expect(runs.length).toBeGreaterThanOrEqual(2);
    expect(runs.every((r) => r.record.epochs.length >= 5)).toBe(true);
  });

  it.skipIf(!sameBits).each(runs.map((r) => [r.key, r] as const))('%s trains again to the same record, bit for bit', (_key, run) => {
    const again = runTraining(run.record.config);
    expect(kernelVariant()).toBe(variant);
    expect(computed(again)).toEqual(computed(run.record));
    // toEqual compares numbers with Object.is: the losses are the same doubles, not merely close.
    expect(again.epochs.map((e) => e.trainLoss)).toStrictEqual(run.record.epochs.map((e) => e.trainLoss));
  });
});
