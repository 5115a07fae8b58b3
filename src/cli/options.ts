/** Option parsers shared by the CLI commands. */
import { InvalidArgumentError } from 'commander';
import { quote } from '../io/limits.js';
import type { KernelVariant } from '../engine/kernels/index.js';

export function positiveInt(name: string): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${name} must be a positive integer, got "${v}"`);
    return n;
  };
}

export function kernelVariant(v: string): KernelVariant {
  if (v !== 'relaxed' && v !== 'simd') throw new InvalidArgumentError(`--kernels must be relaxed or simd, got "${v}"`);
  return v;
}

/** A mistake in how a command was called (a flag's value, a missing flag): exit code 2, as commander's own errors. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** A number flag: `check` says which numbers it takes, `want` says so in the error. */
export function parseNumber(flag: string, v: string, check: (n: number) => boolean, want: string): number {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || !check(n)) throw new UsageError(`${flag}: expected ${want}, got "${quote(v)}"`);
  return n;
}

/** The version of the documents --json prints; raised when a field changes meaning or goes away. */
export const JSON_SCHEMA_VERSION = 1;

/** Prints a --json document on stdout: `schemaVersion` first, then the document's own fields. */
export function printJson(doc: object): void {
  console.log(JSON.stringify({ schemaVersion: JSON_SCHEMA_VERSION, ...doc }, null, 2));
}
