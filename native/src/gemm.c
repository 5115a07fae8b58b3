/*
 * Packed GEMM with a register-tiled micro-kernel per instruction set, chosen at run time: AVX-512F (12 x 32 tiles,
 * 24 zmm accumulators; 12 x 16 when N <= 16) or AVX2 + FMA (6 x 16 tiles, 12 ymm accumulators). Operands are packed
 * into zero-padded panels (transposes are absorbed there) in blocks that stay in cache: KC of K, MC rows of A, NC
 * columns of B. Each
 * micro-kernel is compiled for its instruction set by a function attribute, so the file builds with plain flags and
 * runs on any x86-64 CPU (the dispatch never calls a kernel the CPU lacks).
 */
#include "gemm.h"

#include <immintrin.h>
#include <stdlib.h>
#include <string.h>

#define KC 256
#define MC 144
#define NC 2048

typedef void (*pn_kernel)(int K, const float *Ap, const float *Bp, float *C, int ldc, int accumulate);

__attribute__((target("avx512f"))) static void kernel_avx512(int K, const float *Ap, const float *Bp, float *C, int ldc,
                                                            int accumulate) {
  __m512 c[12][2];
  for (int i = 0; i < 12; i++) c[i][0] = c[i][1] = _mm512_setzero_ps();
  for (int k = 0; k < K; k++, Ap += 12, Bp += 32) {
    const __m512 b0 = _mm512_loadu_ps(Bp), b1 = _mm512_loadu_ps(Bp + 16);
    for (int i = 0; i < 12; i++) {
      const __m512 a = _mm512_set1_ps(Ap[i]);
      c[i][0] = _mm512_fmadd_ps(a, b0, c[i][0]);
      c[i][1] = _mm512_fmadd_ps(a, b1, c[i][1]);
    }
  }
  for (int i = 0; i < 12; i++) {
    float *row = C + (size_t)i * ldc;
    if (accumulate) {
      c[i][0] = _mm512_add_ps(_mm512_loadu_ps(row), c[i][0]);
      c[i][1] = _mm512_add_ps(_mm512_loadu_ps(row + 16), c[i][1]);
    }
    _mm512_storeu_ps(row, c[i][0]);
    _mm512_storeu_ps(row + 16, c[i][1]);
  }
}

/* For narrow products (N <= 16, e.g. a classifier's 10 outputs): 12 x 16 tiles, half the padding of 12 x 32. */
__attribute__((target("avx512f"))) static void kernel_avx512_n16(int K, const float *Ap, const float *Bp, float *C,
                                                                int ldc, int accumulate) {
  __m512 c[12];
  for (int i = 0; i < 12; i++) c[i] = _mm512_setzero_ps();
  for (int k = 0; k < K; k++, Ap += 12, Bp += 16) {
    const __m512 b = _mm512_loadu_ps(Bp);
    for (int i = 0; i < 12; i++) c[i] = _mm512_fmadd_ps(_mm512_set1_ps(Ap[i]), b, c[i]);
  }
  for (int i = 0; i < 12; i++) {
    float *row = C + (size_t)i * ldc;
    _mm512_storeu_ps(row, accumulate ? _mm512_add_ps(_mm512_loadu_ps(row), c[i]) : c[i]);
  }
}

__attribute__((target("avx2,fma"))) static void kernel_avx2(int K, const float *Ap, const float *Bp, float *C, int ldc,
                                                           int accumulate) {
  __m256 c[6][2];
  for (int i = 0; i < 6; i++) c[i][0] = c[i][1] = _mm256_setzero_ps();
  for (int k = 0; k < K; k++, Ap += 6, Bp += 16) {
    const __m256 b0 = _mm256_loadu_ps(Bp), b1 = _mm256_loadu_ps(Bp + 8);
    for (int i = 0; i < 6; i++) {
      const __m256 a = _mm256_broadcast_ss(Ap + i);
      c[i][0] = _mm256_fmadd_ps(a, b0, c[i][0]);
      c[i][1] = _mm256_fmadd_ps(a, b1, c[i][1]);
    }
  }
  for (int i = 0; i < 6; i++) {
    float *row = C + (size_t)i * ldc;
    if (accumulate) {
      c[i][0] = _mm256_add_ps(_mm256_loadu_ps(row), c[i][0]);
      c[i][1] = _mm256_add_ps(_mm256_loadu_ps(row + 8), c[i][1]);
    }
    _mm256_storeu_ps(row, c[i][0]);
    _mm256_storeu_ps(row + 8, c[i][1]);
  }
}

enum pn_isa pn_detect_isa(void) {
  static int detected = 0;
  static enum pn_isa best = PN_ISA_NONE;
  if (detected) return best;
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f")) best = PN_ISA_AVX512;
  else if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) best = PN_ISA_AVX2;
  detected = 1;
  return best;
}

/* Packing buffers, grown as needed and kept, one set per thread (worker threads each run their own model). */
static _Thread_local float *packA, *packB;
static _Thread_local size_t packA_floats, packB_floats;

static int reserve(float **buf, size_t *have, size_t need) {
  if (need <= *have) return 0;
  float *p = aligned_alloc(64, ((need * sizeof(float) + 63) / 64) * 64);
  if (!p) return -1;
  free(*buf);
  *buf = p;
  *have = need;
  return 0;
}

