/** Shared checks of the kernel tests. */
import { expect } from 'vitest';

/** Values are in [-0.5, 0.5), so float32 rounding over K terms stays far below 1e-6 * (K + 1). */
export function expectClose(actual: Float32Array, expected: Float32Array, K: number, what: string): void {
  expect(actual.length).toBe(expected.length);
  const tol = 1e-6 * (K + 1);
  let worst = 0;
  let at = -1;
  for (let i = 0; i < actual.length; i++) {
    const err = Math.abs(actual[i] - expected[i]) / (1 + Math.abs(expected[i]));
    if (!(err <= worst)) {
      worst = err;
      at = i;
    }
  }
  if (!(worst <= tol)) throw new Error(`${what}: element ${at} is ${actual[at]}, expected ${expected[at]}`);
}

/** Every element within tol x (1 + |expected|) of the expected one (NaN where NaN is expected); names the first that is not. */
export function expectWithin(actual: Float32Array, expected: Float32Array, tol: number, what: string): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < actual.length; i++) {
    const [a, e] = [actual[i], expected[i]];
    if (Number.isNaN(e) ? !Number.isNaN(a) : !(Math.abs(a - e) <= tol * (1 + Math.abs(e)))) {
      throw new Error(`${what}: element ${i} is ${a}, expected ${e}`);
    }
  }
}
