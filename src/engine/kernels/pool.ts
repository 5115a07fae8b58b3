/**
 * Max pooling with argmax: the TypeScript reference and its WebAssembly binding (asm/pool.ts). The backward pass is
 * a scatter: gradInput = 0, then gradInput[argmax[i]] += gradOut[i].
 */
import { checkLength } from './check.js';
import { convOutSize, convSizes } from './im2col.js';
import type { WasmInstance } from './wasm/instance.js';

/**
 * Max pooling of `planes` H x W planes (NCHW with planes = N*C) over k x k windows, stride, no padding,
 * floor mode: out[plane, oh, ow] = window maximum, argmax = its flat input index. Ties go to the first
 * maximal element in row-major window order and a NaN wins its window, as in PyTorch.
 */
export function maxPool2dReference(
  planes: number, H: number, W: number, k: number, stride: number, input: Float32Array, out: Float32Array, argmax: Int32Array,
): void {
  const OH = convOutSize(H, k, stride, 0);
  const OW = convOutSize(W, k, stride, 0);
  let o = 0;
  for (let plane = 0; plane < planes; plane++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++, o++) {
        let at = -1;
        for (let kh = 0; kh < k; kh++) {
          for (let kw = 0; kw < k; kw++) {
            const idx = (plane * H + oh * stride + kh) * W + ow * stride + kw;
            const v = input[idx];
            const best = at < 0 ? NaN : input[at];
            if (at < 0 || (!Number.isNaN(best) && (v > best || Number.isNaN(v)))) at = idx;
          }
        }
        out[o] = input[at];
        argmax[o] = at;
      }
    }
  }
}

/** Max pooling with argmax in WebAssembly; as maxPool2dReference. */
/** Checks a max-pool call's buffers against its shape (every backend's entry point); returns [input size, output size]. */
export function checkMaxPool2d(
  planes: number, H: number, W: number, k: number, stride: number, input: Float32Array, out: Float32Array, argmax: Int32Array,
): [number, number] {
  const [sizeX] = convSizes('maxPool2d', planes, 1, H, W, k, stride, 0);
  const sizeOut = planes * convOutSize(H, k, stride, 0) * convOutSize(W, k, stride, 0);
  checkLength('maxPool2d', 'input', input, sizeX);
  checkLength('maxPool2d', 'out', out, sizeOut);
  checkLength('maxPool2d', 'argmax', argmax, sizeOut);
  return [sizeX, sizeOut];
}

export function maxPool2dWasm(
  kernels: WasmInstance, planes: number, H: number, W: number, k: number, stride: number, input: Float32Array,
  out: Float32Array, argmax: Int32Array,
): void {
  const [sizeX, sizeOut] = checkMaxPool2d(planes, H, W, k, stride, input, out, argmax);
  const [offX, offOut, offArg] = kernels.layout([sizeX, sizeOut, sizeOut]);
  kernels.heap.set(input.subarray(0, sizeX), offX >> 2);
  kernels.exports.maxPool2d(planes, H, W, k, stride, offX, offOut, offArg);
  const heap = kernels.heap;
  out.set(heap.subarray(offOut >> 2, (offOut >> 2) + sizeOut));
  argmax.set(new Int32Array(heap.buffer, offArg, sizeOut));
}
