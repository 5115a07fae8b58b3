// The kernel entry points the engine calls. Each dispatches to the fastest available implementation;
// reference.ts holds the plain TypeScript definitions they are tested against.
import { type GemmOptions } from './reference.js';
import { WasmKernels, relaxedSimdSupported } from './wasm-kernels.js';

export type { GemmOptions } from './reference.js';
export { gemmReference } from './reference.js';
export { WasmKernels, relaxedSimdSupported, type KernelVariant } from './wasm-kernels.js';

let kernels: WasmKernels | undefined;

/** The shared kernel instance, chosen on first use: relaxed SIMD if the runtime enables it, else plain SIMD. */
export function wasmKernels(): WasmKernels {
  kernels ??= new WasmKernels(relaxedSimdSupported() ? 'relaxed' : 'simd');
  return kernels;
}

/**
 * C[M,N] (+)= op(A)[M,K] * op(B)[K,N], row-major Float32Arrays (subarray views fine; only the first
 * M*K, K*N, M*N elements are used). transA: A is stored K x M; transB: B is stored N x K;
 * accumulate: add into C instead of overwriting it.
 */
export function gemm(
  M: number, N: number, K: number, A: Float32Array, B: Float32Array, C: Float32Array, opts: GemmOptions = {},
): void {
  wasmKernels().gemm(M, N, K, A, B, C, opts);
}
