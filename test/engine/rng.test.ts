import { describe, expect, it } from 'vitest';
import { Rng, deriveSeed } from '../../src/engine/rng.js';

describe('Rng', () => {
  it('is reproducible from one seed', () => {
    const a = new Rng(42);
    const b = new Rng(42);
    for (let i = 0; i < 100; i++) expect(a.nextUint32()).toBe(b.nextUint32());
  });

  it('differs between seeds and between forks', () => {
    expect(new Rng(1).nextUint32()).not.toBe(new Rng(2).nextUint32());
    const r = new Rng(7);
    expect(r.fork('data').nextUint32()).not.toBe(new Rng(7).fork('init').nextUint32());
    expect(deriveSeed(1, 'a')).not.toBe(deriveSeed(1, 'b'));
  });

  it('draws uniform values in [0,1) with mean ~0.5 and normals with mean ~0, var ~1', () => {
    const r = new Rng(3);
    let su = 0;
    let sn = 0;
    let sn2 = 0;
    const n = 20000;
    for (let i = 0; i < n; i++) {
      const u = r.uniform();
      expect(u).toBeGreaterThanOrEqual(0);
      expect(u).toBeLessThan(1);
      su += u;
      const z = r.normal();
      sn += z;
      sn2 += z * z;
    }
    expect(su / n).toBeCloseTo(0.5, 1);
    expect(sn / n).toBeCloseTo(0, 1);
    expect(sn2 / n).toBeCloseTo(1, 1);
  });

  it('makes permutations of 0..n-1', () => {
    const p = new Rng(5).permutation(50);
    expect([...p].sort((x, y) => x - y)).toEqual([...Array(50).keys()]);
  });
});
