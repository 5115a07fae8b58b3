import { describe, expect, it } from 'vitest';
import {
  AdamMoments, type AdamStepOptions, adamStepReference, defaultBackend, reluWasm, WasmBackend,
} from '../../src/engine/kernels/index.js';
import { Rng } from '../../src/engine/rng.js';

const rng = new Rng(77);
const rand = (n: number, scale: number): Float32Array => Float32Array.from({ length: n }, () => (rng.uniform() - 0.5) * scale);

describe('adamStep (float32 SIMD) vs adamStepReference', () => {
  // Sizes around the 4-lane width, as the parameter tensors of a model (biases of 1, 2, 10; weights of thousands).
  for (const n of [1, 3, 4, 5, 10, 33, 1000]) {
    it(`agrees within 1e-6 (relative to the terms' scale) over 5 steps, n = ${n}, with and without weight decay`, () => {
      for (const weightDecay of [0, 0.01]) {
        const w = rand(n, 1);
        const [w2, m, v, m2, v2] = [Float32Array.from(w), new Float32Array(n), new Float32Array(n), new Float32Array(n), new Float32Array(n)];
        let gMax = 0;
        for (let t = 1; t <= 5; t++) {
          const g = rand(n, 0.1);
          gMax = g.reduce((a, x) => Math.max(a, Math.abs(x)), gMax);
          const o: AdamStepOptions = {
            beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay, stepSize: 1e-3 / (1 - 0.9 ** t), invC2: 1 / Math.sqrt(1 - 0.999 ** t),
          };
          defaultBackend().adamStep(w, g, m, v, o);
          adamStepReference(w2, g, m2, v2, o);
        }
        // float32 arithmetic against the reference's doubles: each result is a few float32 operations on terms no
        // larger than |w| + lr (w), max|g| (m, whose terms may cancel to ~0 for any draw) and max g^2 (v), so its
        // error is a few ulps of those, bounded by 1e-6 of them, whatever the draw.
        const terms = { w: 1e-3 + w2.reduce((a, x) => Math.max(a, Math.abs(x)), 0), m: gMax, v: gMax * gMax };
        for (const [got, want, what] of [[w, w2, 'w'], [m, m2, 'm'], [v, v2, 'v']] as const) {
          for (let i = 0; i < n; i++) {
            expect(Math.abs(got[i] - want[i]), `${what}[${i}]`).toBeLessThanOrEqual(1e-6 * (Math.abs(want[i]) + terms[what]));
          }
        }
      }
    });
  }

  it('names a state array that is too short', () => {
    const o: AdamStepOptions = { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, stepSize: 1e-3, invC2: 1 };
    expect(() => defaultBackend().adamStep(rand(5, 1), rand(5, 1), new Float32Array(4), new Float32Array(5), o)).toThrow(/adamStep: m has 4 elements, needs 5/);
  });
});

describe('AdamMoments (m and v kept in WebAssembly memory)', () => {
  const options = (t: number): AdamStepOptions => ({
    beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01, stepSize: 1e-3 / (1 - 0.9 ** t), invC2: 1 / Math.sqrt(1 - 0.999 ** t),
  });

  it('steps every parameter exactly as adamStep with its own m and v, across calls that reuse the scratch area', () => {
    const kernels = new WasmBackend('simd');
    const sizes = [1, 5, 1000, 3];
    const moments = new AdamMoments(kernels, sizes);
    const ws = sizes.map((n) => rand(n, 1));
    const wsWant = ws.map((w) => Float32Array.from(w));
    const ms = sizes.map((n) => new Float32Array(n));
    const vs = sizes.map((n) => new Float32Array(n));
    const plain = new WasmBackend('simd');
    for (let t = 1; t <= 4; t++) {
      for (let p = 0; p < sizes.length; p++) {
        const g = rand(sizes[p], 0.1);
        moments.step(p, ws[p], g, options(t));
        plain.adamStep(wsWant[p], g, ms[p], vs[p], options(t));
        reluWasm(kernels, rand(5000, 1), new Float32Array(5000)); // other calls overwrite the scratch area in between
      }
    }
    for (let p = 0; p < sizes.length; p++) expect(Array.from(ws[p])).toEqual(Array.from(wsWant[p]));
  });

  it('allocate reuses a released region of the same size, zeroed', () => {
    const kernels = new WasmBackend('simd');
    const a = kernels.allocate(10);
    kernels.heap.fill(7, a >> 2, (a >> 2) + 10);
    kernels.release(a, 10);
    expect(kernels.allocate(100)).not.toBe(a);
    const b = kernels.allocate(10);
    expect(b).toBe(a);
    expect(Array.from(kernels.heap.subarray(b >> 2, (b >> 2) + 10))).toEqual(new Array(10).fill(0));
  });
});
