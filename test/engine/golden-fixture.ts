// Shared helpers of the PyTorch golden tests: reading test/fixtures/golden/*.json (written by
// tools/golden/make_fixtures.py) and comparing element by element, |a - b| <= atol + rtol |b|.
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { type Tensor, fromArray, shapeString } from '../../src/engine/tensor.js';

export interface FixtureTensor {
  shape: number[];
  data: number[];
}

export function readFixture<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`../fixtures/golden/${name}`, import.meta.url), 'utf8')) as T;
}

export function toTensor(t: FixtureTensor): Tensor {
  return fromArray(t.shape, t.data);
}

/** Per-element tolerance: |actual - expected| <= atol + rtol |expected|. */
export interface Tolerance {
  rtol: number;
  atol: number;
}

/**
 * 1e-4 relative to each element; the absolute floor only covers elements that cancel to about zero (float32
 * sums of terms ~1 leave ~1e-7), far below the values compared (outputs, gradients ~1e-3 and up).
 */
export const GOLDEN_TOLERANCE: Tolerance = { rtol: 1e-4, atol: 1e-6 };

/**
 * For a tensor that is zero in exact arithmetic (a convolution bias followed by BatchNorm has a zero gradient):
 * PyTorch's values are float32 round-off of sums of terms up to ~10, below 2e-5.
 */
export const ROUND_OFF_ZERO: Tolerance = { rtol: 0, atol: 2e-5 };

/** The element farthest outside the tolerance: ratio = |a - b| / (atol + rtol |b|), above 1 fails (NaN too). */
export function worstElement(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: Tolerance): { index: number; ratio: number } {
  let worst = { index: -1, ratio: 0 };
  for (let i = 0; i < expected.length; i++) {
    const ratio = Math.abs(actual[i] - expected[i]) / (tol.atol + tol.rtol * Math.abs(expected[i]));
    if (!(ratio <= worst.ratio)) worst = { index: i, ratio };
  }
  return worst;
}

/** Asserts the length and every element match PyTorch's within `tol`; `what` names the compared quantity. */
export function expectAllClose(what: string, actual: ArrayLike<number>, expected: ArrayLike<number>, tol = GOLDEN_TOLERANCE): void {
  expect(actual.length, `${what}: size`).toBe(expected.length);
  const { index, ratio } = worstElement(actual, expected, tol);
  const detail = `${what}: element ${index} is ${actual[index]}, expected ${expected[index]} (${ratio.toPrecision(3)} x the tolerance ${tol.atol} + ${tol.rtol} |expected|)`;
  expect(ratio <= 1, detail).toBe(true);
}

/** Asserts shape and values match PyTorch's (see expectAllClose). */
export function expectClose(what: string, actual: Tensor | Float32Array, expected: FixtureTensor, tol = GOLDEN_TOLERANCE): void {
  if (!(actual instanceof Float32Array)) {
    expect(shapeString(actual.shape), `${what}: shape`).toBe(shapeString(expected.shape));
  }
  expectAllClose(what, actual instanceof Float32Array ? actual : actual.data, expected.data, tol);
}
