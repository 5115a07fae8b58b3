import { describe, expect, it } from 'vitest';
import { computeStandardization, standardizePairSets } from '../../src/data/standardize.js';
import { allocPairSet } from '../../src/data/types.js';

describe('standardize', () => {
  it('uses the train mean and unbiased std (torch .std()) for both sets', () => {
    const train = allocPairSet(1);
    const test = allocPairSet(1);
    for (let i = 0; i < train.input.length; i++) {
      train.input[i] = i % 4 === 0 ? 255 : 0;
      test.input[i] = 100;
    }
    const n = train.input.length;
    const mean = 255 / 4;
    const std = Math.sqrt(((n / 4) * (255 - mean) ** 2 + ((3 * n) / 4) * mean ** 2) / (n - 1));
    const { stats, train: t, test: s } = standardizePairSets(train, test);
    expect(stats.mean).toBeCloseTo(mean, 10);
    expect(stats.std).toBeCloseTo(std, 10);
    expect(t.input[0]).toBeCloseTo((255 - mean) / std, 5);
    expect(s.input[3]).toBeCloseTo((100 - mean) / std, 5);
    expect(computeStandardization(t).mean).toBeCloseTo(0, 5);
    expect(computeStandardization(t).std).toBeCloseTo(1, 5);
    expect(train.input[0]).toBe(255);
    expect(() => computeStandardization(allocPairSet(1))).toThrow(/constant/);
  });
});