/* A block of op(A) (rows i0.., depth p0..) into MR-row panels, k-major, zero-padded to whole panels. */
static void pack_a(int MR, const float *A, int transA, int M, int K, int i0, int mc, int p0, int kc, float *out) {
  for (int ir = 0; ir < mc; ir += MR, out += (size_t)MR * kc) {
    const int rows = mc - ir < MR ? mc - ir : MR;
    if (rows < MR) memset(out, 0, (size_t)MR * kc * sizeof(float));
    if (transA) {
      /* op(A)(r, d) = A[d*M + r]: each k's rows are contiguous. */
      const float *src = A + (size_t)p0 * M + i0 + ir;
      for (int k = 0; k < kc; k++, src += M) memcpy(out + (size_t)k * MR, src, (size_t)rows * sizeof(float));
    } else {
      /* op(A)(r, d) = A[r*K + d]: row by row, strided into the panel. */
      for (int i = 0; i < rows; i++) {
        const float *src = A + (size_t)(i0 + ir + i) * K + p0;
        float *dst = out + i;
        for (int k = 0; k < kc; k++) dst[(size_t)k * MR] = src[k];
      }
    }
  }
}

/* A block of op(B) (depth p0.., columns j0..) into NR-column panels, k-major, zero-padded to whole panels. */
static void pack_b(int NR, const float *B, int transB, int N, int K, int p0, int kc, int j0, int nc, float *out) {
  for (int jr = 0; jr < nc; jr += NR, out += (size_t)NR * kc) {
    const int cols = nc - jr < NR ? nc - jr : NR;
    if (cols < NR) memset(out, 0, (size_t)NR * kc * sizeof(float));
    if (!transB) {
      /* op(B)(d, c) = B[d*N + c]: each k's columns are contiguous. */
      const float *src = B + (size_t)p0 * N + j0 + jr;
      for (int k = 0; k < kc; k++, src += N) memcpy(out + (size_t)k * NR, src, (size_t)cols * sizeof(float));
    } else {
      /* op(B)(d, c) = B[c*K + d]: column by column, strided into the panel. */
      for (int j = 0; j < cols; j++) {
        const float *src = B + (size_t)(j0 + jr + j) * K + p0;
        float *dst = out + j;
        for (int k = 0; k < kc; k++) dst[(size_t)k * NR] = src[k];
      }
    }
  }
}

int pn_gemm(enum pn_isa isa, int M, int N, int K, const float *A, int transA, const float *B, int transB, float *C,
            int accumulate) {
  if (isa == PN_ISA_NONE || isa > pn_detect_isa()) return -2;
  if (M <= 0 || N <= 0) return 0;
  if (K <= 0) {
    if (!accumulate) memset(C, 0, (size_t)M * N * sizeof(float));
    return 0;
  }
  const int narrow = isa == PN_ISA_AVX512 && N <= 16;
  const int MR = isa == PN_ISA_AVX512 ? 12 : 6, NR = isa == PN_ISA_AVX512 && !narrow ? 32 : 16;
  const pn_kernel kernel = isa == PN_ISA_AVX2 ? kernel_avx2 : narrow ? kernel_avx512_n16 : kernel_avx512;
  const int mcMax = ((MC + MR - 1) / MR) * MR, ncMax = ((NC + NR - 1) / NR) * NR;
  if (reserve(&packA, &packA_floats, (size_t)mcMax * KC) || reserve(&packB, &packB_floats, (size_t)ncMax * KC)) return -1;
  float tile[12 * 32];
  for (int j0 = 0; j0 < N; j0 += NC) {
    const int nc = N - j0 < NC ? N - j0 : NC;
    for (int p0 = 0; p0 < K; p0 += KC) {
      const int kc = K - p0 < KC ? K - p0 : KC;
      const int acc = accumulate || p0 > 0;
      pack_b(NR, B, transB, N, K, p0, kc, j0, nc, packB);
      for (int i0 = 0; i0 < M; i0 += MC) {
        const int mc = M - i0 < MC ? M - i0 : MC;
        pack_a(MR, A, transA, M, K, i0, mc, p0, kc, packA);
        for (int jr = 0; jr < nc; jr += NR) {
          const float *Bp = packB + (size_t)(jr / NR) * NR * kc;
          const int nr = nc - jr < NR ? nc - jr : NR;
          for (int ir = 0; ir < mc; ir += MR) {
            const float *Ap = packA + (size_t)(ir / MR) * MR * kc;
            const int mr = mc - ir < MR ? mc - ir : MR;
            float *Cij = C + (size_t)(i0 + ir) * N + j0 + jr;
            if (mr == MR && nr == NR) {
              kernel(kc, Ap, Bp, Cij, N, acc);
              continue;
            }
            /* An edge tile: the whole tile into `tile`, then its valid part to C. */
            kernel(kc, Ap, Bp, tile, NR, 0);
            for (int i = 0; i < mr; i++) {
              for (int j = 0; j < nr; j++) {
                Cij[(size_t)i * N + j] = acc ? Cij[(size_t)i * N + j] + tile[i * NR + j] : tile[i * NR + j];
              }
            }
          }
        }
      }
    }
  }
  return 0;
}
