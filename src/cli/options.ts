/** Option parsers shared by the CLI commands. */
import type { KernelVariant } from '../engine/kernels/index.js';

export function positiveInt(name: string): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer, got "${v}"`);
    return n;
  };
}

export function kernelVariant(v: string): KernelVariant {
  if (v !== 'relaxed' && v !== 'simd') throw new Error(`--kernels must be relaxed or simd, got "${v}"`);
  return v;
}
