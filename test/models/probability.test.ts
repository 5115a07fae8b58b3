import { describe, expect, it } from 'vitest';
import { comparisonProbability } from '../../src/models/probability.js';

describe('comparisonProbability: P(first <= second) from each kind of main output', () => {
  it('reads logits and log-probabilities as a two-class softmax, a single logit through its sigmoid', () => {
    expect(comparisonProbability('ce', new Float32Array([0, Math.log(3)]))).toBeCloseTo(0.75, 6);
    expect(comparisonProbability('nll', new Float32Array([Math.log(0.2), Math.log(0.8)]))).toBeCloseTo(0.8, 6);
    expect(comparisonProbability('bce', new Float32Array([Math.log(3)]))).toBeCloseTo(0.75, 6);
  });

  it('normalises the two independent sigmoids of a one-hot BCE output', () => {
    // sigmoid(0) = 0.5, sigmoid(ln 3) = 0.75: 0.75 / 1.25.
    expect(comparisonProbability('bce-onehot', new Float32Array([0, Math.log(3)]))).toBeCloseTo(0.6, 6);
  });

  it('reads row `row` of a batch', () => {
    const rows = new Float32Array([5, -5, 0, Math.log(3)]);
    expect(comparisonProbability('ce', rows, 1)).toBeCloseTo(0.75, 6);
    expect(comparisonProbability('bce', new Float32Array([9, 0]), 1)).toBeCloseTo(0.5, 6);
    expect(comparisonProbability('bce-onehot', rows, 1)).toBeCloseTo(0.6, 6);
  });
});
