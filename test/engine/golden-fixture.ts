// Shared helpers of the PyTorch golden tests: reading test/fixtures/golden/*.json (written by
// tools/golden/make_fixtures.py) and comparing to 1e-4 relative.
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

/** Relative error of `actual` against PyTorch's `expected`: max|a - b| / max(1, max|b|). */
export function relativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  let diff = 0;
  let scale = 1;
  for (let i = 0; i < expected.length; i++) {
    diff = Math.max(diff, Math.abs(actual[i] - expected[i]));
    scale = Math.max(scale, Math.abs(expected[i]));
  }
  return diff / scale;
}

/** Asserts shape and values match PyTorch to 1e-4 relative; `what` names the compared quantity. */
export function expectClose(what: string, actual: Tensor | Float32Array, expected: FixtureTensor, tol = 1e-4): void {
  const data = actual instanceof Float32Array ? actual : actual.data;
  if (!(actual instanceof Float32Array)) {
    expect(shapeString(actual.shape), `${what}: shape`).toBe(shapeString(expected.shape));
  }
  expect(data.length, `${what}: size`).toBe(expected.data.length);
  const err = relativeError(data, expected.data);
  expect(err, `${what}: relative error ${err}`).toBeLessThanOrEqual(tol);
}
