import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/engine/rng.js';
import { augmentPairs, repairPairs, swapPairs, translatePairs } from '../../src/data/augment.js';
import { PAIR_PIXELS, allocPairSet } from '../../src/data/types.js';
import type { PairSet } from '../../src/data/types.js';

/** Pairs whose image j is filled with the value j + 1 (so images are identifiable), with random classes. */
function tagged(count: number, rng: Rng): PairSet {
  const set = allocPairSet(count);
  for (let j = 0; j < 2 * count; j++) {
    set.input.fill(j + 1, j * PAIR_PIXELS, (j + 1) * PAIR_PIXELS);
    set.classes[j] = rng.int(10);
  }
  for (let i = 0; i < count; i++) set.target[i] = set.classes[2 * i] <= set.classes[2 * i + 1] ? 1 : 0;
  return set;
}

const tagOf = (s: PairSet, j: number) => s.input[j * PAIR_PIXELS];

describe('augmentation', () => {
  it('swap exchanges images and classes together, recomputes targets, keeps equal digits at 1', () => {
    const set = tagged(400, new Rng(1));
    set.classes[0] = 3;
    set.classes[1] = 3;
    set.target[0] = 1;
    const out = swapPairs(set, new Rng(2));
    let swapped = 0;
    for (let i = 0; i < set.count; i++) {
      const isSwapped = tagOf(out, 2 * i) === tagOf(set, 2 * i + 1);
      if (isSwapped) {
        swapped++;
        expect(tagOf(out, 2 * i + 1)).toBe(tagOf(set, 2 * i));
        expect(out.classes[2 * i]).toBe(set.classes[2 * i + 1]);
        expect(out.classes[2 * i + 1]).toBe(set.classes[2 * i]);
      } else {
        expect(tagOf(out, 2 * i)).toBe(tagOf(set, 2 * i));
      }
      expect(out.target[i]).toBe(out.classes[2 * i] <= out.classes[2 * i + 1] ? 1 : 0);
    }
    expect(out.target[0]).toBe(1);
    expect(swapped).toBeGreaterThan(160);
    expect(swapped).toBeLessThan(240);
  });

  it('repair uses every training image exactly once, with its own class, in fresh pairs', () => {
    const set = tagged(300, new Rng(3));
    const out = repairPairs(set, new Rng(4));
    const seen = new Set<number>();
    let samePartner = 0;
    for (let j = 0; j < 2 * out.count; j++) {
      const src = tagOf(out, j) - 1;
      expect(seen.has(src)).toBe(false);
      seen.add(src);
      expect(out.classes[j]).toBe(set.classes[src]);
    }
    for (let i = 0; i < out.count; i++) {
      expect(out.target[i]).toBe(out.classes[2 * i] <= out.classes[2 * i + 1] ? 1 : 0);
      const a = tagOf(out, 2 * i) - 1;
      if ((a ^ 1) === tagOf(out, 2 * i + 1) - 1) samePartner++;
    }
    expect(seen.size).toBe(600);
    expect(samePartner).toBeLessThan(10);
    expect(() => repairPairs(set, new Rng(1), set)).toThrow(/in place/);
  });

  it('translate shifts by -t..t with zero fill, preserving the pixels that stay in frame', () => {
    const set = allocPairSet(1);
    // A single bright pixel at (7, 7) in both images.
    set.input[7 * 14 + 7] = 200;
    set.input[PAIR_PIXELS + 7 * 14 + 7] = 200;
    const shifts = new Set<string>();
    const rng = new Rng(5);
    for (let r = 0; r < 200; r++) {
      const out = translatePairs(set, 2, rng);
      for (let k = 0; k < 2; k++) {
        const img = out.input.subarray(k * PAIR_PIXELS, (k + 1) * PAIR_PIXELS);
        const at = img.findIndex((v) => v === 200);
        expect(img.reduce((s, v) => s + v, 0)).toBe(200);
        const dy = Math.floor(at / 14) - 7;
        const dx = (at % 14) - 7;
        expect(Math.abs(dx) <= 2 && Math.abs(dy) <= 2).toBe(true);
        shifts.add(`${dx},${dy}`);
      }
    }
    expect(shifts.size).toBe(25);
    // A full image loses 0 (no shift), 14 (one axis) or 27 (both axes) pixels to the fill value.
    const full = allocPairSet(10);
    full.input.fill(9);
    const moved = translatePairs(full, 1, new Rng(6), { fill: -1 });
    const losses = new Set<number>();
    for (let j = 0; j < 20; j++) {
      const img = Array.from(moved.input.subarray(j * PAIR_PIXELS, (j + 1) * PAIR_PIXELS));
      expect(img.every((v) => v === 9 || v === -1)).toBe(true);
      losses.add(img.filter((v) => v === -1).length);
    }
    expect([...losses].sort((a, b) => a - b)).toEqual([0, 14, 27]);
    expect(() => translatePairs(set, 14, rng)).toThrow(/translate must be/);
  });

  it('augmentPairs follows the config, reuses out, and is reproducible', () => {
    const set = tagged(50, new Rng(7));
    expect(augmentPairs(set, { translate: 0, swap: false, repair: false }, new Rng(1))).toBe(set);
    const cfg = { translate: 1, swap: true, repair: true };
    const a = augmentPairs(set, cfg, new Rng(8));
    const b = augmentPairs(set, cfg, new Rng(8), { out: a === set ? undefined : allocPairSet(50) });
    expect(b.input).toEqual(a.input);
    expect(b.classes).toEqual(a.classes);
    const reused = augmentPairs(set, cfg, new Rng(9), { out: b });
    expect(reused).toBe(b);
    for (let i = 0; i < 50; i++) expect(reused.target[i]).toBe(reused.classes[2 * i] <= reused.classes[2 * i + 1] ? 1 : 0);
    expect(() => augmentPairs(set, cfg, new Rng(1), { out: set })).toThrow(/out must not be/);
  });
});
