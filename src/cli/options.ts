/** Option parsers shared by the CLI commands. */
import { InvalidArgumentError } from 'commander';
import { quote } from '../io/limits.js';
import { backendChoice, type BackendChoice, type KernelVariant } from '../engine/kernels/index.js';

export function positiveInt(name: string): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${name} must be a positive integer, got "${v}"`);
    return n;
  };
}

/** --backend: wasm | native | auto. */
export function backend(v: string): BackendChoice {
  return backendChoice(v, '--backend');
}

/**
 * Chooses the default backend for this process and its worker threads (through PAIRNET_BACKEND, which they read),
 * before any kernel runs.
 */
export function useBackend(choice: BackendChoice | undefined): void {
  if (choice !== undefined) process.env.PAIRNET_BACKEND = choice;
}

/** The --backend option's help. */
export const BACKEND_HELP = 'wasm (the default) | native (GEMM in the native addon built at npm ci; an error where it is not) | auto (native where built, else wasm); the record names a native backend';

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
