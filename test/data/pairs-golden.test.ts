import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadMnist } from '../../src/data/mnist.js';
import { pairsFromPermutation } from '../../src/data/pairs.js';
import type { SelectableDigitSet } from '../../src/data/types.js';

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

  it('holds a pair of equal digits, whose target is 1 (<=, not <)', () => {
    const ties = golden.target.filter((_, i) => golden.classes[2 * i] === golden.classes[2 * i + 1]);
    expect(ties.length).toBeGreaterThan(0);
    expect(ties.every((t) => t === 1)).toBe(true);
  });

  it('the default loader reads the same bytes as the independent Python reading of the IDX file', () => {
    const { train } = loadMnist('mnist');
    for (let d = 0; d < 10; d++) {
      const first = Array.from(train.labels.keys()).filter((i) => train.labels[i] === d).slice(0, 3);
      const ours = (train as SelectableDigitSet).select(first).images;
      const theirs = images.subarray(d * 3 * 784, (d + 1) * 3 * 784);
      expect(Buffer.from(ours).equals(Buffer.from(theirs))).toBe(true);
    }
  });
});
