import { describe, expect, it } from 'vitest';
import { assertGradcheck, gradcheckModule } from '../../src/engine/gradcheck.js';
import { LeakyReLU, ReLU, Sigmoid, Tanh } from '../../src/engine/modules/activations.js';
import type { Module } from '../../src/engine/module.js';
import { BatchNorm1d, BatchNorm2d } from '../../src/engine/modules/batchnorm.js';
import { PairShared, Residual, Sequential } from '../../src/engine/modules/containers.js';
import { Conv2d } from '../../src/engine/modules/conv.js';
import { Flatten } from '../../src/engine/modules/shape.js';
import { Linear } from '../../src/engine/modules/linear.js';
import { Rng } from '../../src/engine/rng.js';
import { fromArray, zeros, type Tensor } from '../../src/engine/tensor.js';
import { expectBackwardAccumulates, normal } from './module-checks.js';

/** Standard normal values pushed at least `margin` away from 0 (keeps finite differences off the ReLU kink). */
function awayFromZero(shape: number[], rng: Rng, margin = 0.05): Tensor {
  const t = zeros(shape);
  for (let i = 0; i < t.data.length; i++) {
    const v = rng.normal();
    t.data[i] = v + Math.sign(v || 1) * margin;
  }
  return t;
}

describe('Linear', () => {
  it('computes x W^T + b', () => {
    const lin = new Linear(3, 2, new Rng(1));
    lin.weight.value.data.set([1, 2, 3, 4, 5, 6]);
    lin.bias!.value.data.set([0.5, -1]);
    const y = lin.forward(fromArray([2, 3], [1, 0, -1, 2, 1, 0]));
    expect(Array.from(y.data)).toEqual([1 - 3 + 0.5, 4 - 6 - 1, 2 + 2 + 0.5, 8 + 5 - 1]);
  });

  it('passes a gradient check, with and without bias', () => {
    assertGradcheck(gradcheckModule(new Linear(7, 5, new Rng(2)), [4, 7], { rng: new Rng(3) }), 'Linear');
    assertGradcheck(gradcheckModule(new Linear(6, 3, new Rng(2), { bias: false }), [2, 6]), 'Linear no bias');
  });

  it('counts parameters like PyTorch and names them weight/bias', () => {
    const lin = new Linear(800, 100, new Rng(0));
    expect(lin.parameterCount()).toBe(80_100);
    expect(lin.params().map((p) => p.name)).toEqual(['weight', 'bias']);
    expect(new Linear(800, 100, new Rng(0), { bias: false }).parameterCount()).toBe(80_000);
  });

  it('returns the stable parameter tensors from params(), so loading data into them changes the module', () => {
    const lin = new Linear(2, 1, new Rng(0));
    const [w, b] = lin.params();
    w.value.data.set([2, 3]);
    b.value.data.set([1]);
    expect(lin.forward(fromArray([1, 2], [1, 1])).data[0]).toBe(6);
    expect(lin.params()[0].value).toBe(w.value);
  });

  it('names the module and both shapes on a mismatch', () => {
    const lin = new Linear(800, 100, new Rng(0));
    expect(() => lin.forward(zeros([25, 784]))).toThrow('Linear(800, 100): expected input [N, 800], got [25, 784]');
    expect(() => lin.forward(zeros([800]))).toThrow('got [800]');
    expect(() => new Linear(0, 3, new Rng(0))).toThrow('Linear: inFeatures must be an integer >= 1, got 0');
    expect(() => new Linear(3, 2.5, new Rng(0))).toThrow('Linear: outFeatures must be an integer >= 1, got 2.5');
    expect(() => lin.backward(zeros([25, 100]))).toThrow('Linear(800, 100): backward called before forward');
  });

  it('reuses its output buffer between steps of the same shape', () => {
    const lin = new Linear(3, 2, new Rng(0));
    const a = lin.forward(zeros([4, 3]));
    expect(lin.forward(zeros([4, 3]))).toBe(a);
    expect(lin.forward(zeros([5, 3]))).not.toBe(a);
  });
});

describe('backward accumulates', () => {
  it('for every module with parameters, alone and inside containers', () => {
    const rng = new Rng(5);
    const cases: [Module, number[]][] = [
      [new Linear(4, 3, rng), [2, 4]],
      [new Conv2d(2, 3, 3, rng, { padding: 1 }), [2, 2, 4, 4]],
      [new BatchNorm1d(3), [4, 3]],
      [new BatchNorm2d(3), [2, 3, 2, 2]],
      [new Sequential(new Linear(4, 3, rng), new Tanh(), new Linear(3, 2, rng)), [2, 4]],
      [new Residual(new Conv2d(2, 2, 3, rng, { padding: 1 }), { shortcut: new Conv2d(2, 2, 1, rng) }), [2, 2, 3, 3]],
      [new PairShared(new Sequential(new Conv2d(1, 2, 3, rng), new Flatten())), [2, 2, 4, 4]],
    ];
    for (const [m, shape] of cases) expectBackwardAccumulates(m, normal(shape, rng), rng);
  });
});

