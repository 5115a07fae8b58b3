// The data layer's edge cases, each at its boundary (the smallest request allowed, the first refused) and with the
// message a user reads: what the data layer's mutation run (npm run mutate -- data) found untested.
import { describe, expect, it } from 'vitest';
import type { DataConfig } from '../../src/data/config.js';
import { generateDiscSet } from '../../src/data/disc.js';
import { DataError } from '../../src/data/errors.js';
import { generatePairSets, makePairs, pairsFromPermutation } from '../../src/data/pairs.js';
import { prepareRunData } from '../../src/data/run-data.js';
import { holdoutSplit, kFold, subset, trainValidationSplit } from '../../src/data/splits.js';
import { computeStandardization } from '../../src/data/standardize.js';
import { PAIR_PIXELS, allocPairSet, ensurePairSet, positiveRate } from '../../src/data/types.js';
import type { DigitSet } from '../../src/data/types.js';
import { Rng } from '../../src/engine/rng.js';

/** A pool of `count` 28x28 images, image i filled with i, labels i % 10. */
function pool(count: number): DigitSet {
  const images = new Uint8Array(count * 784);
  for (let i = 0; i < count; i++) images.fill(i, i * 784, (i + 1) * 784);
  return { images, labels: Uint8Array.from({ length: count }, (_, i) => i % 10), count };
}

describe('pairs at their limits', () => {
  it('makes a single pair, and says how many a pool can give when asked for more', () => {
    expect(makePairs(pool(2), 1, new Rng(1)).count).toBe(1);
    expect(() => makePairs(pool(7), 4, new Rng(1))).toThrow('pairs: 4 pairs need 8 distinct images but the pool has only 7 (at most 3 pairs)');
    expect(() => makePairs(pool(7), 0, new Rng(1))).toThrow('pairs: the number of pairs must be a positive integer, got 0');
  });

  it('refuses a permutation too short or with an index outside the pool', () => {
    expect(() => pairsFromPermutation(pool(4), 2, [0, 1, 2])).toThrow('pairs: a permutation of 3 indices cannot make 2 pairs');
    for (const bad of [-1, 4, Number.NaN]) expect(() => pairsFromPermutation(pool(4), 1, [0, bad])).toThrow(`pairs: permutation index ${bad} is outside 0..3`);
    const p = pairsFromPermutation(pool(4), 2, [3, 0, 2, 1]);
    expect(Array.from(p.classes)).toEqual([3, 0, 2, 1]);
    expect([p.input[0], p.input[PAIR_PIXELS], p.input[2 * PAIR_PIXELS], p.input[3 * PAIR_PIXELS]]).toEqual([3, 0, 2, 1]);
  });

  it('names the pool whose request cannot be met', () => {
    const source = { train: pool(10), test: pool(4) };
    expect(() => generatePairSets(source, { train: 5, test: 3 }, 1)).toThrow('test pairs: 3 pairs need 6 distinct images but the pool has only 4 (at most 2 pairs)');
    expect(() => generatePairSets(source, { train: 6, test: 2 }, 1)).toThrow(/^train pairs: 6 pairs need 12/);
  });
});

describe('splits at their limits', () => {
  it('makes 2 folds, and as many folds as items; shuffles only with an rng', () => {
    expect(kFold(4, 2).map((s) => Array.from(s.validation))).toEqual([[0, 1], [2, 3]]);
    expect(kFold(3, 3).map((s) => Array.from(s.validation))).toEqual([[0], [1], [2]]);
    expect(() => kFold(2, 3)).toThrow('kFold: cannot make 3 folds of 2 items');
    expect(() => kFold(5, 1)).toThrow('kFold: k must be an integer >= 2, got 1');
    const shuffled = kFold(40, 2, new Rng(3));
    expect(Array.from(shuffled[0].validation)).not.toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect([...shuffled[0].validation, ...shuffled[1].validation].sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i));
  });

  it('holds out the last round(n f) items, at least one and fewer than n', () => {
    expect(trainValidationSplit(10, 0.1)).toEqual({ train: Int32Array.from([0, 1, 2, 3, 4, 5, 6, 7, 8]), validation: Int32Array.from([9]) });
    expect(Array.from(trainValidationSplit(10, 0.9).train)).toEqual([0]);
    expect(() => trainValidationSplit(10, 0.04)).toThrow('trainValidationSplit: 0.04 of 10 items leaves an empty side');
    expect(() => trainValidationSplit(10, 0.96)).toThrow('trainValidationSplit: 0.96 of 10 items leaves an empty side');
    for (const bad of [0, 1]) expect(() => trainValidationSplit(10, bad)).toThrow(`trainValidationSplit: the validation fraction must be in (0, 1), got ${bad}`);
    const shuffled = trainValidationSplit(30, 0.5, new Rng(2));
    expect(Array.from(shuffled.validation)).not.toEqual(Array.from({ length: 15 }, (_, i) => 15 + i));
  });

  it('refuses subset and holdout indices that are negative, fractional or past the end', () => {
    const pairs = makePairs(pool(20), 10, new Rng(1));
    for (const bad of [-1, 1.5, 10]) expect(() => subset(pairs, [0, bad])).toThrow(`subset: index ${bad} is outside 0..9`);
    for (const bad of [-1, 0.5, 5]) expect(() => holdoutSplit(pairs, { folds: 5, fold: bad }, new Rng(1))).toThrow(`holdout: fold ${bad} is outside 0..4`);
    expect(holdoutSplit(pairs, { folds: 5, fold: 4 }, new Rng(1)).validation.count).toBe(2);
  });

  it('a holdout run says which fold it is evaluated on', () => {
    const source = { train: pool(40), test: pool(10), description: 'test pools' };
    const config: DataConfig = { source: 'test pools', trainPairs: 20, testPairs: 5, standardize: false, augment: { translate: 0, swap: false, repair: false }, holdout: { folds: 5, fold: 2 } };
    const run = prepareRunData(source, config, 1);
    expect(run.evaluatedOn).toBe('holdout fold 2 of 5');
    expect(run.test.count).toBe(4);
  });
});

describe('standardisation and pair sets', () => {
  it('has the known mean and unbiased std of 0..391, and refuses fewer than 2 values', () => {
    const set = allocPairSet(1);
    for (let i = 0; i < set.input.length; i++) set.input[i] = i;
    const { mean, std } = computeStandardization(set);
    expect(mean).toBe(195.5);
    expect(std).toBeCloseTo(Math.sqrt((392 * 393) / 12), 10);
    const empty = allocPairSet(0);
    expect(() => computeStandardization(empty)).toThrow('standardize: need at least 2 values, the training set has 0');
  });

  it('reuses an out set only when its count and size fit', () => {
    const three = allocPairSet(3);
    expect(ensurePairSet(three, 3)).toBe(three);
    expect(ensurePairSet(three, 2).count).toBe(2);
    const lying = { ...allocPairSet(2), count: 3 };
    expect(ensurePairSet(lying, 3)).not.toBe(lying);
    expect(ensurePairSet(lying, 3).input.length).toBe(3 * 2 * PAIR_PIXELS);
    expect(positiveRate(allocPairSet(0))).toBe(0);
  });

  it('a single disc point is allowed, none is not; errors are DataErrors by name', () => {
    expect(generateDiscSet(1, new Rng(1)).count).toBe(1);
    let caught: unknown;
    try {
      generateDiscSet(0, new Rng(1));
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(DataError);
    expect((caught as Error).name).toBe('DataError');
    expect((caught as Error).message).toBe('disc: the number of points must be a positive integer, got 0');
  });
});
