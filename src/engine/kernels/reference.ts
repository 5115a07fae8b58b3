/**
 * Plain TypeScript reference kernels. They define what the fast WebAssembly kernels must compute
 * and are the ground truth the kernel tests compare against.
 */

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