describe('activations', () => {
  const cases: [string, () => ReLU | LeakyReLU | Tanh | Sigmoid][] = [
    ['ReLU', () => new ReLU()],
    ['LeakyReLU', () => new LeakyReLU(0.1)],
    ['Tanh', () => new Tanh()],
    ['Sigmoid', () => new Sigmoid()],
  ];
  for (const [name, make] of cases) {
    it(`${name} passes a gradient check`, () => {
      const input = awayFromZero([3, 2, 4], new Rng(11));
      assertGradcheck(gradcheckModule(make(), [3, 2, 4], { input }), name);
    });
  }

  it('compute the right values', () => {
    const x = fromArray([4], [-2, -0.5, 0, 3]);
    expect(Array.from(new ReLU().forward(x).data)).toEqual([0, 0, 0, 3]);
    expect(Array.from(new LeakyReLU(0.1).forward(x).data)).toEqual([-0.2, -0.05, 0, 3].map(Math.fround));
    expect(new Tanh().forward(x).data[3]).toBeCloseTo(Math.tanh(3), 6);
    const s = new Sigmoid().forward(fromArray([3], [0, -100, 100])).data;
    expect(Array.from(s)).toEqual([0.5, Math.fround(1 / (1 + Math.exp(100))), 1]);
  });
});

describe('Sequential', () => {
  const build = (rng: Rng) => new Sequential(new Linear(5, 4, rng), new Tanh(), new Linear(4, 3, rng), new ReLU());

  it('chains forward/backward and passes a gradient check', () => {
    const net = build(new Rng(1));
    net.params()[3].value.data.fill(0.3); // positive last bias keeps most ReLU inputs away from 0
    assertGradcheck(gradcheckModule(net, [3, 5], { rng: new Rng(4) }), 'Sequential');
  });

  it('names children 0, 1, ... or explicitly', () => {
    const net = build(new Rng(1));
    expect(net.params().map((p) => p.name)).toEqual(['0.weight', '0.bias', '2.weight', '2.bias']);
    const named = Sequential.named([['fc1', new Linear(2, 2, new Rng(0))], ['act', new ReLU()]]);
    expect(named.params().map((p) => p.name)).toEqual(['fc1.weight', 'fc1.bias']);
    expect(() => Sequential.named([['a', new ReLU()], ['a', new ReLU()]])).toThrow("duplicate child name 'a'");
    expect(net.parameterCount()).toBe(5 * 4 + 4 + 4 * 3 + 3);
  });

  it('reports the failing child in shape errors', () => {
    const net = new Sequential(new Linear(5, 4, new Rng(0)), new Linear(3, 2, new Rng(0)));
    expect(() => net.forward(zeros([2, 5]))).toThrow('1: Linear(3, 2): expected input [N, 3], got [2, 4]');
    const outer = Sequential.named([['head', net]]);
    expect(() => outer.forward(zeros([2, 5]))).toThrow(/^head\.1: Linear\(3, 2\): expected input \[N, 3\], got \[2, 4\]$/);
    expect(() => outer.backward(zeros([2, 9]))).toThrow('head.1: Linear(3, 2): backward called before forward');
  });
});

describe('ReLU edge values', () => {
  it('maps -0, -Infinity to 0, keeps +Infinity and NaN, and passes no gradient where the output is 0', () => {
    const r = new ReLU();
    const y = r.forward(fromArray([6], [-0, -Infinity, Infinity, NaN, -1e-30, 1e-30])).data;
    expect(Object.is(y[0], 0)).toBe(true);
    expect(Array.from(y.slice(0, 3))).toEqual([0, 0, Infinity]);
    expect(Number.isNaN(y[3])).toBe(true);
    expect(y[4]).toBe(0);
    expect(y[5]).toBe(Math.fround(1e-30));
    const g = r.backward(fromArray([6], [1, 2, 3, 4, 5, 6])).data;
    expect(Array.from(g)).toEqual([0, 0, 3, 4, 0, 6]);
  });

  it('keeps a NaN with the sign bit set (the x86 default NaN) instead of hiding it as 0', () => {
    const x = zeros([2]);
    new Int32Array(x.data.buffer).set([0xffc00000 | 0, 0xff800001 | 0]);
    const y = new ReLU().forward(x).data;
    expect(Number.isNaN(y[0])).toBe(true);
    expect(Number.isNaN(y[1])).toBe(true);
  });

  it('LeakyReLU keeps -Infinity scaled and passes the slope as gradient', () => {
    const l = new LeakyReLU(0.1);
    expect(Array.from(l.forward(fromArray([2], [-Infinity, Infinity])).data)).toEqual([-Infinity, Infinity]);
    expect(Array.from(l.backward(fromArray([2], [1, 1])).data)).toEqual([Math.fround(0.1), 1]);
  });
});
