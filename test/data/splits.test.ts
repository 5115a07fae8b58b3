import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/engine/rng.js';
import { holdoutSplit, kFold, subset, trainValidationSplit } from '../../src/data/splits.js';
import { PAIR_PIXELS, allocPairSet } from '../../src/data/types.js';

describe('splits of the training pairs', () => {
  it.each([
    [10, 3, undefined],
    [103, 5, new Rng(1)],
  ])('kFold(%i, %i) partitions the indices: validation sets disjoint and covering, train = complement', (n, k, rng) => {
    const folds = kFold(n, k, rng);
    expect(folds).toHaveLength(k);
    const count = new Array<number>(n).fill(0);
    for (const f of folds) {
      expect(Math.abs(f.validation.length - n / k)).toBeLessThan(1);
      expect(f.train.length + f.validation.length).toBe(n);
      const inVal = new Set(f.validation);
      for (const i of f.train) expect(inVal.has(i)).toBe(false);
      expect(new Set([...f.train, ...f.validation]).size).toBe(n);
      for (const i of f.validation) count[i]++;
    }
    expect(count.every((c) => c === 1)).toBe(true);
    expect(() => kFold(3, 5)).toThrow(/cannot make 5 folds of 3/);
    expect(() => kFold(10, 1)).toThrow(/k must be an integer >= 2/);
  });

  it('contiguous folds without an rng, reproducible shuffled folds with one', () => {
    expect(Array.from(kFold(10, 3)[0].validation)).toEqual([0, 1, 2, 3]);
    expect(Array.from(kFold(10, 3)[2].validation)).toEqual([7, 8, 9]);
    expect(kFold(50, 5, new Rng(3))[1].validation).toEqual(kFold(50, 5, new Rng(3))[1].validation);
  });

  it('trainValidationSplit holds out the requested fraction', () => {
    const s = trainValidationSplit(100, 0.2, new Rng(2));
    expect(s.validation.length).toBe(20);
    expect(new Set([...s.train, ...s.validation]).size).toBe(100);
    expect(() => trainValidationSplit(100, 1)).toThrow(/fraction must be in \(0, 1\)/);
  });

  it('subset copies the chosen pairs; holdoutSplit gives disjoint train/validation pairs', () => {
    const pairs = allocPairSet(10);
    for (let i = 0; i < 10; i++) {
      pairs.input.fill(i, i * 2 * PAIR_PIXELS, (i + 1) * 2 * PAIR_PIXELS);
      pairs.classes[2 * i] = i % 10;
      pairs.classes[2 * i + 1] = 9 - (i % 10);
      pairs.target[i] = pairs.classes[2 * i] <= pairs.classes[2 * i + 1] ? 1 : 0;
    }
    const s = subset(pairs, [7, 2]);
    expect(s.count).toBe(2);
    expect(s.input[0]).toBe(7);
    expect(s.input[2 * PAIR_PIXELS + 5]).toBe(2);
    expect(Array.from(s.classes)).toEqual([7, 2, 2, 7]);
    expect(Array.from(s.target)).toEqual([0, 1]);
    expect(() => subset(pairs, [10])).toThrow(/index 10 is outside 0..9/);
    const h = holdoutSplit(pairs, { folds: 5, fold: 4 }, new Rng(1));
    expect(h.train.count).toBe(8);
    expect(h.validation.count).toBe(2);
    const tags = new Set([...Array.from({ length: 8 }, (_, i) => h.train.input[i * 2 * PAIR_PIXELS]), h.validation.input[0], h.validation.input[2 * PAIR_PIXELS]]);
    expect(tags.size).toBe(10);
    expect(() => holdoutSplit(pairs, { folds: 5, fold: 5 }, new Rng(1))).toThrow(/fold 5 is outside 0..4/);
  });
});
