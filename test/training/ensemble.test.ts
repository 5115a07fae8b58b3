import { describe, expect, it } from 'vitest';
import { prepareRunData, shiftPairs } from '../../src/data/index.js';
import { Rng } from '../../src/engine/rng.js';
import { buildModel } from '../../src/models/registry.js';
import type { Tensor } from '../../src/engine/index.js';
import { Batch } from '../../src/training/batches.js';
import type { RunConfig } from '../../src/training/config.js';
import { defaultRunConfig } from '../../src/training/defaults.js';
import { comparisonProbability } from '../../src/models/probability.js';
import { evaluateEnsemble, predictEnsemble, shifts } from '../../src/training/ensemble.js';
import { evaluate } from '../../src/training/evaluate.js';
import { runTraining, cachedLoadMnist } from '../../src/training/run.js';
import { resolveRunConfig } from '../../src/training/validate.js';

const config = defaultRunConfig();
const data = prepareRunData(cachedLoadMnist(config.data.source), { ...config.data, trainPairs: 100, testPairs: 200 }, 7);

describe('test-time views', () => {
  it('lists (0, 0) first, then the other shifts of the square', () => {
    expect(shifts(0)).toEqual([[0, 0]]);
    expect(shifts(1)).toHaveLength(9);
    expect(shifts(1)[0]).toEqual([0, 0]);
    expect(new Set(shifts(2).map(String)).size).toBe(25);
  });

  it('shifts every image alike, fills what it vacates, keeps classes and targets', () => {
    const s = shiftPairs(data.test, 1, -2, -7);
    const side = 14;
    const img = 5;
    const at = (set: typeof s, x: number, y: number): number => set.input[img * side * side + y * side + x];
    expect(at(s, 4, 3)).toBe(at(data.test, 3, 5));
    expect(at(s, 0, 6)).toBe(-7);
    expect(at(s, 6, 12)).toBe(-7);
    expect(Array.from(s.classes)).toEqual(Array.from(data.test.classes));
    expect(Array.from(s.target)).toEqual(Array.from(data.test.target));
    expect(() => shiftPairs(s, 0, 0, 0, s)).toThrow(/in place/);
  });
});

