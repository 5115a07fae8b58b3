// What each augmentation draws from the run's random stream, in which order, and what it does with each draw: a run
// re-made from its config must see the same augmented pairs, epoch after epoch, so these are pinned exactly.
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/engine/rng.js';
import { affinePairs, augmentPairs, repairPairs, shiftPairs, swapPairs, translatePairs } from '../../src/data/augment.js';
import { PAIR_PIXELS, allocPairSet } from '../../src/data/types.js';
import type { PairSet } from '../../src/data/types.js';

/** Pairs of distinct images (every pixel differs, including the borders) and random classes with some equal pairs. */
function pairs(count: number, seed: number): PairSet {
  const rng = new Rng(seed);
  const set = allocPairSet(count);
  for (let k = 0; k < set.input.length; k++) set.input[k] = rng.int(256);
  for (let j = 0; j < 2 * count; j++) set.classes[j] = rng.int(4);
  for (let i = 0; i < count; i++) set.target[i] = set.classes[2 * i] <= set.classes[2 * i + 1] ? 1 : 0;
  return set;
}

/** A stand-in Rng whose uniform() returns the given values in turn. */
function scripted(values: number[]): Rng {
  let k = 0;
  return {
    uniform: () => {
      if (k >= values.length) throw new Error('scripted rng: out of values');
      return values[k++];
    },
  } as unknown as Rng;
}

const same = (a: PairSet, b: PairSet) => {
  expect(Array.from(a.input)).toEqual(Array.from(b.input));
  expect(Array.from(a.classes)).toEqual(Array.from(b.classes));
  expect(Array.from(a.target)).toEqual(Array.from(b.target));
};

