/* pairnet native GEMM: C[M,N] (+)= op(A)[M,K] op(B)[K,N], row-major, as gemmReference (src/engine/kernels/gemm.ts). */
#ifndef PAIRNET_GEMM_H
#define PAIRNET_GEMM_H

enum pn_isa { PN_ISA_NONE = 0, PN_ISA_AVX2 = 1, PN_ISA_AVX512 = 2 };

/* The best instruction set this CPU runs (AVX-512F, else AVX2 with FMA, else none). */
enum pn_isa pn_detect_isa(void);

/*
 * With the kernels of `isa` (at most pn_detect_isa()'s). transA: A is stored K x M; transB: B is stored N x K;
 * accumulate: C += instead of C =. Returns 0, -1 when out of memory, -2 when the CPU lacks `isa`.
 */
int pn_gemm(enum pn_isa isa, int M, int N, int K, const float *A, int transA, const float *B, int transB, float *C,
            int accumulate);

#endif
