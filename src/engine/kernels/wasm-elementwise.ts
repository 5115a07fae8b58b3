/**
 * JS side of asm/relu.ts (ReLU, LeakyReLU, the residual sum): copies the operands into linear memory, calls, copies
 * the result out. Operands are Float32Arrays of at least n elements (n: the first operand's length).
 */
import type { WasmKernels } from './wasm-kernels.js';

/** Copies each operand in (n floats), calls `run` with their byte offsets and the output's, copies n floats out. */
function elementwise(
  kernels: WasmKernels, fn: string, operands: [string, Float32Array][], out: [string, Float32Array],
  run: (offsets: number[], out: number) => void,
): void {
  const n = operands[0][1].length;
  for (const [name, arr] of [...operands.slice(1), out]) {
    if (arr.length < n) throw new Error(`${fn}: ${name} has ${arr.length} elements, needs ${n}`);
  }
  const offsets = kernels.layout([...operands.map(() => n), n]);
  const heap = kernels.heap;
  operands.forEach(([, arr], i) => heap.set(arr.subarray(0, n), offsets[i] >> 2));
  const offOut = offsets[operands.length];
  run(offsets, offOut);
  out[1].set(heap.subarray(offOut >> 2, (offOut >> 2) + n));
}

/** As reluReference. */
export function reluWasm(kernels: WasmKernels, x: Float32Array, y: Float32Array): void {
  elementwise(kernels, 'relu', [['x', x]], ['y', y], ([offX], offY) => kernels.exports.relu(x.length, offX, offY));
}

/** As reluBackwardReference (n = dy.length). */
export function reluBackwardWasm(kernels: WasmKernels, y: Float32Array, dy: Float32Array, dx: Float32Array): void {
  elementwise(kernels, 'reluBackward', [['dy', dy], ['y', y]], ['dx', dx], ([offDy, offY], offDx) =>
    kernels.reluBackwardAt(dy.length, offY, offDy, offDx));
}

/** As addReluReference. */
export function addReluWasm(kernels: WasmKernels, relu: boolean, a: Float32Array, b: Float32Array, y: Float32Array): void {
  elementwise(kernels, 'addRelu', [['a', a], ['b', b]], ['y', y], ([offA, offB], offY) =>
    kernels.addReluAt(relu, a.length, offA, offB, offY));
}

/** As leakyReluReference. */
export function leakyReluWasm(kernels: WasmKernels, slope: number, x: Float32Array, y: Float32Array): void {
  elementwise(kernels, 'leakyRelu', [['x', x]], ['y', y], ([offX], offY) => kernels.exports.leakyRelu(x.length, slope, offX, offY));
}

/** As leakyReluBackwardReference (n = dy.length). */
export function leakyReluBackwardWasm(kernels: WasmKernels, slope: number, x: Float32Array, dy: Float32Array, dx: Float32Array): void {
  elementwise(kernels, 'leakyReluBackward', [['dy', dy], ['x', x]], ['dx', dx], ([offDy, offX], offDx) =>
    kernels.exports.leakyReluBackward(dy.length, slope, offX, offDy, offDx));
}
