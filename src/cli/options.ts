/** Option parsers shared by the CLI commands. */
import { backendChoice, type BackendChoice, type KernelVariant } from '../engine/kernels/index.js';

export function positiveInt(name: string): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer, got "${v}"`);
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
  if (v !== 'relaxed' && v !== 'simd') throw new Error(`--kernels must be relaxed or simd, got "${v}"`);
  return v;
}
