/**
 * GEMM: C[M,N] (+)= op(A)[M,K] op(B)[K,N], single and strided batched. The TypeScript reference, the argument checks,
 * and the WebAssembly binding (operands copied into the instance's linear memory, asm/gemm.ts, result copied out).
 * Transposes cost nothing extra in the kernel (packing absorbs them).
 */
import type { WasmInstance } from './wasm/instance.js';

export interface GemmOptions {
  /** Use A^T: A is stored K x M. */
  transA?: boolean;
  /** Use B^T: B is stored N x K. */
  transB?: boolean;
  /** C += op(A) op(B) instead of C = op(A) op(B). */
  accumulate?: boolean;
}

/** C[M,N] (+)= op(A)[M,K] * op(B)[K,N], all row-major and dense. */
export function gemmReference(
  M: number,
  N: number,
  K: number,
  A: Float32Array,
  B: Float32Array,
  C: Float32Array,
  opts: GemmOptions = {},
): void {
  const { transA = false, transB = false, accumulate = false } = opts;
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let s = 0;
      for (let k = 0; k < K; k++) {
        const a = transA ? A[k * M + i] : A[i * K + k];
        const b = transB ? B[j * K + k] : B[k * N + j];
        s += a * b;
      }
      C[i * N + j] = accumulate ? C[i * N + j] + s : s;
    }
  }
}

/**
 * Strided batched GEMM: for i < batch, C_i (+)= op(A_i) op(B_i), where X_i is the matrix starting at
 * element i*strideX of X (stride 0: the same matrix for every i). strideC = 0 sums all the products
 * into one C (with accumulate: adds the sum); otherwise strideC must be >= M*N.
 */
export function gemmBatchedReference(
  batch: number, M: number, N: number, K: number, A: Float32Array, strideA: number, B: Float32Array, strideB: number,
  C: Float32Array, strideC: number, opts: GemmOptions = {},
): void {
  for (let i = 0; i < batch; i++) {
    const accumulate = (opts.accumulate ?? false) || (strideC === 0 && i > 0);
    gemmReference(
      M, N, K, A.subarray(i * strideA), B.subarray(i * strideB), C.subarray(i * strideC), { ...opts, accumulate },
    );
  }
}

/** Elements a strided operand spans: `batch` matrices of `size`, `stride` apart (0: one shared matrix). */
function span(batch: number, size: number, stride: number): number {
  return stride === 0 ? size : (batch - 1) * stride + size;
}

/**
 * Validates a (batched) GEMM call, throwing an error that names the bad argument; returns the element
 * spans of A, B and C.
 */
export function checkGemm(
  fn: string, batch: number, M: number, N: number, K: number, A: Float32Array, strideA: number, B: Float32Array,
  strideB: number, C: Float32Array, strideC: number,
): [number, number, number] {
  const where = `${fn}(${fn === 'gemm' ? '' : `batch=${batch}, `}M=${M}, N=${N}, K=${K})`;
  for (const [name, v] of [['batch', batch], ['M', M], ['N', N], ['K', K], ['strideA', strideA], ['strideB', strideB], ['strideC', strideC]] as const) {
    if (!Number.isInteger(v) || v < 0) throw new Error(`${fn}: ${name} must be a non-negative integer, got ${v}`);
  }
  if (strideC !== 0 && strideC < M * N && batch > 1) {
    throw new Error(`${where}: strideC ${strideC} would overlap outputs (use 0 to sum, or >= M*N = ${M * N})`);
  }
  const sizeA = span(batch, M * K, strideA), sizeB = span(batch, K * N, strideB), sizeC = span(batch, M * N, strideC);
  for (const [name, arr, need] of [['A', A, sizeA], ['B', B, sizeB], ['C', C, sizeC]] as const) {
    if (arr.length < need) throw new Error(`${where}: ${name} has ${arr.length} elements, needs ${need}`);
  }
  return [sizeA, sizeB, sizeC];
}

const align64 = (n: number): number => (n + 63) & ~63;

/** C[M,N] (+)= op(A)[M,K] op(B)[K,N] in WebAssembly; same contract as gemmReference. */
export function gemmWasm(
  kernels: WasmInstance, M: number, N: number, K: number, A: Float32Array, B: Float32Array, C: Float32Array, opts: GemmOptions = {},
): void {
  runGemm(kernels, 'gemm', 1, M, N, K, A, 0, B, 0, C, 0, opts);
}

/**
 * Strided batched GEMM in WebAssembly; same contract as gemmBatchedReference. E.g. a convolution straight into NCHW,
 * per image n (P = OH*OW, CKK = C*k*k, cols from im2col):
 *   forward  out_n[Cout,P] = W cols_n^T:  gemmBatched(N, Cout, P, CKK, W, 0, cols, P*CKK, out, Cout*P, { transB: true })
 *   dW += sum_n gradOut_n cols_n:         gemmBatched(N, Cout, CKK, P, gradOut, Cout*P, cols, P*CKK, dW, 0, { accumulate: true })
 *   dcols_n[P,CKK] = gradOut_n^T W:       gemmBatched(N, P, CKK, Cout, gradOut, Cout*P, W, 0, dcols, P*CKK, { transA: true })
 */
export function gemmBatchedWasm(
  kernels: WasmInstance, batch: number, M: number, N: number, K: number, A: Float32Array, strideA: number, B: Float32Array,
  strideB: number, C: Float32Array, strideC: number, opts: GemmOptions = {},
): void {
  runGemm(kernels, 'gemmBatched', batch, M, N, K, A, strideA, B, strideB, C, strideC, opts);
}

function runGemm(
  kernels: WasmInstance, fn: string, batch: number, M: number, N: number, K: number, A: Float32Array, strideA: number,
  B: Float32Array, strideB: number, C: Float32Array, strideC: number, opts: GemmOptions,
): void {
  const { transA = false, transB = false, accumulate = false } = opts;
  const [sizeA, sizeB, sizeC] = checkGemm(fn, batch, M, N, K, A, strideA, B, strideB, C, strideC);
  if (batch === 0 || M * N === 0) return;
  const e = kernels.exports;
  const [offA] = kernels.layout([]);
  const offB = align64(offA + 4 * sizeA);
  const offC = align64(offB + 4 * sizeB);
  const offOld = align64(offC + 4 * sizeC);
  const offT = align64(offOld + (accumulate ? 4 * sizeC : 0));
  const offS = align64(offT + (strideC === 0 && batch > 1 ? 4 * M * N : 0));
  kernels.layout([(offS - offA + e.gemmScratchBytes(M, N, K)) / 4]);
  const f32 = kernels.heap;
  f32.set(A.length === sizeA ? A : A.subarray(0, sizeA), offA >> 2);
  f32.set(B.length === sizeB ? B : B.subarray(0, sizeB), offB >> 2);
  if (accumulate) f32.set(C.length === sizeC ? C : C.subarray(0, sizeC), offOld >> 2);
  e.gemmBatched(
    batch, M, N, K, offA, 4 * strideA, transA ? 1 : 0, offB, 4 * strideB, transB ? 1 : 0, offC, 4 * strideC, offS, offT,
  );
  if (accumulate) e.addTo(sizeC, offOld, offC);
  if (batch > 1 && strideC > M * N) {
    // Only the matrices are results: C's elements between them stay as they were.
    for (let i = 0; i < batch; i++) {
      const at = (offC >> 2) + i * strideC;
      C.set(f32.subarray(at, at + M * N), i * strideC);
    }
  } else {
    C.set(f32.subarray(offC >> 2, (offC >> 2) + sizeC));
  }
}
