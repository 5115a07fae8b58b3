/** JS side of asm/dropout.ts: copies operands into linear memory, calls, copies results out (as reference.ts). */
import type { WasmKernels } from './wasm-kernels.js';

function checkLength(fn: string, name: string, arr: Float32Array, need: number): void {
  if (arr.length < need) throw new Error(`${fn}: ${name} has ${arr.length} elements, needs ${need}`);
}

/** As dropoutForwardReference. */
export function dropoutForwardWasm(
  kernels: WasmKernels, seed: [number, number, number, number], threshold: number, scale: number, x: Float32Array,
  y: Float32Array, mask: Float32Array,
): void {
  const n = x.length;
  checkLength('dropoutForward', 'y', y, n);
  checkLength('dropoutForward', 'mask', mask, n);
  const [offX, offY, offMask] = kernels.layout([n, n, n]);
  const heap = kernels.heap;
  heap.set(x, offX >> 2);
  kernels.exports.dropoutForward(n, seed[0], seed[1], seed[2], seed[3], threshold, scale, offX, offY, offMask);
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
