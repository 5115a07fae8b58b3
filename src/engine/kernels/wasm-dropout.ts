/** JS side of asm/dropout.ts: copies operands into linear memory, calls, copies results out (as reference.ts). */
import { DROPOUT_SEED_WORDS } from './reference.js';
import type { WasmKernels } from './wasm-kernels.js';

function checkLength(fn: string, name: string, arr: Float32Array, need: number): void {
  if (arr.length < need) throw new Error(`${fn}: ${name} has ${arr.length} elements, needs ${need}`);
}

/** As dropoutForwardReference. */
export function dropoutForwardWasm(
  kernels: WasmKernels, seed: ArrayLike<number>, threshold: number, scale: number, x: Float32Array, y: Float32Array,
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
export function multiplyWasm(kernels: WasmKernels, a: Float32Array, b: Float32Array, out: Float32Array): void {
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
