// Each module's constructor checks, description, shape errors, and "backward called before forward".
import { describe, expect, it } from 'vitest';
import type { Module } from '../../src/engine/module.js';
import { LeakyReLU, ReLU, Sigmoid, Tanh } from '../../src/engine/modules/activations.js';
import { BatchNorm1d, BatchNorm2d } from '../../src/engine/modules/batchnorm.js';
import { Conv2d } from '../../src/engine/modules/conv.js';
import { AvgPool2d, MaxPool2d } from '../../src/engine/modules/pool.js';
import { Flatten } from '../../src/engine/modules/shape.js';
import { LogSoftmax, Softmax } from '../../src/engine/modules/softmax.js';
import { Rng } from '../../src/engine/rng.js';
import { fromArray, zeros } from '../../src/engine/tensor.js';

const rng = new Rng(3);

describe('module arguments', () => {
  it('BatchNorm: whole features >= 1, momentum in [0, 1], eps >= 0', () => {
    for (const f of [0, -1, 1.5]) expect(() => new BatchNorm1d(f)).toThrow(`BatchNorm1d: features must be an integer >= 1, got ${f}`);
    for (const m of [-0.1, 1.1, NaN]) expect(() => new BatchNorm2d(2, { momentum: m })).toThrow(`BatchNorm2d: momentum must be in [0, 1], got ${m}`);
    for (const m of [0, 1]) expect(new BatchNorm2d(2, { momentum: m }).momentum).toBe(m);
    expect(() => new BatchNorm1d(2, { eps: -1 })).toThrow('BatchNorm1d: eps must be >= 0, got -1');
    expect(new BatchNorm1d(2, { eps: 0 }).eps).toBe(0);
  });

  it('pools: whole kernel and stride >= 1', () => {
    for (const k of [0, 1.5]) expect(() => new MaxPool2d(k)).toThrow(`MaxPool2d: kernel must be an integer >= 1, got ${k}`);
    expect(() => new AvgPool2d(2, 0)).toThrow('AvgPool2d: stride must be an integer >= 1, got 0');
    expect(new MaxPool2d(1).describe()).toBe('MaxPool2d(1)');
    expect(new AvgPool2d(3, 1).describe()).toBe('AvgPool2d(3, stride=1)');
  });

  it('LeakyReLU: a finite slope', () => {
    for (const s of [NaN, Infinity]) expect(() => new LeakyReLU(s)).toThrow(`LeakyReLU: negativeSlope must be finite, got ${s}`);
    expect(new LeakyReLU().describe()).toBe('LeakyReLU(0.01)');
  });

  it('Conv2d names its stride, padding and missing bias, and the smallest input it takes', () => {
    expect(new Conv2d(1, 2, 3, rng).describe()).toBe('Conv2d(1, 2, 3)');
    expect(new Conv2d(1, 2, 3, rng, { stride: 2, padding: 1, bias: false }).describe()).toBe('Conv2d(1, 2, 3, stride=2, padding=1, bias=false)');
    const conv = new Conv2d(1, 2, 5, rng, { padding: 1 });
    expect(() => conv.forward(zeros([1, 1, 2, 9]), true)).toThrow('Conv2d(1, 2, 5, padding=1): expected input spatial size of at least 3 x 3, got [1, 1, 2, 9]');
    expect(() => conv.forward(zeros([1, 1, 9, 2]), true)).toThrow('expected input spatial size of at least 3 x 3, got [1, 1, 9, 2]');
    expect(conv.forward(zeros([1, 1, 3, 3]), true).shape).toEqual([1, 2, 1, 1]);
    // The geometry of the last input is reused only for the same batch and size.
    expect(conv.forward(zeros([2, 1, 3, 4]), true).shape).toEqual([2, 2, 1, 2]);
    expect(conv.forward(zeros([2, 1, 4, 4]), true).shape).toEqual([2, 2, 2, 2]);
    expect(conv.forward(zeros([2, 1, 4, 3]), true).shape).toEqual([2, 2, 2, 1]);
  });

  it('BatchNorm needs more than one value per channel to train, not to evaluate', () => {
    const bn = new BatchNorm1d(2);
    expect(() => bn.forward(zeros([1, 2]), true)).toThrow('BatchNorm1d(2): expected more than 1 value per channel when training, got input [1, 2]');
    expect(bn.forward(zeros([1, 2]), false).shape).toEqual([1, 2]);
    expect(bn.forward(zeros([1, 2, 2]), true).shape).toEqual([1, 2, 2]);
    expect(() => new BatchNorm2d(2).forward(zeros([2, 2, 3]), true)).toThrow('BatchNorm2d(2): expected input [N, 2, H, W], got [2, 2, 3]');
    expect(() => bn.forward(zeros([2, 3]), true)).toThrow('BatchNorm1d(2): expected input [N, 2] or [N, 2, L], got [2, 3]');
  });

  it('Flatten takes any [N, ...], also an empty batch, and views the gradient back', () => {
    const f = new Flatten();
    expect(() => f.forward(zeros([]))).toThrow('Flatten(): expected input [N, ...], got []');
    expect(f.forward(zeros([0, 3, 2])).shape).toEqual([0, 6]);
    const x = zeros([2, 3, 2]);
    const y = f.forward(x);
    expect(y.shape).toEqual([2, 6]);
    expect(y.data).toBe(x.data);
    expect(f.forward(x)).toBe(y);
    expect(f.forward(zeros([2, 12])).shape).toEqual([2, 12]);
    const g = zeros([2, 12]);
    const gx = f.backward(g);
    expect(gx.shape).toEqual([2, 12]);
    expect(f.backward(g)).toBe(gx);
    expect(f.backward(zeros([2, 12])).data).not.toBe(gx.data);
  });

  it('every module says when backward comes before forward', () => {
    const modules: Module[] = [
      new ReLU(), new LeakyReLU(0.1), new Tanh(), new Sigmoid(), new Softmax(), new LogSoftmax(), new Flatten(),
      new MaxPool2d(2), new AvgPool2d(2), new Conv2d(1, 1, 1, rng), new BatchNorm1d(2),
    ];
    for (const m of modules) expect(() => m.backward(zeros([1, 2])), m.describe()).toThrow(`${m.describe()}: backward called before forward`);
  });
});

describe('numerically delicate modules', () => {
  it('Sigmoid saturates without overflow at both ends', () => {
    expect(Array.from(new Sigmoid().forward(fromArray([1, 5], [-800, -20, 0, 20, 800]), true).data)).toEqual(
      [0, Math.fround(1 / (1 + Math.exp(20))), 0.5, Math.fround(1 / (1 + Math.exp(-20))), 1],
    );
  });

  it('Softmax and LogSoftmax subtract each row own max', () => {
    const x = fromArray([3, 2], [1000, 0, 0, 1000, -1000, -1000]);
    expect(Array.from(new Softmax().forward(x, true).data)).toEqual([1, 0, 0, 1, 0.5, 0.5]);
    expect(Array.from(new LogSoftmax().forward(x, true).data)).toEqual([0, -1000, -1000, 0, Math.fround(-Math.LN2), Math.fround(-Math.LN2)]);
  });
});
