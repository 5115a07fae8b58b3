// Optimizer and schedule arguments at their bounds (with the messages), the cosine schedule past tMax against its
// closed form, and the normal draws' pairing (Box-Muller's second value is the next draw).
import { describe, expect, it } from 'vitest';
import { Adadelta, Adam, CosineAnnealingLR, SGD, StepLR, zeros } from '../../src/engine/index.js';
import type { Param } from '../../src/engine/index.js';
import { Rng } from '../../src/engine/rng.js';

const params = (): Param[] => [{ name: 'w', value: zeros([3]), grad: zeros([3]) } as unknown as Param];

describe('optimizer arguments', () => {
  it('takes a learning rate of 0 and refuses a negative one or NaN', () => {
    expect(new SGD(params(), { lr: 0 }).lr).toBe(0);
    expect(() => new SGD(params(), { lr: -0.1 })).toThrow('SGD: invalid learning rate -0.1 (must be >= 0)');
    expect(() => new Adam(params(), { lr: NaN })).toThrow('Adam: invalid learning rate NaN (must be >= 0)');
    expect(() => new Adam([], {})).toThrow('Adam: got an empty parameter list');
  });

  it('Adadelta takes rho in [0, 1] and non-negative eps and weight decay', () => {
    for (const rho of [0, 1]) expect(new Adadelta(params(), { rho }).rho).toBe(rho);
    for (const rho of [-0.01, 1.01, NaN]) expect(() => new Adadelta(params(), { rho })).toThrow(`Adadelta: invalid rho ${rho} (must be in [0, 1])`);
    expect(() => new Adadelta(params(), { eps: -1 })).toThrow('Adadelta: invalid eps -1 (must be >= 0)');
    expect(() => new Adadelta(params(), { weightDecay: -1 })).toThrow('Adadelta: invalid weightDecay -1 (must be >= 0)');
    expect(new Adadelta(params(), { eps: 0, weightDecay: 0 }).eps).toBe(0);
  });
});

describe('schedule arguments', () => {
  it('StepLR and CosineAnnealingLR take a positive integer period', () => {
    expect(new StepLR(new SGD(params(), { lr: 1 }), 1).stepSize).toBe(1);
    for (const bad of [0, 1.5]) expect(() => new StepLR(new SGD(params(), { lr: 1 }), bad)).toThrow(`StepLR: stepSize must be a positive integer, got ${bad}`);
    expect(new CosineAnnealingLR(new SGD(params(), { lr: 1 }), 1).tMax).toBe(1);
    for (const bad of [0, 2.5]) expect(() => new CosineAnnealingLR(new SGD(params(), { lr: 1 }), bad)).toThrow(`CosineAnnealingLR: tMax must be a positive integer, got ${bad}`);
  });

  it('CosineAnnealingLR follows eta_min + (lr0 - eta_min)(1 + cos(pi e / T)) / 2, past T too (rising again, as PyTorch)', () => {
    const opt = new SGD(params(), { lr: 0.5 });
    const schedule = new CosineAnnealingLR(opt, 3, 0.1);
    for (let e = 1; e <= 14; e++) {
      schedule.step();
      expect(opt.lr).toBeCloseTo(0.1 + 0.4 * 0.5 * (1 + Math.cos((Math.PI * e) / 3)), 12);
    }
  });
});

describe('normal draws', () => {
  it('come in Box-Muller pairs from two uniforms, the second kept for the next call', () => {
    const rng = new Rng(7);
    const ref = new Rng(7);
    for (let pair = 0; pair < 3; pair++) {
      const u = ref.uniform();
      const v = ref.uniform();
      const r = Math.sqrt(-2 * Math.log(u));
      expect(rng.normal()).toBe(r * Math.cos(2 * Math.PI * v));
      expect(rng.normal()).toBe(r * Math.sin(2 * Math.PI * v));
    }
  });
});
