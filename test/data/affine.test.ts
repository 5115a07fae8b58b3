import { describe, expect, it } from 'vitest';
import { affinePairs, augmentPairs } from '../../src/data/augment.js';
import { PAIR_PIXELS, allocPairSet } from '../../src/data/types.js';
import { Rng } from '../../src/engine/rng.js';

/** One pair: a bright 2x2 block off centre in the first image, a vertical bar in the second. */
function pairs(): ReturnType<typeof allocPairSet> {
  const set = allocPairSet(1);
  for (const [x, y] of [[9, 3], [10, 3], [9, 4], [10, 4]]) set.input[y * 14 + x] = 200;
  for (let y = 2; y < 12; y++) set.input[PAIR_PIXELS + y * 14 + 7] = 100;
  set.classes.set([3, 7]);
  set.target[0] = 1;
  return set;
}

const mass = (a: Float32Array, off: number): number => a.subarray(off, off + PAIR_PIXELS).reduce((s, v) => s + v, 0);

describe('affine augmentation (rotation and scaling about the centre, bilinear)', () => {
  it('is the identity at angle 0 and scale 1, and leaves labels alone', () => {
    const set = pairs();
    const out = affinePairs(set, 0, 0, new Rng(1));
    expect(Array.from(out.input)).toEqual(Array.from(set.input));
    expect(Array.from(out.classes)).toEqual([3, 7]);
    expect(out.target[0]).toBe(1);
  });

  it('rotates by the drawn angle: a half turn maps pixel (x, y) to (13 - x, 13 - y) exactly', () => {
    const set = pairs();
    const out = affinePairs(set, 180, 0, { uniform: () => 1 } as unknown as Rng);
    for (let y = 0; y < 14; y++) for (let x = 0; x < 14; x++) expect(out.input[y * 14 + x]).toBeCloseTo(set.input[(13 - y) * 14 + 13 - x], 3);
  });

  it('a quarter turn moves the block by 90 degrees about the centre (6.5, 6.5)', () => {
    const out = affinePairs(pairs(), 90, 0, { uniform: () => 1 } as unknown as Rng);
    // (9.5, 3.5) relative to the centre is (3, -3); turned by +90 degrees in image coordinates it lands at (9.5, 9.5).
    expect(out.input[9 * 14 + 9] + out.input[10 * 14 + 10] + out.input[9 * 14 + 10] + out.input[10 * 14 + 9]).toBeCloseTo(800, 3);
  });

  it('scaling up spreads the ink, down shrinks it; vacated pixels take the fill value', () => {
    const set = pairs();
    const big = affinePairs(set, 0, 0.5, { uniform: () => 1 } as unknown as Rng); // scale 1.5
    const small = affinePairs(set, 0, 0.5, { uniform: () => 0 } as unknown as Rng); // scale 0.5
    expect(mass(big.input, PAIR_PIXELS)).toBeGreaterThan(mass(set.input, PAIR_PIXELS) * 1.3);
    expect(mass(small.input, PAIR_PIXELS)).toBeLessThan(mass(set.input, PAIR_PIXELS) * 0.7);
    const filled = affinePairs(set, 45, 0, { uniform: () => 1 } as unknown as Rng, { fill: -0.5 });
    expect(filled.input[0]).toBe(-0.5);
  });

  it('draws nothing when off, so runs without it keep their random streams; refuses bad bounds', () => {
    const set = pairs();
    const rng = new Rng(3);
    const before = new Rng(3).uniform();
    expect(augmentPairs(set, { translate: 0, swap: false, repair: false }, rng)).toBe(set);
    expect(rng.uniform()).toBe(before);
    expect(() => affinePairs(set, 200, 0, new Rng(1))).toThrow(/rotate must be 0\.\.180 degrees, got 200/);
    expect(() => affinePairs(set, 0, 1, new Rng(1))).toThrow(/scale must be in \[0, 1\), got 1/);
  });
});
