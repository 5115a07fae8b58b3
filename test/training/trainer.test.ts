import { describe, expect, it } from 'vitest';
import type { RunConfig } from '../../src/training/config.js';
import { defaultRunConfig } from '../../src/training/defaults.js';
import { NonFiniteLossError, type EpochMetrics, type RunRecord } from '../../src/training/record.js';
import { runTraining } from '../../src/training/run.js';
import { resolveRunConfig } from '../../src/training/validate.js';

const small = (over: object): RunConfig =>
  resolveRunConfig(defaultRunConfig(), { model: 'fcnet', epochs: 2, data: { trainPairs: 200, testPairs: 100 } }, over);
const withoutTimes = (r: RunRecord): object => ({ ...r, startedAt: 0, trainingSeconds: 0, epochs: r.epochs.map((e) => ({ ...e, seconds: 0 })) });

describe('runTraining', () => {
  it('is a pure function of the resolved config (apart from timings)', () => {
    const c = small({ loss: { main: 0.5, aux: 0.25 }, data: { augment: { translate: 1, swap: true } } });
    const a = runTraining(c);
    const b = runTraining(structuredClone(c));
    expect(withoutTimes(b)).toEqual(withoutTimes(a));
    expect(withoutTimes(runTraining({ ...c, seed: 1 }))).not.toEqual(withoutTimes(a));
    expect(a.config).toEqual(c);
    expect(a.parameterCount).toBe(82662);
    expect(a.epochs.map((e) => e.epoch)).toEqual([1, 2]);
    expect(a.final.testDigitAccuracy).not.toBeNull();
    expect(a.dataSource).toMatch(/200 train pairs, evaluated on test \(100 pairs\); standardised/);
  });

  it('reports on the holdout fold of the training pairs when asked, and skips per-epoch evaluation when told', () => {
    const seen: EpochMetrics[] = [];
    const r = runTraining(small({ data: { holdout: { folds: 4, fold: 1 } }, evalEveryEpoch: false }), { onEpoch: (m) => seen.push(m) });
    expect(r.dataSource).toMatch(/150 train pairs, evaluated on holdout fold 1 of 4 \(50 pairs\)/);
    expect(seen.map((m) => m.testAccuracy === null)).toEqual([true, false]);
    expect(r.final.testAccuracy).toBe(seen[1].testAccuracy);
  });

  it('times each epoch and the whole run within the wall time, and averages an ensemble over all its members', () => {
    const before = performance.now();
    const r = runTraining(small({ ensemble: 2, evalEveryEpoch: false }));
    const wall = (performance.now() - before) / 1000;
    const epochSeconds = r.epochs.reduce((s, e) => s + e.seconds, 0);
    expect(r.epochs.every((e) => e.seconds > 0)).toBe(true);
    expect(epochSeconds).toBeLessThanOrEqual(r.trainingSeconds);
    expect(r.trainingSeconds).toBeLessThan(wall);
    for (const e of r.epochs) {
      expect(e.trainAccuracy).toBeGreaterThan(0.3);
      expect(e.trainAccuracy).toBeLessThanOrEqual(1);
    }
    expect(r.members).toHaveLength(2);
  });

  it('names the ensemble member whose loss stops being finite', () => {
    let failure: unknown;
    try {
      runTraining(small({ optimizer: { name: 'sgd', lr: 1e12 } }));
    } catch (e) {
      failure = e;
    }
    expect(failure).toBeInstanceOf(NonFiniteLossError);
    expect((failure as Error).name).toBe('NonFiniteLossError');
    expect((failure as NonFiniteLossError).failure.epoch).toBe(1);
    expect(() => runTraining(small({ ensemble: 2, optimizer: { name: 'sgd', lr: 1e12 } }))).toThrow(/^fcnet \(ensemble member 1\): loss is (NaN|Infinity) at epoch 1, batch \d+ of 8 \(main /);
  });

  it('stops with the epoch and step when the loss stops being finite', () => {
    expect(() => runTraining(small({ optimizer: { name: 'sgd', lr: 1e12 } }))).toThrow(/fcnet: loss is (NaN|Infinity) at epoch \d+, batch \d+ of \d+/);
  });

  it('refuses auxiliary weight for a model without auxiliary outputs', () => {
    expect(() => runTraining(small({ model: 'lrelu-mlp', loss: { aux: 0.5 } }))).toThrow(/'lrelu-mlp' has no auxiliary outputs: loss\.aux must be 0, got 0\.5/);
  });

  // Report 000's ConvSepNet + auxiliary losses (f = 0.5) learns the task: a fixed seed, 12 epochs, Adam at 3e-3
  // dropped to 9e-4 after epoch 10 (measured 91.0-91.1% test across kernel builds, ~96% digits; a broken gradient
  // or loss stays far below).
  it('ConvSepNet + aux reaches >= 90% test accuracy on the embedded data in a short run', () => {
    const r = runTraining(
      resolveRunConfig(defaultRunConfig(), {
        model: 'convsepnet',
        epochs: 12,
        loss: { main: 0.5, aux: 0.25 },
        optimizer: { lr: 3e-3 },
        schedule: { kind: 'multistep', milestones: [10], gamma: 0.3 },
        evalEveryEpoch: false,
        seed: 0,
      }),
    );
    expect(r.final.testAccuracy).toBeGreaterThanOrEqual(0.9);
    expect(r.final.testDigitAccuracy).toBeGreaterThanOrEqual(0.93);
  }, 120_000);
});
