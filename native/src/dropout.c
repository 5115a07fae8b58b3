/*
 * Dropout's mask from 4 xoshiro128** streams, as dropoutForwardReference (src/engine/kernels/dropout.ts): element i
 * takes the next draw of stream i % 4 and is kept when it is below `threshold`; integer steps and one float32 product
 * per element, so the reference's bits.
 */
#include "dropout.h"

#include <math.h>

static uint32_t rotl(uint32_t x, int k) {
  return (x << k) | (x >> (32 - k));
}

/* One xoshiro128** step of stream (a, b, c, d) = s[j], s[4 + j], s[8 + j], s[12 + j]: its output. */
static inline uint32_t next(uint32_t *a, uint32_t *b, uint32_t *c, uint32_t *d) {
  const uint32_t r = rotl(*b * 5u, 7) * 9u, t = *b << 9;
  *c ^= *a;
  *d ^= *b;
  *b ^= *c;
  *a ^= *d;
  *c ^= t;
  *d = rotl(*d, 11);
  return r;
}

#if defined(__SSE2__)
#include <emmintrin.h>

static inline __m128i rotl4(__m128i x, int k) {
  return _mm_or_si128(_mm_slli_epi32(x, k), _mm_srli_epi32(x, 32 - k));
}
#endif

/*
 * Four elements (one draw of each stream) a step, the streams' state in registers: indexing it by i % 4 kept it in
 * memory, a serial chain of loads and stores per element. With SSE2 (every x86-64) the four streams are the lanes of
 * one vector and the keep test a mask, not a branch: a random mask mispredicted about every other element (a
 * 40,000-element call took 250 us with the scalar branch, 5x the WebAssembly kernel's time).
 */
void pn_dropout(int n, const uint32_t seed[16], double threshold, float scale, const float *x, float *y, float *mask) {
  uint32_t a[4], b[4], c[4], d[4];
  for (int j = 0; j < 4; j++) a[j] = seed[j], b[j] = seed[4 + j], c[j] = seed[8 + j], d[j] = seed[12 + j];
  int i = 0;
#if defined(__SSE2__)
  {
    /* A uint32 draw is below threshold exactly when it is below ceil(threshold); from 2^32 on every draw is. Unsigned
       compare as signed with the sign bits flipped. */
    const double up = ceil(threshold);
    const int all = up >= 4294967296.0;
    const uint32_t limit = !all && up > 0 ? (uint32_t)up : 0;
    const __m128i sign = _mm_set1_epi32(INT32_MIN), lim = _mm_set1_epi32((int32_t)(limit ^ 0x80000000u));
    const __m128i every = _mm_set1_epi32(all ? -1 : 0);
    const __m128 kept = _mm_set1_ps(scale);
    __m128i va = _mm_loadu_si128((const __m128i *)a), vb = _mm_loadu_si128((const __m128i *)b);
    __m128i vc = _mm_loadu_si128((const __m128i *)c), vd = _mm_loadu_si128((const __m128i *)d);
    for (; i + 4 <= n; i += 4) {
      /* r = rotl(b * 5, 7) * 9, the multiplications as shifts and adds (SSE2 has no 32-bit lane product). */
      const __m128i b5 = _mm_add_epi32(_mm_slli_epi32(vb, 2), vb), r7 = rotl4(b5, 7);
      const __m128i r = _mm_add_epi32(_mm_slli_epi32(r7, 3), r7), t = _mm_slli_epi32(vb, 9);
      vc = _mm_xor_si128(vc, va);
      vd = _mm_xor_si128(vd, vb);
      vb = _mm_xor_si128(vb, vc);
      va = _mm_xor_si128(va, vd);
      vc = _mm_xor_si128(vc, t);
      vd = rotl4(vd, 11);
      const __m128i keep = _mm_or_si128(_mm_cmplt_epi32(_mm_xor_si128(r, sign), lim), every);
      const __m128 v = _mm_and_ps(_mm_castsi128_ps(keep), kept);
      _mm_storeu_ps(mask + i, v);
      _mm_storeu_ps(y + i, _mm_mul_ps(_mm_loadu_ps(x + i), v));
    }
    _mm_storeu_si128((__m128i *)a, va);
    _mm_storeu_si128((__m128i *)b, vb);
    _mm_storeu_si128((__m128i *)c, vc);
    _mm_storeu_si128((__m128i *)d, vd);
  }
#else
  for (; i + 4 <= n; i += 4) {
#pragma GCC unroll 4
    for (int j = 0; j < 4; j++) {
      const float v = (double)next(&a[j], &b[j], &c[j], &d[j]) < threshold ? scale : 0.0f;
      mask[i + j] = v;
      y[i + j] = x[i + j] * v;
    }
  }
#endif
  for (int j = 0; i < n; i++, j++) {
    const float v = (double)next(&a[j], &b[j], &c[j], &d[j]) < threshold ? scale : 0.0f;
    mask[i] = v;
    y[i] = x[i] * v;
  }
}
