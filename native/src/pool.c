/*
 * Max pooling with argmax in place on the caller's arrays, as maxPool2dReference (src/engine/kernels/pool.ts): k x k
 * windows, stride, no padding, floor mode; ties go to the first maximum in row-major window order and a NaN wins.
 */
#include "pool.h"
#include "gemm.h"

#include <immintrin.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

static inline uint32_t bits_of(float v) {
  uint32_t b;
  memcpy(&b, &v, sizeof b);
  return b;
}

/*
 * 16 windows at once in output order (across rows and planes, so small planes fill the lanes too): their first
 * elements' indices counted out in scalar, every tap gathered, the maximum and its index kept by masked moves (the
 * bits of the winning element). Which element wins is random on real activations: the scalar loop's branch
 * mispredicted about every other comparison (3x the WebAssembly kernel's time; selects on bits still 2x).
 */
__attribute__((target("avx512f"))) static void max_pool_avx512(int planes, int H, int W, int k, int stride, const float *in,
                                                                float *out, int32_t *arg) {
  const int OH = (H - k) / stride + 1, OW = (W - k) / stride + 1;
  const size_t total = (size_t)planes * OH * OW;
  int32_t first[16];
  int plane = 0, oh = 0, ow = 0;
  for (size_t o = 0; o < total; o += 16) {
    const int n = total - o >= 16 ? 16 : (int)(total - o);
    for (int j = 0; j < 16; j++) {
      if (j >= n) {
        first[j] = 0;
        continue;
      }
      first[j] = (int32_t)(((size_t)plane * H + (size_t)oh * stride) * W + (size_t)ow * stride);
      if (++ow == OW) {
        ow = 0;
        if (++oh == OH) oh = 0, plane++;
      }
    }
    const __mmask16 live = n == 16 ? (__mmask16)0xffff : (__mmask16)((1u << n) - 1);
    const __m512i at0 = _mm512_loadu_si512(first);
    __m512i at = at0;
    __m512 best = _mm512_mask_i32gather_ps(_mm512_setzero_ps(), live, at0, in, 4);
    for (int kh = 0; kh < k; kh++) {
      for (int kw = kh == 0 ? 1 : 0; kw < k; kw++) {
        const __m512i idx = _mm512_add_epi32(at0, _mm512_set1_epi32(kh * W + kw));
        const __m512 v = _mm512_mask_i32gather_ps(_mm512_setzero_ps(), live, idx, in, 4);
        /* Once a NaN is the best nothing replaces it; a NaN replaces any number; else strictly greater. */
        const __mmask16 take = _mm512_cmp_ps_mask(best, best, _CMP_ORD_Q) &
                               (_mm512_cmp_ps_mask(v, best, _CMP_GT_OQ) | _mm512_cmp_ps_mask(v, v, _CMP_UNORD_Q));
        best = _mm512_mask_mov_ps(best, take, v);
        at = _mm512_mask_mov_epi32(at, take, idx);
      }
    }
    _mm512_mask_storeu_ps(out + o, live, best);
    _mm512_mask_storeu_epi32(arg + o, live, at);
  }
}

/* Without AVX-512: the window's maximum by selects on bits, not branches (see above). */
void pn_max_pool(int planes, int H, int W, int k, int stride, const float *in, float *out, int32_t *arg) {
  if (pn_detect_isa() == PN_ISA_AVX512) {
    max_pool_avx512(planes, H, W, k, stride, in, out, arg);
    return;
  }
  const int OH = (H - k) / stride + 1, OW = (W - k) / stride + 1;
  size_t o = 0;
  for (int plane = 0; plane < planes; plane++) {
    const float *p = in + (size_t)plane * H * W;
    for (int oh = 0; oh < OH; oh++) {
      for (int ow = 0; ow < OW; ow++, o++) {
        uint32_t at = (uint32_t)((size_t)(oh * stride) * W + ow * stride);
        float best = p[at];
        uint32_t bestBits = bits_of(best);
        for (int kh = 0; kh < k; kh++) {
          for (int kw = 0; kw < k; kw++) {
            const uint32_t idx = (uint32_t)((size_t)(oh * stride + kh) * W + ow * stride + kw);
            const float v = p[idx];
            /* Once a NaN is the best nothing replaces it; a NaN replaces any number; else strictly greater. */
            const uint32_t take = -(uint32_t)((best == best) & ((v > best) | (v != v)));
            bestBits = (bits_of(v) & take) | (bestBits & ~take);
            at = (idx & take) | (at & ~take);
            memcpy(&best, &bestBits, sizeof best);
          }
        }
        out[o] = best;
        arg[o] = (int32_t)((size_t)plane * H * W + at);
      }
    }
  }
}
