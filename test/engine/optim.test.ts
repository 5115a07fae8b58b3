import { describe, expect, it } from 'vitest';
import type { Param } from '../../src/engine/module.js';
import { fromArray } from '../../src/engine/tensor.js';
import { Adadelta, Adam, ExponentialLR, MultiStepLR, SGD, StepLR } from '../../src/engine/optim/index.js';

function param(name: string, values: number[], grads: number[]): Param {
  return { name, value: fromArray([values.length], values), grad: fromArray([grads.length], grads) };
}

describe('SGD', () => {
  it('takes a plain step w -= lr * (grad + weightDecay * w)', () => {
    const p = param('w', [1, -2], [0.5, 0.25]);
    new SGD([p], { lr: 0.1, weightDecay: 0.5 }).step();
    expect(Array.from(p.value.data)).toEqual([1 - 0.1 * (0.5 + 0.5), -2 - 0.1 * (0.25 - 1)].map(Math.fround));
  });

  it('starts the momentum buffer at the first gradient, then applies dampening', () => {
    const p = param('w', [0], [1]);
    const opt = new SGD([p], { lr: 1, momentum: 0.9, dampening: 0.5 });
    opt.step(); // buf = 1 (no dampening on the first step), w = -1
    expect(p.value.data[0]).toBeCloseTo(-1, 6);
    opt.step(); // buf = 0.9 + 0.5 = 1.4, w = -2.4
    expect(p.value.data[0]).toBeCloseTo(-2.4, 6);
  });

  it('rejects nesterov without momentum and invalid hyper-parameters', () => {
    const p = param('w', [0], [1]);
    expect(() => new SGD([p], { lr: 0.1, nesterov: true })).toThrow(/nesterov/);
    expect(() => new SGD([p], { lr: -1 })).toThrow(/learning rate -1/);
    expect(() => new SGD([], { lr: 0.1 })).toThrow(/empty parameter list/);
    const bad: Param = { name: 'fc.weight', value: fromArray([2], [0, 0]), grad: fromArray([1], [0]) };
    expect(() => new SGD([bad], { lr: 0.1 })).toThrow(/fc\.weight/);
  });

  it('zeroGrad clears every gradient', () => {
    const p = param('w', [0, 0], [1, 2]);
    new SGD([p], { lr: 0.1 }).zeroGrad();
    expect(Array.from(p.grad.data)).toEqual([0, 0]);
  });
});

describe('Adam', () => {
  it('moves every weight by about lr against its gradient sign on the first step', () => {
    const p = param('w', [0, 0, 0], [3, -0.01, 100]);
    new Adam([p], { lr: 0.01 }).step();
    for (const [i, s] of [-1, 1, -1].entries()) expect(p.value.data[i]).toBeCloseTo(s * 0.01, 5);
  });

  it('rejects betas outside [0, 1)', () => {
    expect(() => new Adam([param('w', [0], [0])], { betas: [1, 0.999] })).toThrow(/betas\[0\] 1/);
  });
});

describe('Adadelta', () => {
  it('takes a first step of lr * sqrt(eps) / sqrt((1 - rho) g^2 + eps) * g', () => {
    const p = param('w', [0], [2]);
    new Adadelta([p], { lr: 1, rho: 0.9, eps: 1e-6 }).step();
    expect(p.value.data[0]).toBeCloseTo(-(Math.sqrt(1e-6) / Math.sqrt(0.1 * 4 + 1e-6)) * 2, 7);
  });
});

describe('schedules', () => {
  const lrs = (make: (opt: SGD) => { step(): void }, epochs: number): number[] => {
    const opt = new SGD([param('w', [0], [0])], { lr: 1 });
    const schedule = make(opt);
    const out = [opt.lr];
    for (let e = 0; e < epochs; e++) {
      schedule.step();
      out.push(opt.lr);
    }
    return out;
  };

  it('StepLR decays every stepSize epochs, leaving epoch 0 at the initial lr', () => {
    expect(lrs((o) => new StepLR(o, 2, 0.5), 5)).toEqual([1, 1, 0.5, 0.5, 0.25, 0.25]);
  });

  it('MultiStepLR decays at milestones, a repeated milestone counting twice', () => {
    expect(lrs((o) => new MultiStepLR(o, [1, 3, 3], 0.5), 4)).toEqual([1, 0.5, 0.5, 0.125, 0.125]);
    expect(() => lrs((o) => new MultiStepLR(o, [0], 0.5), 1)).toThrow(/milestones/);
  });

  it('ExponentialLR decays every epoch', () => {
    expect(lrs((o) => new ExponentialLR(o, 0.5), 3)).toEqual([1, 0.5, 0.25, 0.125]);
  });
});
