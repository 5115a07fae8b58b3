import { describe, expect, it } from 'vitest';
import { resolveDiscConfig } from '../../src/disc/config.js';
import { runDiscMany } from '../../src/disc/experiment.js';
import { buildDiscNet, discClasses, discTargets, trainDisc } from '../../src/disc/train.js';
import { Rng, fromArray } from '../../src/engine/index.js';

// 20 epochs (lr drop at 10) measured at 2.5% +- 1.0% (1 output) and 2.2% +- 0.4% (2 outputs) over 5 seeds;
// chance is ~50% (the disc covers half the square), so 6% only passes if training really works.
const SHORT = { epochs: 20 };

describe('disc training', () => {
  it('builds the statement network 2 -> 25 -> 25 -> 25 -> k', () => {
    const net = buildDiscNet('tanh', 1, new Rng(1));
    expect(net.params().map((p) => `${p.name} ${p.value.shape.join('x')}`)).toEqual([
      '0.weight 25x2', '0.bias 25', '2.weight 25x25', '2.bias 25', '4.weight 25x25', '4.bias 25', '6.weight 1x25', '6.bias 1',
    ]);
    expect(buildDiscNet('relu', 2, new Rng(1)).describe()).toContain('ReLU()');
  });

  it('targets and predicted classes: 0/1 with threshold 0.5, or one-hot with argmax', () => {
    expect(Array.from(discTargets([1, 0, 1], 1))).toEqual([1, 0, 1]);
    expect(Array.from(discTargets([1, 0], 2))).toEqual([0, 1, 1, 0]);
    expect(Array.from(discClasses(fromArray([3, 1], [0.49, 0.51, 2]), 1))).toEqual([0, 1, 1]);
    expect(Array.from(discClasses(fromArray([2, 2], [0.2, 0.7, 0.9, -1]), 2))).toEqual([1, 0]);
  });

  it('one output: a short run reaches a low test error and the loss falls', () => {
    const run = trainDisc(resolveDiscConfig({ ...SHORT, seed: 3 }));
    expect(run.testError).toBeLessThan(0.06);
    expect(run.trainError).toBeLessThan(0.06);
    expect(run.epochs).toHaveLength(20);
    expect(run.epochs[19].loss).toBeLessThan(run.epochs[0].loss / 2);
    expect(run.epochs[19].testError).toBe(run.testError);
  });

  it('two outputs (one-hot, argmax): a short run reaches a low test error', () => {
    const run = trainDisc(resolveDiscConfig({ ...SHORT, outputs: 2, seed: 4 }));
    expect(run.model.forward(fromArray([1, 2], [0, 0]), false).shape).toEqual([1, 2]);
    expect(run.testError).toBeLessThan(0.06);
  });

  it('is deterministic for a seed and differs across seeds', () => {
    const c = resolveDiscConfig({ epochs: 3, seed: 11 });
    const a = trainDisc(c);
    const b = trainDisc(c);
    expect(b.epochs).toEqual(a.epochs);
    expect(b.model.params().map((p) => Array.from(p.value.data))).toEqual(a.model.params().map((p) => Array.from(p.value.data)));
    const other = trainDisc({ ...c, seed: 12 });
    expect(Array.from(other.train.input)).not.toEqual(Array.from(a.train.input));
  });

  it('runs without curves evaluate only at the end, with the same final errors', () => {
    const c = resolveDiscConfig({ epochs: 4, seed: 5 });
    const withCurves = trainDisc(c);
    const without = trainDisc(c, { curves: false });
    expect(without.epochs[0].testError).toBeNull();
    expect(without.testError).toBe(withCurves.testError);
    expect(without.epochs.map((e) => e.loss)).toEqual(withCurves.epochs.map((e) => e.loss));
  });

  it('multi-run: run i uses seed + i, statistics over the runs', () => {
    const m = runDiscMany(resolveDiscConfig({ epochs: 2, seed: 7 }), 3);
    expect(m.runs.map((r) => r.seed)).toEqual([7, 8, 9]);
    expect(m.test.n).toBe(3);
    const mean = m.runs.reduce((s, r) => s + r.testError, 0) / 3;
    expect(m.test.mean).toBeCloseTo(mean, 12);
    expect(m.first.config.seed).toBe(7);
  });
});
