import { describe, expect, it } from 'vitest';
import {
  calculateGain,
  fans,
  kaimingNormal,
  kaimingUniform,
  pytorchDefaultInit,
  xavierNormal,
  xavierUniform,
} from '../../src/engine/init.js';
import { Conv2d } from '../../src/engine/modules/conv.js';
import { Linear } from '../../src/engine/modules/linear.js';
import { Rng } from '../../src/engine/rng.js';
import { zeros, type Tensor } from '../../src/engine/tensor.js';

function stats(t: Tensor): { maxAbs: number; mean: number; std: number } {
  let s = 0;
  let s2 = 0;
  let maxAbs = 0;
  for (const v of t.data) {
    s += v;
    s2 += v * v;
    maxAbs = Math.max(maxAbs, Math.abs(v));
  }
  const n = t.data.length;
  const mean = s / n;
  return { maxAbs, mean, std: Math.sqrt(s2 / n - mean * mean) };
}

describe('PyTorch default init', () => {
  it('keeps Linear weights and bias within 1/sqrt(fan_in) and fills the range', () => {
    const lin = new Linear(800, 100, new Rng(1));
    const bound = 1 / Math.sqrt(800);
    for (const p of lin.params()) {
      const s = stats(p.value);
      expect(s.maxAbs).toBeLessThanOrEqual(bound);
      expect(s.maxAbs).toBeGreaterThan(0.95 * bound);
    }
    // Uniform(-b, b) has std b / sqrt(3).
    expect(stats(lin.weight.value).std).toBeCloseTo(bound / Math.sqrt(3), 3);
  });

  it('keeps Conv2d weights and bias within 1/sqrt(in * k * k)', () => {
    const conv = new Conv2d(12, 32, 3, new Rng(2));
    const bound = 1 / Math.sqrt(12 * 9);
    for (const p of conv.params()) expect(stats(p.value).maxAbs).toBeLessThanOrEqual(bound);
    expect(stats(conv.weight.value).maxAbs).toBeGreaterThan(0.95 * bound);
  });

  it('is reproducible from the seed and differs between seeds', () => {
    const a = new Linear(10, 5, new Rng(3)).weight.value.data;
    expect(new Linear(10, 5, new Rng(3)).weight.value.data).toEqual(a);
    expect(new Linear(10, 5, new Rng(4)).weight.value.data).not.toEqual(a);
  });

  it('draws the bias after the weight from the same stream', () => {
    const w = zeros([4, 3]);
    const b = zeros([4]);
    pytorchDefaultInit(w, b, new Rng(5));
    const w2 = zeros([4, 3]);
    const rng = new Rng(5);
    kaimingUniform(w2, rng, { a: Math.sqrt(5) });
    expect(w.data).toEqual(w2.data);
    const bound = 1 / Math.sqrt(3);
    expect(b.data[0]).toBeCloseTo(rng.range(-bound, bound), 6);
  });
});

describe('Xavier and Kaiming', () => {
  const shape = [64, 32, 3, 3];
  const { fanIn, fanOut } = fans(shape);

  it('computes fans like torch.nn.init', () => {
    expect(fanIn).toBe(32 * 9);
    expect(fanOut).toBe(64 * 9);
    expect(() => fans([5])).toThrow('at least 2 dimensions');
    expect(calculateGain('relu')).toBeCloseTo(Math.SQRT2, 12);
    expect(calculateGain('leaky_relu', Math.sqrt(5))).toBeCloseTo(Math.sqrt(1 / 3), 12);
    expect(calculateGain('tanh')).toBeCloseTo(5 / 3, 12);
  });

  it('xavierUniform: bound gain * sqrt(6 / (fan_in + fan_out))', () => {
    const t = zeros(shape);
    xavierUniform(t, new Rng(1), 2);
    const bound = 2 * Math.sqrt(6 / (fanIn + fanOut));
    const s = stats(t);
    expect(s.maxAbs).toBeLessThanOrEqual(bound);
    expect(s.maxAbs).toBeGreaterThan(0.99 * bound);
  });

  it('xavierNormal: std gain * sqrt(2 / (fan_in + fan_out))', () => {
    const t = zeros(shape);
    xavierNormal(t, new Rng(2));
    const s = stats(t);
    expect(s.std / Math.sqrt(2 / (fanIn + fanOut))).toBeCloseTo(1, 1);
    expect(Math.abs(s.mean)).toBeLessThan(0.01);
  });

  it('kaimingUniform (relu, fan_in): bound sqrt(6 / fan_in); fan_out mode uses fan_out', () => {
    const t = zeros(shape);
    kaimingUniform(t, new Rng(3), { nonlinearity: 'relu' });
    const bound = Math.sqrt(6 / fanIn);
    expect(stats(t).maxAbs).toBeLessThanOrEqual(bound);
    expect(stats(t).maxAbs).toBeGreaterThan(0.99 * bound);
    kaimingUniform(t, new Rng(3), { nonlinearity: 'relu', mode: 'fan_out' });
    expect(stats(t).maxAbs).toBeLessThanOrEqual(Math.sqrt(6 / fanOut));
  });

  it('kaimingNormal (relu): std sqrt(2 / fan_in)', () => {
    const t = zeros(shape);
    kaimingNormal(t, new Rng(4), { nonlinearity: 'relu' });
    expect(stats(t).std / Math.sqrt(2 / fanIn)).toBeCloseTo(1, 1);
  });
});
