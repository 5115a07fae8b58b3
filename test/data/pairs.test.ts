import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/engine/rng.js';
import { DataError } from '../../src/data/errors.js';
import { avgPool28to14, generatePairSets, makePairs } from '../../src/data/pairs.js';
import { MNIST_PIXELS, PAIR_PIXELS, positiveRate } from '../../src/data/types.js';
import type { DigitSet } from '../../src/data/types.js';

/** A synthetic pool of random labels and (unless blank) random pixels, so images are identifiable. */
function syntheticPool(count: number, rng: Rng, blank = false): DigitSet {
  const images = new Uint8Array(count * MNIST_PIXELS);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    labels[i] = rng.int(10);
    if (!blank) for (let p = 0; p < MNIST_PIXELS; p++) images[i * MNIST_PIXELS + p] = rng.int(256);
  }
  return { images, labels, count };
}

/** Key of a pooled image: its 196 values as a string. */
function key(input: Float32Array, image: number): string {
  return Array.from(input.subarray(image * PAIR_PIXELS, (image + 1) * PAIR_PIXELS)).join(',');
}

describe('makePairs (course mnist_to_pairs)', () => {
  const pool = syntheticPool(600, new Rng(1));

  it('targets are classes[:,0] <= classes[:,1] for every pair', () => {
    const p = makePairs(pool, 300, new Rng(2));
    expect(p.count).toBe(300);
    expect(p.input.length).toBe(300 * 2 * 14 * 14);
    for (let i = 0; i < p.count; i++) expect(p.target[i]).toBe(p.classes[2 * i] <= p.classes[2 * i + 1] ? 1 : 0);
  });

  it('never repeats an image within a set and pairs each pooled image with its label', () => {
    const p = makePairs(pool, 300, new Rng(3));
    const pooledByKey = new Map<string, number>();
    const tmp = new Float32Array(PAIR_PIXELS);
    for (let i = 0; i < pool.count; i++) {
      avgPool28to14(pool.images, i * MNIST_PIXELS, tmp, 0);
      pooledByKey.set(key(tmp, 0), i);
    }
    const seen = new Set<number>();
    for (let j = 0; j < 2 * p.count; j++) {
      const src = pooledByKey.get(key(p.input, j));
      expect(src).toBeDefined();
      expect(seen.has(src!)).toBe(false);
      seen.add(src!);
      expect(p.classes[j]).toBe(pool.labels[src!]);
    }
    expect(seen.size).toBe(600);
  });

  it('pools 2x2 blocks by their mean, on the 0..255 scale', () => {
    const src = new Uint8Array(MNIST_PIXELS);
    for (let p = 0; p < MNIST_PIXELS; p++) src[p] = (p * 37) % 256;
    const out = new Float32Array(PAIR_PIXELS);
    avgPool28to14(src, 0, out, 0);
    // Output (3, 5) averages rows 6,7 and columns 10,11 of the source.
    const hand = (src[6 * 28 + 10] + src[6 * 28 + 11] + src[7 * 28 + 10] + src[7 * 28 + 11]) / 4;
    expect(out[3 * 14 + 5]).toBe(hand);
    // (0,0): pixels 0, 1, 28, 29 -> 0, 37, 1036%256=12, 1073%256=49 -> 98/4
    expect(out[0]).toBe((0 + 37 + 12 + 49) / 4);
  });

  it('is reproducible from the seed and differs between seeds', () => {
    const a = makePairs(pool, 100, new Rng(9));
    const b = makePairs(pool, 100, new Rng(9));
    const c = makePairs(pool, 100, new Rng(10));
    expect(a.input).toEqual(b.input);
    expect(a.classes).toEqual(b.classes);
    expect(a.input).not.toEqual(c.input);
    const s1 = generatePairSets({ train: pool, test: pool }, { train: 50, test: 40 }, 5);
    const s2 = generatePairSets({ train: pool, test: pool }, { train: 80, test: 40 }, 5);
    expect(s1.test.input).toEqual(s2.test.input);
    expect(s1.train.input).not.toEqual(s1.test.input.subarray(0, s1.train.input.length));
  });

  it('positive rate over many draws is ~0.55 for uniform digits', () => {
    // P(c0 <= c1) = 55/100 for independent uniform digits.
    const big = syntheticPool(4000, new Rng(4), true);
    let sum = 0;
    const draws = 20;
    for (let s = 0; s < draws; s++) sum += positiveRate(makePairs(big, 2000, new Rng(100 + s)));
    expect(Math.abs(sum / draws - 0.55)).toBeLessThan(0.01);
  });

  it('rejects more pairs than the pool can give, naming the numbers', () => {
    expect(() => makePairs(pool, 301, new Rng(1))).toThrow(DataError);
    expect(() => makePairs(pool, 301, new Rng(1))).toThrow(/301 pairs need 602 .* only 600/);
    expect(() => makePairs(pool, 0, new Rng(1))).toThrow(/positive integer, got 0/);
    expect(() => makePairs(pool, 2.5, new Rng(1))).toThrow(DataError);
  });
});
