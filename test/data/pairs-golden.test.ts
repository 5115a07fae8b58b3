import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadMnist } from '../../src/data/mnist.js';
import { pairsFromPermutation } from '../../src/data/pairs.js';

/** Made by test/fixtures/data/make_pairs_golden.py with the prologue's verbatim mnist_to_pairs (PyTorch 1.13). */
const golden = JSON.parse(readFileSync(new URL('../fixtures/data/pairs-golden.json', import.meta.url), 'utf8')) as {
  nb: number;
  images: string;
  labels: number[];
  perm: number[];
  input: number[];
  classes: number[];
  target: number[];
};

describe('pairs vs the course prologue (PyTorch golden)', () => {
  const images = new Uint8Array(Buffer.from(golden.images, 'base64'));
  const set = { images, labels: Uint8Array.from(golden.labels), count: golden.labels.length };

  it('reproduces mnist_to_pairs exactly given torch.randperm\'s permutation', () => {
    const p = pairsFromPermutation(set, golden.nb, golden.perm);
    expect(p.count).toBe(golden.nb);
    expect(Array.from(p.input)).toEqual(golden.input);
    expect(Array.from(p.classes)).toEqual(golden.classes);
    expect(Array.from(p.target)).toEqual(golden.target);
  });

  it('the embedded loader restores the same bytes as the independent Python restoration', () => {
    const { train } = loadMnist('embedded');
    // The train pool starts each class with that class's first images in file order.
    let start = 0;
    for (let d = 0; d < 10; d++) {
      const ours = train.images.subarray(start * 784, (start + 3) * 784);
      const theirs = images.subarray(d * 3 * 784, (d + 1) * 3 * 784);
      expect(Buffer.from(ours).equals(Buffer.from(theirs))).toBe(true);
      while (start < train.count && train.labels[start] === d) start++;
    }
  });
});
