/**
 * Convolution geometry and im2col/col2im: the TypeScript references and their WebAssembly bindings (asm/im2col.ts).
 * Conv forward is then gemm(N*OH*OW, Cout, C*k*k, cols, weight, rows, { transB: true }) giving rows [N*OH*OW, Cout];
 * dW += gemm(Cout, C*k*k, N*OH*OW, gradRows, cols, dW, { transA: true, accumulate: true });
 * dcols = gemm(N*OH*OW, C*k*k, Cout, gradRows, weight, dcols). OH = floor((H + 2pad - k)/stride) + 1.
 */
import { checkLength } from './check.js';
import type { WasmInstance } from './wasm/instance.js';

/** Output size of a convolution / pooling window along one axis; throws on impossible geometry. */
export function convOutSize(size: number, k: number, stride: number, pad: number): number {
  const out = Math.floor((size + 2 * pad - k) / stride) + 1;
  if (!(k >= 1 && stride >= 1 && pad >= 0) || out < 1) {
    throw new Error(`conv geometry: kernel ${k}, stride ${stride}, padding ${pad} does not fit input size ${size}`);
  }
  return out;
}

/** Validates an im2col/col2im geometry; returns [input elements, cols elements]. */
export function convSizes(
  fn: string, N: number, C: number, H: number, W: number, k: number, stride: number, pad: number,
): [number, number] {
  for (const [name, v] of [['N', N], ['C', C], ['H', H], ['W', W], ['k', k], ['stride', stride], ['pad', pad]] as const) {
    if (!Number.isInteger(v) || v < 0) throw new Error(`${fn}: ${name} must be a non-negative integer, got ${v}`);
  }
  const rows = N * convOutSize(H, k, stride, pad) * convOutSize(W, k, stride, pad);
  return [N * C * H * W, rows * C * k * k];
}

/**
 * im2col for NCHW input [N, C, H, W] with a k x k window, stride and zero padding. Output layout
 * (row-major [N*OH*OW, C*k*k]): row (n*OH + oh)*OW + ow, column (c*k + ki)*k + kj holds
 * input[n, c, oh*stride - pad + ki, ow*stride - pad + kj] (0 outside the image). Columns follow the
 * weight's [Cout, C, k, k] order, so conv forward is gemm(N*OH*OW, Cout, C*k*k, cols, W, out, { transB: true }).
 */
export function im2colReference(
  input: Float32Array, N: number, C: number, H: number, W: number, k: number, stride: number, pad: number, out: Float32Array,
): void {
  const OH = convOutSize(H, k, stride, pad);
  const OW = convOutSize(W, k, stride, pad);
  let r = 0;
  for (let n = 0; n < N; n++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) {
        for (let c = 0; c < C; c++) {
          for (let ki = 0; ki < k; ki++) {
            for (let kj = 0; kj < k; kj++) {
              const ih = oh * stride - pad + ki;
              const iw = ow * stride - pad + kj;
              const inside = ih >= 0 && ih < H && iw >= 0 && iw < W;
              out[r++] = inside ? input[((n * C + c) * H + ih) * W + iw] : 0;
            }
          }
        }
      }
    }
  }
}

/**
 * The adjoint of im2col (same layouts): gradInput = 0, then each cols entry is added to the input
 * element it was read from (entries from the zero padding are dropped).
 */
export function col2imReference(
  cols: Float32Array, N: number, C: number, H: number, W: number, k: number, stride: number, pad: number, gradInput: Float32Array,
): void {
  const OH = convOutSize(H, k, stride, pad);
  const OW = convOutSize(W, k, stride, pad);
  gradInput.fill(0, 0, N * C * H * W);
  let r = 0;
  for (let n = 0; n < N; n++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) {
        for (let c = 0; c < C; c++) {
          for (let ki = 0; ki < k; ki++) {
            for (let kj = 0; kj < k; kj++, r++) {
              const ih = oh * stride - pad + ki;
              const iw = ow * stride - pad + kj;
              if (ih >= 0 && ih < H && iw >= 0 && iw < W) gradInput[((n * C + c) * H + ih) * W + iw] += cols[r];
            }
          }
        }
      }
    }
  }
}

/** im2col in WebAssembly; as im2colReference. */
export function im2colWasm(
  kernels: WasmInstance, input: Float32Array, N: number, C: number, H: number, W: number, k: number, stride: number,
  pad: number, out: Float32Array,
): void {
  const [sizeX, sizeCols] = convSizes('im2col', N, C, H, W, k, stride, pad);
  checkLength('im2col', 'input', input, sizeX);
  checkLength('im2col', 'out', out, sizeCols);
  const [offX, offCols] = kernels.layout([sizeX, sizeCols]);
  kernels.heap.set(input.subarray(0, sizeX), offX >> 2);
  kernels.exports.im2col(offX, N, C, H, W, k, stride, pad, offCols);
  out.set(kernels.heap.subarray(offCols >> 2, (offCols >> 2) + sizeCols));
}

/** col2im (the adjoint of im2col, overwriting gradInput) in WebAssembly; as col2imReference. */
export function col2imWasm(
  kernels: WasmInstance, cols: Float32Array, N: number, C: number, H: number, W: number, k: number, stride: number,
  pad: number, gradInput: Float32Array,
): void {
  const [sizeX, sizeCols] = convSizes('col2im', N, C, H, W, k, stride, pad);
  checkLength('col2im', 'cols', cols, sizeCols);
  checkLength('col2im', 'gradInput', gradInput, sizeX);
  const [offCols, offX] = kernels.layout([sizeCols, sizeX]);
  kernels.heap.set(cols.subarray(0, sizeCols), offCols >> 2);
  kernels.exports.col2im(offCols, N, C, H, W, k, stride, pad, offX);
  gradInput.set(kernels.heap.subarray(offX >> 2, (offX >> 2) + sizeX));
}
