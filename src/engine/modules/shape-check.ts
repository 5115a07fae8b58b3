import type { Module } from '../module.js';
import { shapeString } from '../tensor.js';

/**
 * Throws "<Module>: expected input <expected>, got <actual>" — the one error format for shape mismatches,
 * so a user can see which layer disagrees and with what.
 */
export function shapeError(module: Module | string, expected: string, actual: readonly number[]): Error {
  const name = typeof module === 'string' ? module : module.describe();
  return new Error(`${name}: expected input ${expected}, got ${shapeString(actual)}`);
}

/** Checks rank and the fixed dimensions (null = any size, shown as `name`). */
export function expectShape(
  module: Module,
  actual: readonly number[],
  expected: readonly (number | null)[],
  names: readonly string[],
): void {
  const ok = actual.length === expected.length && expected.every((d, i) => d === null || d === actual[i]);
  if (!ok) {
    const text = `[${expected.map((d, i) => (d === null ? names[i] : String(d))).join(', ')}]`;
    throw shapeError(module, text, actual);
  }
}

/** The gradient passed to backward must have the shape of the last output. */
export function expectGradShape(module: Module, grad: readonly number[], output: readonly number[] | undefined): void {
  if (output === undefined) throw new Error(`${module.describe()}: backward called before forward`);
  if (grad.length !== output.length || grad.some((d, i) => d !== output[i])) {
    throw new Error(
      `${module.describe()}: expected gradient of output shape ${shapeString(output)}, got ${shapeString(grad)}`,
    );
  }
}
