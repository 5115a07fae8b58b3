import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/engine/rng.js';
import { prepareRunData } from '../../src/data/run-data.js';
import { computeStandardization, standardizeValues } from '../../src/data/standardize.js';
import { MNIST_PIXELS, PAIR_PIXELS } from '../../src/data/types.js';
import type { DataConfig } from '../../src/data/config.js';
import type { DigitSet, MnistSource } from '../../src/data/types.js';

/** Digits whose pixel 0 encodes the image index (pool offset + i), so pairs can be traced back to their images. */
function pool(count: number, offset: number, rng: Rng): DigitSet {
  const images = new Uint8Array(count * MNIST_PIXELS);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    labels[i] = rng.int(10);
    images.fill(30, i * MNIST_PIXELS, (i + 1) * MNIST_PIXELS);
    images[i * MNIST_PIXELS] = offset + i;
  }
  return { images, labels, count };
}

const rng = new Rng(1);
const source: MnistSource = { train: pool(100, 0, rng), test: pool(100, 100, rng), description: 'synthetic' };
const base: DataConfig = {
  source: 'mnist',
  trainPairs: 40,
  testPairs: 30,
  standardize: false,
  augment: { translate: 0, swap: false, repair: false },
  holdout: null,
};
/** Image index behind each image of a (non-standardised) pair set: 4 * pooled pixel 0 - 3 * 30 background. */
const origins = (input: Float32Array, images: number) =>
  Array.from({ length: images }, (_, j) => input[j * PAIR_PIXELS] * 4 - 90);

describe('prepareRunData', () => {
  it('gives the course pair sets, the test set from the test pool', () => {
    const d = prepareRunData(source, base, 3);
    expect(d.train.count).toBe(40);
    expect(d.test.count).toBe(30);
    expect(d.evaluatedOn).toBe('test');
    expect(d.stats).toBeNull();
    expect(origins(d.test.input, 60).every((o) => o >= 100)).toBe(true);
  });

  it('with holdout, trains and evaluates on disjoint folds of the TRAINING pairs only', () => {
    const d = prepareRunData(source, { ...base, holdout: { folds: 4, fold: 1 } }, 3);
    expect(d.train.count).toBe(30);
    expect(d.test.count).toBe(10);
    expect(d.evaluatedOn).toBe('holdout fold 1 of 4');
    const trainImgs = origins(d.train.input, 60);
    const valImgs = origins(d.test.input, 20);
    expect(valImgs.every((o) => o < 100)).toBe(true);
    expect(new Set([...trainImgs, ...valImgs]).size).toBe(80);
  });

  it('standardises both sets with the (fold-)train statistics and reports the blank-pixel value', () => {
    const raw = prepareRunData(source, { ...base, holdout: { folds: 4, fold: 0 } }, 5);
    const d = prepareRunData(source, { ...base, holdout: { folds: 4, fold: 0 }, standardize: true }, 5);
    const stats = computeStandardization(raw.train);
    expect(d.stats).toEqual(stats);
    expect(Array.from(d.test.input)).toEqual(Array.from(standardizeValues(raw.test.input, stats)));
    expect(d.background).toBeCloseTo(standardizeValues(new Float32Array([0]), stats)[0], 5);
  });
});