describe('evaluateEnsemble', () => {
  const a = buildModel('convsepnet', {}, new Rng(1));
  const b = buildModel('convsepnet', {}, new Rng(2));

  it('scores one model without views as evaluate does (accuracy, digits, cross-entropy loss)', () => {
    const e = evaluateEnsemble([a], data.test, { tta: 0, fill: 0 });
    const ref = evaluate(a, data.test);
    expect(e.accuracy).toBe(ref.accuracy);
    expect(e.digitAccuracy).toBe(ref.digitAccuracy);
    expect(Math.abs(e.loss - ref.loss)).toBeLessThan(1e-5);
  });

  it('averages probabilities: a model twice is the model; two models predict by their mean', () => {
    expect(evaluateEnsemble([a, a], data.test, { tta: 0, fill: 0 })).toEqual(evaluateEnsemble([a], data.test, { tta: 0, fill: 0 }));
    const pa = a.forward(batchOf(data.test), false).main.data.slice();
    const pb = b.forward(batchOf(data.test), false).main.data.slice();
    let hits = 0;
    for (let i = 0; i < data.test.count; i++) {
      const p = (comparisonProbability('ce', pa, i) + comparisonProbability('ce', pb, i)) / 2;
      hits += Number((p > 0.5 ? 1 : 0) === data.test.target[i]);
    }
    expect(evaluateEnsemble([a, b], data.test, { tta: 0, fill: 0 }).accuracy).toBe(hits / data.test.count);
  });

  it('with views averages the model over every shifted copy of the pairs, (0, 0) included', () => {
    const fill = -0.4;
    const sum = new Float64Array(data.test.count);
    for (const [dx, dy] of shifts(1)) {
      const out = a.forward(batchOf(shiftPairs(data.test, dx, dy, fill)), false).main.data;
      for (let i = 0; i < data.test.count; i++) sum[i] += comparisonProbability('ce', out, i);
    }
    let hits = 0;
    let nll = 0;
    for (let i = 0; i < data.test.count; i++) {
      const p = sum[i] / 9;
      hits += Number((p > 0.5 ? 1 : 0) === data.test.target[i]);
      nll -= Math.log(data.test.target[i] === 1 ? p : 1 - p) / data.test.count;
    }
    const e = evaluateEnsemble([a], data.test, { tta: 1, fill });
    expect(e.accuracy).toBe(hits / data.test.count);
    expect(Math.abs(e.loss - nll)).toBeLessThan(1e-6);
  });

  it('predicts each digit by the softmax of its logits, averaged over the members', () => {
    const { prob, digits } = predictEnsemble([a, b], data.test, { tta: 0, fill: 0 });
    const outs = [a, b].map((m) => m.forward(batchOf(data.test), false));
    for (const i of [0, 17, data.test.count - 1]) {
      expect(prob[i]).toBeCloseTo((comparisonProbability('ce', outs[0].main.data, i) + comparisonProbability('ce', outs[1].main.data, i)) / 2, 6);
      for (let k = 0; k < 2; k++) {
        const want = [0, 1].map((m) => softmax(outs[m].digits![k].data.subarray(i * 10, i * 10 + 10)));
        for (let c = 0; c < 10; c++) expect(digits![i * 20 + k * 10 + c]).toBeCloseTo((want[0][c] + want[1][c]) / 2, 6);
      }
    }
  });

  it('gives the same scores whatever its batch size', () => {
    const whole = evaluateEnsemble([a, b], data.test, { tta: 1, fill: 0 });
    const batched = evaluateEnsemble([a, b], data.test, { tta: 1, fill: 0, batchSize: 64 });
    expect(batched.accuracy).toBe(whole.accuracy);
    expect(batched.digitAccuracy).toBe(whole.digitAccuracy);
    expect(Math.abs(batched.loss - whole.loss)).toBeLessThan(1e-9);
  });

  it('reports digit accuracy only when every member has digit outputs', () => {
    const mlp = buildModel('lrelu-mlp', {}, new Rng(4));
    expect(mlp.hasDigits).toBe(false);
    expect(evaluateEnsemble([a, mlp], data.test, { tta: 0, fill: 0 }).digitAccuracy).toBeNull();
    expect(evaluateEnsemble([a], data.test, { tta: 0, fill: 0 }).digitAccuracy).not.toBeNull();
  });

  it('with views differs from without (the shifted pairs are scored too)', () => {
    expect(evaluateEnsemble([a], data.test, { tta: 1, fill: 0 }).loss).not.toBe(evaluateEnsemble([a], data.test, { tta: 0, fill: 0 }).loss);
  });
});

function softmax(logits: Float32Array): number[] {
  const e = Array.from(logits, (v) => Math.exp(v));
  const sum = e.reduce((x, y) => x + y, 0);
  return e.map((v) => v / sum);
}

function batchOf(set: typeof data.test): Tensor {
  return new Batch().fill(set, Int32Array.from({ length: set.count }, (_, i) => i), 0, set.count);
}

describe('an ensemble run', () => {
  const small = (over: object): RunConfig =>
    resolveRunConfig(defaultRunConfig(), { model: 'fcnet', epochs: 2, evalEveryEpoch: false, data: { trainPairs: 200, testPairs: 100 } }, over);

  it('trains its first member exactly as the single run and records each member', () => {
    const single = runTraining(small({}));
    const trio = runTraining(small({ ensemble: 3 }));
    expect(single.members).toBeUndefined();
    expect(trio.members).toHaveLength(3);
    expect(trio.members![0].testAccuracy).toBe(single.final.testAccuracy);
    expect(trio.members![0].testLoss).toBe(single.final.testLoss);
    expect(trio.members![1].testLoss).not.toBe(trio.members![0].testLoss);
    expect(trio.parameterCount).toBe(3 * single.parameterCount);
    expect(trio.final.testLoss).not.toBe(single.final.testLoss);
  });

  it('rejects ensemble and tta values out of range, naming the field', () => {
    expect(() => small({ ensemble: 0 })).toThrow(/ensemble/);
    expect(() => small({ ensemble: 33 })).toThrow(/ensemble.*at most 32/);
    expect(() => small({ tta: 4 })).toThrow(/tta.*0\.\.3/);
    expect(() => small({ tta: 1.5 })).toThrow(/tta/);
  });
});
