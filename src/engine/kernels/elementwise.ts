/**
 * Elementwise ops (asm/relu.ts): ReLU, LeakyReLU and their gradients, the residual sum (then ReLU). References, and
 * WebAssembly bindings that copy operands of at least n elements (n: the first operand's length) into linear memory,
 * call and copy the result out; reluBackwardAt and addReluAt work on byte offsets of linear memory.
 */
import type { WasmInstance } from './wasm/instance.js';

/** y[i] = max(x[i], 0) for i < x.length; NaN stays NaN, -0 and -Infinity give +0. */
export function reluReference(x: Float32Array, y: Float32Array): void {
  for (let i = 0; i < x.length; i++) y[i] = x[i] > 0 || x[i] !== x[i] ? x[i] : 0;
}

/** dx[i] = y[i] != 0 ? dy[i] : 0 for i < dy.length (y is relu's output; NaN passes the gradient). */
export function reluBackwardReference(y: Float32Array, dy: Float32Array, dx: Float32Array): void {
  for (let i = 0; i < dy.length; i++) dx[i] = y[i] !== 0 ? dy[i] : 0;
}

/** y[i] = a[i] + b[i] in float32 for i < a.length, then as reluReference when relu. */
export function addReluReference(relu: boolean, a: Float32Array, b: Float32Array, y: Float32Array): void {
  for (let i = 0; i < a.length; i++) {
    const v = Math.fround(a[i] + b[i]);
    y[i] = !relu || v > 0 || v !== v ? v : 0;
  }
}

/** y[i] = x[i] > 0 ? x[i] : x[i] * slope in float32 (slope rounded to float32, as PyTorch's leaky_relu); NaN stays. */
export function leakyReluReference(slope: number, x: Float32Array, y: Float32Array): void {
  const s = Math.fround(slope);
  for (let i = 0; i < x.length; i++) y[i] = x[i] > 0 ? x[i] : x[i] * s;
}

/** dx[i] = x[i] > 0 ? dy[i] : dy[i] * slope for i < dy.length, x being leakyRelu's input. */
export function leakyReluBackwardReference(slope: number, x: Float32Array, dy: Float32Array, dx: Float32Array): void {
  const s = Math.fround(slope);
  for (let i = 0; i < dy.length; i++) dx[i] = x[i] > 0 ? dy[i] : dy[i] * s;
}

/** reluBackward on n floats at byte offsets of linear memory (dx may be dy). */
export function reluBackwardAt(kernels: WasmInstance, n: number, y: number, dy: number, dx: number): void {
  kernels.exports.reluBackward(n, y, dy, dx);
}

/** addRelu on n floats at byte offsets of linear memory (y may be a or b). */
export function addReluAt(kernels: WasmInstance, relu: boolean, n: number, a: number, b: number, y: number): void {
  kernels.exports.addRelu(n, relu ? 1 : 0, a, b, y);
}

/** Copies each operand in (n floats), calls `run` with their byte offsets and the output's, copies n floats out. */
function elementwise(
  kernels: WasmInstance, fn: string, operands: [string, Float32Array][], out: [string, Float32Array],
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
export function reluWasm(kernels: WasmInstance, x: Float32Array, y: Float32Array): void {
  elementwise(kernels, 'relu', [['x', x]], ['y', y], ([offX], offY) => kernels.exports.relu(x.length, offX, offY));
}

/** As reluBackwardReference (n = dy.length). */
export function reluBackwardWasm(kernels: WasmInstance, y: Float32Array, dy: Float32Array, dx: Float32Array): void {
  elementwise(kernels, 'reluBackward', [['dy', dy], ['y', y]], ['dx', dx], ([offDy, offY], offDx) =>
    reluBackwardAt(kernels, dy.length, offY, offDy, offDx));
}

/** As addReluReference. */
export function addReluWasm(kernels: WasmInstance, relu: boolean, a: Float32Array, b: Float32Array, y: Float32Array): void {
  elementwise(kernels, 'addRelu', [['a', a], ['b', b]], ['y', y], ([offA, offB], offY) =>
    addReluAt(kernels, relu, a.length, offA, offB, offY));
}

/** As leakyReluReference. */
export function leakyReluWasm(kernels: WasmInstance, slope: number, x: Float32Array, y: Float32Array): void {
  elementwise(kernels, 'leakyRelu', [['x', x]], ['y', y], ([offX], offY) => kernels.exports.leakyRelu(x.length, slope, offX, offY));
}

/** As leakyReluBackwardReference (n = dy.length). */
export function leakyReluBackwardWasm(kernels: WasmInstance, slope: number, x: Float32Array, dy: Float32Array, dx: Float32Array): void {
  elementwise(kernels, 'leakyReluBackward', [['dy', dy], ['x', x]], ['dx', dx], ([offDy, offX], offDx) =>
    kernels.exports.leakyReluBackward(dy.length, slope, offX, offDy, offDx));
}
