import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { assertGradcheck, gradcheckModule, Rng, zeros } from '../../src/engine/index.js';
import { ProbabilisticComparison } from '../../src/models/probabilistic-head.js';

function softmax(z: number[]): number[] {
  const m = Math.max(...z);
  const e = z.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

describe('ProbabilisticComparison', () => {
  it('computes P(first <= second) and P(first > second) from the digit softmaxes', () => {
    const rng = new Rng(5);
    const x = zeros([3, 20]);
    for (let i = 0; i < x.data.length; i++) x.data[i] = 2 * rng.normal();
    const out = new ProbabilisticComparison().forward(x).data;
    for (let r = 0; r < 3; r++) {
      const p = softmax(Array.from(x.data.subarray(r * 20, r * 20 + 10)));
      const q = softmax(Array.from(x.data.subarray(r * 20 + 10, r * 20 + 20)));
      let le = 0;
      for (let i = 0; i < 10; i++) for (let j = i; j < 10; j++) le += p[i] * q[j];
      expect(Math.exp(out[r * 2 + 1])).toBeCloseTo(le, 6);
      expect(Math.exp(out[r * 2])).toBeCloseTo(1 - le, 6);
    }
  });

  it('is certain for confident digits: 3 vs 7 -> first <= second, 7 vs 3 -> first > second', () => {
    const x = zeros([2, 20]);
    x.data[3] = 30;
    x.data[10 + 7] = 30;
    x.data[20 + 7] = 30;
    x.data[20 + 10 + 3] = 30;
    const out = new ProbabilisticComparison().forward(x).data;
    expect(out[1]).toBeGreaterThan(-1e-6);
    expect(out[0]).toBeLessThan(-20);
    expect(out[2]).toBeGreaterThan(-1e-6);
    expect(out[3]).toBeLessThan(-20);
  });

  it('has the gradient of finite differences', () => {
    const r = gradcheckModule(new ProbabilisticComparison(), [4, 20], { eps: 1e-3, tolerance: 1e-2, rng: new Rng(6) });
    assertGradcheck(r, 'ProbabilisticComparison');
    expect(r.entries[0].checked).toBe(80);
  });

  it('matches PyTorch 1.13 autograd (fixtures/make_probabilistic_head.py), also where P is ~1e-10', () => {
    const f = JSON.parse(readFileSync(new URL('./fixtures/probabilistic-head.json', import.meta.url), 'utf8')) as Record<string, number[]> & { batch: number };
    const head = new ProbabilisticComparison();
    const out = head.forward({ data: Float32Array.from(f.input), shape: [f.batch, 20] });
    out.data.forEach((v, i) => expect(v).toBeCloseTo(f.output[i], 4));
    const g = head.backward({ data: Float32Array.from(f.gradOut), shape: [f.batch, 2] });
    const scale = Math.max(...f.gradIn.map(Math.abs));
    g.data.forEach((v, i) => expect(Math.abs(v - f.gradIn[i]) / scale).toBeLessThan(1e-5));
  });

  it('names the module and shapes on bad input', () => {
    expect(() => new ProbabilisticComparison().forward(zeros([2, 10]))).toThrow(/ProbabilisticComparison\(\): expected input \[B, 20\], got \[2, 10\]/);
  });
});