describe('augmentation random streams', () => {
  it('translate draws dx then dy for each image in turn, and nothing more', () => {
    const set = pairs(6, 1);
    const out = translatePairs(set, 2, new Rng(2));
    const ref = new Rng(2);
    for (let img = 0; img < 12; img++) {
      const dx = ref.int(5) - 2;
      const dy = ref.int(5) - 2;
      const one = allocPairSet(1);
      one.input.set(set.input.subarray(img * PAIR_PIXELS, (img + 1) * PAIR_PIXELS));
      const moved = shiftPairs(one, dx, dy, 0);
      expect(Array.from(out.input.subarray(img * PAIR_PIXELS, (img + 1) * PAIR_PIXELS))).toEqual(Array.from(moved.input.subarray(0, PAIR_PIXELS)));
    }
    const rng = new Rng(2);
    translatePairs(set, 2, rng);
    expect(rng.uniform()).toBe(ref.uniform());
    // Zero translation is a copy that draws nothing.
    const idle = new Rng(3);
    same(translatePairs(set, 0, idle), set);
    expect(idle.uniform()).toBe(new Rng(3).uniform());
  });

  it('shifts right and down for positive dx and dy, and refuses to shift in place', () => {
    const set = pairs(1, 9);
    const out = shiftPairs(set, 1, 2, -1);
    for (let y = 0; y < 14; y++)
      for (let x = 0; x < 14; x++) expect(out.input[y * 14 + x]).toBe(x >= 1 && y >= 2 ? set.input[(y - 2) * 14 + x - 1] : -1);
    expect(() => shiftPairs(set, 1, 0, 0, set)).toThrow('augment: shiftPairs cannot work in place, pass a different out set');
  });

  it('translate refuses shifts that are negative, fractional or a whole image wide, naming the bound', () => {
    const set = pairs(1, 1);
    for (const bad of [-1, 1.5, 14]) expect(() => translatePairs(set, bad, new Rng(1))).toThrow(`translate must be an integer 0..13 pixels, got ${bad}`);
    expect(() => translatePairs(set, 13, new Rng(1))).not.toThrow();
  });

  it('swap exchanges a pair exactly when its draw is below 1/2', () => {
    const set = pairs(4, 4);
    const out = swapPairs(set, scripted([0.49, 0.5, 0.51, 0]));
    const swapped = [true, false, false, true];
    for (let i = 0; i < 4; i++) {
      const [a, b] = swapped[i] ? [2 * i + 1, 2 * i] : [2 * i, 2 * i + 1];
      expect(Array.from(out.input.subarray(2 * i * PAIR_PIXELS, (2 * i + 1) * PAIR_PIXELS))).toEqual(Array.from(set.input.subarray(a * PAIR_PIXELS, (a + 1) * PAIR_PIXELS)));
      expect(Array.from(out.input.subarray((2 * i + 1) * PAIR_PIXELS, (2 * i + 2) * PAIR_PIXELS))).toEqual(Array.from(set.input.subarray(b * PAIR_PIXELS, (b + 1) * PAIR_PIXELS)));
      expect([out.classes[2 * i], out.classes[2 * i + 1]]).toEqual([set.classes[a], set.classes[b]]);
    }
  });

  it('rotation and scaling sample a linear ramp exactly where the source point is inside the image, the fill outside', () => {
    // Bilinear interpolation reproduces a plane exactly, so every output pixel is the plane at its source point.
    const plane = (x: number, y: number) => 3 * x + 5 * y + 1;
    const set = allocPairSet(1);
    for (let y = 0; y < 14; y++) for (let x = 0; x < 14; x++) set.input[y * 14 + x] = set.input[PAIR_PIXELS + y * 14 + x] = plane(x, y);
    const degrees = 30;
    const scale = 0.8;
    // Angle draw 1 -> +30 degrees, scale draw 0 -> 1 - 0.2; then the second image: angle -30, scale 1.2.
    const out = affinePairs(set, degrees, 0.2, scripted([1, 0, 0, 1]), { fill: -7 });
    const c = 6.5;
    let inside = 0;
    let outside = 0;
    for (const [img, theta, s] of [[0, (degrees * Math.PI) / 180, scale], [1, (-degrees * Math.PI) / 180, 1.2]]) {
      for (let y = 0; y < 14; y++) {
        for (let x = 0; x < 14; x++) {
          const sx = (Math.cos(theta) * (x - c) + Math.sin(theta) * (y - c)) / s + c;
          const sy = (-Math.sin(theta) * (x - c) + Math.cos(theta) * (y - c)) / s + c;
          const got = out.input[img * PAIR_PIXELS + y * 14 + x];
          if (sx >= 0 && sx <= 13 && sy >= 0 && sy <= 13) {
            inside++;
            expect(got).toBeCloseTo(plane(sx, sy), 3);
          } else if (sx < -1 || sx > 14 || sy < -1 || sy > 14) {
            outside++;
            expect(got).toBe(-7);
          }
        }
      }
    }
    expect(inside).toBeGreaterThan(150);
    expect(outside).toBeGreaterThan(10);
  });

  it('augmentPairs is repair, swap, rotate/scale, translate, in that order on one stream, and only the stages configured', () => {
    const set = pairs(20, 5);
    const configs = [
      { translate: 1, swap: true, repair: true, rotate: 10, scale: 0.1 },
      { translate: 2, swap: false, repair: false },
      { translate: 0, swap: true, repair: false },
      { translate: 0, swap: false, repair: true },
      { translate: 0, swap: false, repair: false, rotate: 15 },
      { translate: 0, swap: false, repair: false, scale: 0.2 },
      { translate: 1, swap: true, repair: false, rotate: 5 },
    ];
    for (const config of configs) {
      const rng = new Rng(6);
      const got = augmentPairs(set, config, rng);
      const ref = new Rng(6);
      let want: PairSet = config.repair ? repairPairs(set, ref, allocPairSet(20)) : shiftPairs(set, 0, 0, 0);
      if (config.swap) want = swapPairs(want, ref);
      if ((config.rotate ?? 0) > 0 || (config.scale ?? 0) > 0) want = affinePairs(want, config.rotate ?? 0, config.scale ?? 0, ref);
      if (config.translate > 0) want = translatePairs(want, config.translate, ref);
      same(got, want);
      expect(rng.uniform()).toBe(ref.uniform());
    }
  });
});
