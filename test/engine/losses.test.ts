import { describe, expect, it } from 'vitest';
import { assertGradcheck, gradcheckLoss } from '../../src/engine/gradcheck.js';
import { BCEWithLogitsLoss, CrossEntropyLoss, MSELoss, NLLLoss } from '../../src/engine/losses.js';
import { LogSoftmax } from '../../src/engine/modules/softmax.js';
import { Rng } from '../../src/engine/rng.js';
import { fromArray, zeros } from '../../src/engine/tensor.js';
import { normal } from './module-checks.js';

describe('MSELoss', () => {
  it('is the mean squared error and its gradient', () => {
    const l = new MSELoss();
    expect(l.forward(fromArray([2, 2], [1, 2, 3, 4]), Float32Array.from([1, 0, 3, 2]))).toBeCloseTo((4 + 4) / 4, 12);
    expect(Array.from(l.backward().data)).toEqual([0, 1, 0, 1]);
    expect(Array.from(l.backward(0.5).data)).toEqual([0, 0.5, 0, 0.5]);
  });

  it('passes a gradient check and accepts a Tensor target', () => {
    const rng = new Rng(1);
    assertGradcheck(gradcheckLoss(new MSELoss(), normal([4, 3], rng), normal([4, 3], rng)), 'MSELoss');
  });

  it('rejects a target of another size', () => {
    expect(() => new MSELoss().forward(zeros([4, 3]), zeros([4, 2]))).toThrow(
      'MSELoss(): prediction [4, 3] and target [4, 2] differ in size',
    );
  });
});

describe('CrossEntropyLoss', () => {
  it('matches -log softmax at the target, stably for huge logits', () => {
    const l = new CrossEntropyLoss();
    const v = l.forward(fromArray([1, 3], [1, 2, 3]), Int32Array.from([0]));
    expect(v).toBeCloseTo(Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3)) - 1, 6);
    const big = l.forward(fromArray([2, 2], [1000, 0, -1000, 1000]), Int32Array.from([0, 0]));
    expect(big).toBeCloseTo(1000, 6);
    expect(Number.isFinite(big)).toBe(true);
    expect(l.backward().data.every(Number.isFinite)).toBe(true);
  });

  it('passes a gradient check; backward(scale) scales', () => {
    const rng = new Rng(2);
    const pred = normal([5, 4], rng, 2);
    const t = Int32Array.from([0, 3, 2, 1, 3]);
    assertGradcheck(gradcheckLoss(new CrossEntropyLoss(), pred, t), 'CrossEntropyLoss');
    const l = new CrossEntropyLoss();
    l.forward(pred, t);
    const g1 = Float32Array.from(l.backward(1).data);
    const g3 = l.backward(3).data;
    g1.forEach((v, i) => expect(g3[i]).toBeCloseTo(3 * v, 6));
  });

  it('names mismatched N and out-of-range classes', () => {
    const l = new CrossEntropyLoss();
    expect(() => l.forward(zeros([4, 10]), new Int32Array(3))).toThrow(
      'CrossEntropyLoss(): input [4, 10] has N = 4 but target has 3 entries',
    );
    expect(() => l.forward(zeros([2, 10]), Int32Array.from([1, 10]))).toThrow(
      'CrossEntropyLoss(): target[1] = 10 is out of range for 10 classes',
    );
    expect(() => l.forward(zeros([2, 10]), Int32Array.from([-1, 0]))).toThrow('target[0] = -1');
    expect(() => l.forward(zeros([10]), new Int32Array(10))).toThrow('expected input [N, C], got [10]');
  });
});

describe('NLLLoss', () => {
  it('is minus the mean log-probability of the targets and passes a gradient check', () => {
    const l = new NLLLoss();
    expect(l.forward(fromArray([2, 2], [-0.5, -1, -2, -0.25]), Int32Array.from([1, 0]))).toBeCloseTo(1.5, 6);
    expect(Array.from(l.backward().data)).toEqual([0, -0.5, -0.5, 0]);
    assertGradcheck(gradcheckLoss(new NLLLoss(), normal([3, 5], new Rng(3)), Int32Array.from([4, 0, 2])), 'NLLLoss');
    expect(() => l.forward(zeros([2, 3]), Int32Array.from([0, 3]))).toThrow('NLLLoss(): target[1] = 3 is out of range');
  });
});

describe('NLLLoss after LogSoftmax', () => {
  it('equals CrossEntropyLoss on the logits, value and gradient', () => {
    const logits = normal([6, 5], new Rng(8), 3);
    const t = Int32Array.from([0, 4, 2, 2, 1, 3]);
    const ce = new CrossEntropyLoss();
    const expected = ce.forward(logits, t);
    const gradCe = ce.backward().data;
    const ls = new LogSoftmax();
    const nll = new NLLLoss();
    expect(nll.forward(ls.forward(logits), t)).toBeCloseTo(expected, 5);
    const grad = ls.backward(nll.backward()).data;
    grad.forEach((v, i) => expect(v).toBeCloseTo(gradCe[i], 6));
  });
});

describe('BCEWithLogitsLoss', () => {
  it('matches the plain formula and stays finite for huge logits', () => {
    const l = new BCEWithLogitsLoss();
    const x = [0.3, -1.2];
    const t = [1, 0];
    const expected =
      x.reduce((s, v, i) => s - (t[i] * Math.log(1 / (1 + Math.exp(-v))) + (1 - t[i]) * Math.log(1 - 1 / (1 + Math.exp(-v)))), 0) / 2;
    expect(l.forward(fromArray([2], x), Float32Array.from(t))).toBeCloseTo(expected, 6);
    expect(l.forward(fromArray([2, 1], [200, -200]), Float32Array.from([0, 1]))).toBeCloseTo(200, 6);
  });

  it('passes a gradient check on [N] and [N, 1]', () => {
    const rng = new Rng(4);
    const t = Float32Array.from([1, 0, 0.3, 1]);
    assertGradcheck(gradcheckLoss(new BCEWithLogitsLoss(), normal([4], rng, 2), t), 'BCE [N]');
    assertGradcheck(gradcheckLoss(new BCEWithLogitsLoss(), normal([4, 1], rng, 2), t), 'BCE [N,1]');
  });

  it('names wrong shapes', () => {
    const l = new BCEWithLogitsLoss();
    expect(() => l.forward(zeros([4, 2]), new Float32Array(4))).toThrow(
      'BCEWithLogitsLoss(): expected input [N] or [N, 1], got [4, 2]',
    );
    expect(() => l.forward(zeros([4]), new Float32Array(5))).toThrow('has N = 4 but target has 5 entries');
  });
});
