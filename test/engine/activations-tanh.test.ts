import { describe, expect, it } from 'vitest';
import { Tanh } from '../../src/engine/modules/activations.js';

describe('Tanh (rational approximation)', () => {
  it('matches Math.tanh rounded to float32 within 3e-7 relative on a dense grid, saturation and special values', () => {
    const grid = Array.from({ length: 400001 }, (_, i) => (i - 200000) / 10000); // [-20, 20] step 1e-4
    const special = [0, -0, 1e-30, -1e-20, 1e-8, 3e-4, 7.9, 7.91, 8.99, 9, 9.5, 88, 1e30, Infinity, -Infinity];
    const x = Float32Array.from([...grid, ...special, ...special.map((v) => -v)]);
    const y = new Tanh().forward({ data: x, shape: [x.length] }).data;
    let worst = 0;
    for (let i = 0; i < x.length; i++) {
      const want = Math.fround(Math.tanh(x[i]));
      const rel = want === 0 ? Math.abs(y[i]) : Math.abs(y[i] - want) / Math.abs(want);
      worst = Math.max(worst, rel);
    }
    expect(worst).toBeLessThan(3e-7);
    expect(Array.from(new Tanh().forward({ data: Float32Array.of(9, -9, Infinity, -Infinity, 0), shape: [5] }).data)).toEqual([1, -1, 1, -1, 0]);
    expect(new Tanh().forward({ data: Float32Array.of(NaN), shape: [1] }).data[0]).toBeNaN();
  });
});
