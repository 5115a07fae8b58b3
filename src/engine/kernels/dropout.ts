/**
 * Dropout's mask from 4 xoshiro128** streams, and the product of its backward (asm/dropout.ts): references and their
 * WebAssembly bindings (operands copied in, results out), bit for bit the same.
 */
import { checkLength } from './check.js';
import type { WasmInstance } from './wasm/instance.js';

/** Words of a dropout seed: 4 state words for each of 4 xoshiro128** streams. */
export const DROPOUT_SEED_WORDS = 16;

/**
 * Dropout's mask from 4 xoshiro128** streams seeded with `seed` (16 words: word w of stream j at 4w + j): element i
 * takes the next draw (a uint32) of stream i % 4 and is kept when it is below `threshold` (keep probability * 2^32);
 * mask[i] = scale (as float32) or 0, y[i] = x[i] * mask[i] (float32), for i < x.length.
 */
export function dropoutForwardReference(
  seed: ArrayLike<number>, threshold: number, scale: number, x: Float32Array, y: Float32Array, mask: Float32Array,
): void {
  if (seed.length !== DROPOUT_SEED_WORDS) throw new Error(`dropoutForward: seed has ${seed.length} words, needs ${DROPOUT_SEED_WORDS}`);
  const s = Int32Array.from(seed);
  const kept = Math.fround(scale);
  for (let i = 0; i < x.length; i++) {
    const j = i & 3;
    const r = Math.imul(rotl(Math.imul(s[4 + j], 5), 7), 9) >>> 0;
    const t = s[4 + j] << 9;
    s[8 + j] ^= s[j];
    s[12 + j] ^= s[4 + j];
    s[4 + j] ^= s[8 + j];
    s[j] ^= s[12 + j];
    s[8 + j] ^= t;
    s[12 + j] = rotl(s[12 + j], 11);
    const v = r < threshold ? kept : 0;
    mask[i] = v;
    y[i] = x[i] * v;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** out[i] = a[i] * b[i] for i < a.length. */
export function multiplyReference(a: Float32Array, b: Float32Array, out: Float32Array): void {
  for (let i = 0; i < a.length; i++) out[i] = a[i] * b[i];
}

/** As dropoutForwardReference. */
export function dropoutForwardWasm(
  kernels: WasmInstance, seed: ArrayLike<number>, threshold: number, scale: number, x: Float32Array, y: Float32Array,
  mask: Float32Array,
): void {
  const n = x.length;
  if (seed.length !== DROPOUT_SEED_WORDS) throw new Error(`dropoutForward: seed has ${seed.length} words, needs ${DROPOUT_SEED_WORDS}`);
  checkLength('dropoutForward', 'y', y, n);
  checkLength('dropoutForward', 'mask', mask, n);
  const [offSeed, offX, offY, offMask] = kernels.layout([DROPOUT_SEED_WORDS, n, n, n]);
  const heap = kernels.heap;
  new Int32Array(heap.buffer, offSeed, DROPOUT_SEED_WORDS).set(seed);
  heap.set(x, offX >> 2);
  // A uint32 draw r is below threshold exactly when it is below ceil(threshold); from 2^32 on every draw is.
  const limit = Math.ceil(threshold);
  kernels.exports.dropoutForward(n, offSeed, limit >= 4294967296 ? 0 : Math.max(0, limit), limit >= 4294967296 ? 1 : 0, scale, offX, offY, offMask);
  y.set(heap.subarray(offY >> 2, (offY >> 2) + n));
  mask.set(heap.subarray(offMask >> 2, (offMask >> 2) + n));
}

/** As multiplyReference. */
export function multiplyWasm(kernels: WasmInstance, a: Float32Array, b: Float32Array, out: Float32Array): void {
  const n = a.length;
  checkLength('multiply', 'b', b, n);
  checkLength('multiply', 'out', out, n);
  const [offA, offB, offOut] = kernels.layout([n, n, n]);
  const heap = kernels.heap;
  heap.set(a, offA >> 2);
  heap.set(b.subarray(0, n), offB >> 2);
  kernels.exports.multiply(n, offA, offB, offOut);
  out.set(heap.subarray(offOut >> 2, (offOut >> 2) + n));
}
