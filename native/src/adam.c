/*
 * One Adam step (torch.optim.Adam 1.13, amsgrad off), the same float32 operations in the same order as the
 * WebAssembly kernel (asm/adam.ts): separate multiplies and adds (the build turns off contraction into fused
 * multiply-adds), IEEE sqrt and division, so both give the same bits. 16 lanes with AVX-512 (a masked tail), 8 with
 * AVX2 and a scalar tail.
 */
#include "adam.h"

#include <immintrin.h>
#include <math.h>

__attribute__((target("avx512f"))) static void adam_avx512(int n, float *w, const float *g, float *m, float *v,
                                                          const struct pn_adam *o) {
  const __m512 b1 = _mm512_set1_ps(o->beta1), c1 = _mm512_set1_ps(o->oneMinusBeta1);
  const __m512 b2 = _mm512_set1_ps(o->beta2), c2 = _mm512_set1_ps(o->oneMinusBeta2);
  const __m512 lr = _mm512_set1_ps(o->stepSize), inv = _mm512_set1_ps(o->invC2), e = _mm512_set1_ps(o->eps);
  const __m512 decay = _mm512_set1_ps(o->wd);
  for (int i = 0; i < n; i += 16) {
    const __mmask16 k = n - i >= 16 ? 0xFFFF : (__mmask16)((1u << (n - i)) - 1);
    const __m512 wi = _mm512_maskz_loadu_ps(k, w + i);
    const __m512 gi = _mm512_add_ps(_mm512_maskz_loadu_ps(k, g + i), _mm512_mul_ps(decay, wi));
    const __m512 mi = _mm512_add_ps(_mm512_mul_ps(b1, _mm512_maskz_loadu_ps(k, m + i)), _mm512_mul_ps(c1, gi));
    const __m512 vi = _mm512_add_ps(_mm512_mul_ps(b2, _mm512_maskz_loadu_ps(k, v + i)), _mm512_mul_ps(c2, _mm512_mul_ps(gi, gi)));
    _mm512_mask_storeu_ps(m + i, k, mi);
    _mm512_mask_storeu_ps(v + i, k, vi);
    const __m512 denom = _mm512_add_ps(_mm512_mul_ps(_mm512_sqrt_ps(vi), inv), e);
    _mm512_mask_storeu_ps(w + i, k, _mm512_sub_ps(wi, _mm512_div_ps(_mm512_mul_ps(lr, mi), denom)));
  }
}

static void adam_scalar(int from, int n, float *w, const float *g, float *m, float *v, const struct pn_adam *o) {
  for (int i = from; i < n; i++) {
    const float gi = g[i] + o->wd * w[i];
    const float mi = o->beta1 * m[i] + o->oneMinusBeta1 * gi;
    const float vi = o->beta2 * v[i] + o->oneMinusBeta2 * (gi * gi);
    m[i] = mi;
    v[i] = vi;
    w[i] = w[i] - (o->stepSize * mi) / (sqrtf(vi) * o->invC2 + o->eps);
  }
}

__attribute__((target("avx2"))) static void adam_avx2(int n, float *w, const float *g, float *m, float *v,
                                                     const struct pn_adam *o) {
  const __m256 b1 = _mm256_set1_ps(o->beta1), c1 = _mm256_set1_ps(o->oneMinusBeta1);
  const __m256 b2 = _mm256_set1_ps(o->beta2), c2 = _mm256_set1_ps(o->oneMinusBeta2);
  const __m256 lr = _mm256_set1_ps(o->stepSize), inv = _mm256_set1_ps(o->invC2), e = _mm256_set1_ps(o->eps);
  const __m256 decay = _mm256_set1_ps(o->wd);
  int i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m256 wi = _mm256_loadu_ps(w + i);
    const __m256 gi = _mm256_add_ps(_mm256_loadu_ps(g + i), _mm256_mul_ps(decay, wi));
    const __m256 mi = _mm256_add_ps(_mm256_mul_ps(b1, _mm256_loadu_ps(m + i)), _mm256_mul_ps(c1, gi));
    const __m256 vi = _mm256_add_ps(_mm256_mul_ps(b2, _mm256_loadu_ps(v + i)), _mm256_mul_ps(c2, _mm256_mul_ps(gi, gi)));
    _mm256_storeu_ps(m + i, mi);
    _mm256_storeu_ps(v + i, vi);
    const __m256 denom = _mm256_add_ps(_mm256_mul_ps(_mm256_sqrt_ps(vi), inv), e);
    _mm256_storeu_ps(w + i, _mm256_sub_ps(wi, _mm256_div_ps(_mm256_mul_ps(lr, mi), denom)));
  }
  adam_scalar(i, n, w, g, m, v, o);
}

int pn_adam_step(enum pn_isa isa, int n, float *w, const float *g, float *m, float *v, const struct pn_adam *o) {
  if (isa == PN_ISA_NONE || isa > pn_detect_isa()) return -2;
  if (isa == PN_ISA_AVX512) adam_avx512(n, w, g, m, v, o);
  else adam_avx2(n, w, g, m, v, o);
  return 0;
}
