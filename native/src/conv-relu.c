/*
 * The fused Conv2d -> ReLU (-> max pool) on the native conv (conv.c, Winograd where it takes it). Forward: the conv
 * of a chunk of images into scratch (small enough to stay in cache), then one pass applying the ReLU and pooling with
 * argmax (maxPool2dReference's ties and NaN rule), or the ReLU in place when not pooled; so it rounds as the unfused
 * native conv, ReLU and pool. Backward: pooled on AVX-512, from the sparse gradient (conv-relu-sparse.c); else the
 * output gradient made dense in scratch (through the ReLU mask; pooled: each window's gradient to its argmax when its
 * output is nonzero), then the conv's own backward.
 */
#include "conv-relu.h"

#include <immintrin.h>
#include <stdlib.h>
#include <string.h>

/* Floats of conv output per forward chunk: about 256 KB. */
#define CHUNK_FLOATS 65536

static _Thread_local float *scratch;
static _Thread_local size_t scratch_floats;

static float *region(size_t n) {
  if (n > scratch_floats) {
    float *p = aligned_alloc(64, (n * sizeof(float) + 63) / 64 * 64);
    if (!p) return NULL;
    free(scratch);
    scratch = p;
    scratch_floats = n;
  }
  return scratch;
}

/* relu as reluReference: positive values and NaN pass, the rest (-0 too) become +0. */
static inline float relu(float v) { return v <= 0.0f ? 0.0f : v; }

static void relu_inplace(float *y, size_t n) {
#pragma omp simd
  for (size_t i = 0; i < n; i++) y[i] = relu(y[i]);
}

/* out, arg of `planes` OH x OW planes of relu(y), as maxPool2dReference with arg relative to its plane. */
static void relu_pool(const float *y, int planes, int OH, int OW, int k, int st, float *out, int32_t *arg) {
  const int PH = (OH - k) / st + 1, PW = (OW - k) / st + 1;
  for (int plane = 0; plane < planes; plane++, y += (size_t)OH * OW) {
    for (int ph = 0; ph < PH; ph++) {
      for (int pw = 0; pw < PW; pw++, out++, arg++) {
        int at = ph * st * OW + pw * st;
        float best = relu(y[at]);
        for (int kh = 0; kh < k; kh++) {
          for (int kw = 0; kw < k; kw++) {
            const int idx = (ph * st + kh) * OW + pw * st + kw;
            const float v = relu(y[idx]);
            /* Once a NaN is the best nothing replaces it; a NaN replaces any number; else strictly greater. */
            if (best == best && (v > best || v != v)) best = v, at = idx;
          }
        }
        *out = best;
        *arg = at;
      }
    }
  }
}

/*
 * relu_pool for 2x2 windows of stride 2 with AVX-512: 16 windows of a row at a time, the rows' even and odd columns
 * split by permutes, the rule above as masked selects (element at a time, its chain of dependent compares and
 * branches on a ReLU's coin-flip output took 4x the Winograd conv itself).
 */
__attribute__((target("avx512f"))) static void relu_pool22_avx512(const float *y, int planes, int OH, int OW, float *out,
                                                                  int32_t *arg) {
  const int PH = OH / 2, PW = OW / 2;
  const __m512i even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
  const __m512i odd = _mm512_add_epi32(even, _mm512_set1_epi32(1));
  const __m512 zero = _mm512_setzero_ps();
  for (int plane = 0; plane < planes; plane++, y += (size_t)OH * OW) {
    for (int ph = 0; ph < PH; ph++, out += PW, arg += PW) {
      const float *r0 = y + (size_t)(2 * ph) * OW, *r1 = r0 + OW;
      for (int pw = 0; pw < PW; pw += 16) {
        const int m = PW - pw < 16 ? PW - pw : 16, n = 2 * m;
        const __mmask16 lo = n >= 16 ? 0xFFFF : (__mmask16)((1u << n) - 1), hi = n > 16 ? (__mmask16)((1u << (n - 16)) - 1) : 0;
        const __mmask16 outm = m >= 16 ? 0xFFFF : (__mmask16)((1u << m) - 1);
        const __m512 a0 = _mm512_maskz_loadu_ps(lo, r0 + 2 * pw), a1 = _mm512_maskz_loadu_ps(hi, r0 + 2 * pw + 16);
        const __m512 b0 = _mm512_maskz_loadu_ps(lo, r1 + 2 * pw), b1 = _mm512_maskz_loadu_ps(hi, r1 + 2 * pw + 16);
        __m512 v[4] = {_mm512_permutex2var_ps(a0, even, a1), _mm512_permutex2var_ps(a0, odd, a1),
                       _mm512_permutex2var_ps(b0, even, b1), _mm512_permutex2var_ps(b0, odd, b1)};
        const __m512i base = _mm512_add_epi32(_mm512_set1_epi32(2 * ph * OW + 2 * pw), even); /* 2 * lane */
        const int offs[4] = {0, 1, OW, OW + 1};
        for (int e = 0; e < 4; e++) v[e] = _mm512_mask_mov_ps(v[e], _mm512_cmp_ps_mask(v[e], zero, _CMP_LE_OQ), zero);
        __m512 best = v[0];
        __m512i at = base;
        for (int e = 1; e < 4; e++) {
          const __mmask16 take = _mm512_cmp_ps_mask(best, best, _CMP_ORD_Q) &
                                 (_mm512_cmp_ps_mask(v[e], best, _CMP_GT_OQ) | _mm512_cmp_ps_mask(v[e], v[e], _CMP_UNORD_Q));
          best = _mm512_mask_mov_ps(best, take, v[e]);
          at = _mm512_mask_mov_epi32(at, take, _mm512_add_epi32(base, _mm512_set1_epi32(offs[e])));
        }
        _mm512_mask_storeu_ps(out + pw, outm, best);
        _mm512_mask_storeu_epi32(arg + pw, outm, at);
      }
    }
  }
}

/*
 * g = y != 0 ? gy : 0 (a NaN output passes its gradient), as bit masks: the select with its conditional load was left
 * scalar by the compiler and took longer than the conv's weight gradient.
 */
static void relu_mask(const float *y, const float *gy, float *g, size_t n) {
  const uint32_t *yb = (const uint32_t *)y, *gb = (const uint32_t *)gy;
  uint32_t *out = (uint32_t *)g;
#pragma omp simd
  for (size_t i = 0; i < n; i++) out[i] = gb[i] & -(uint32_t)((yb[i] & 0x7FFFFFFFu) != 0); /* +0 and -0 are zero */
}

int pn_conv_relu_forward(enum pn_isa isa, const struct pn_conv *s, struct pn_pool pool, const float *x, const float *w,
                         const float *bias, float *out, int32_t *arg) {
  const int OH = s->H + 2 * s->pad - s->k + 1, OW = s->W + 2 * s->pad - s->k + 1;
  const size_t P = (size_t)OH * OW, inImage = (size_t)s->C * s->H * s->W, convImage = (size_t)s->Cout * P;
  if (!pool.k) {
    const int rc = pn_conv_forward(isa, s, x, w, bias, out);
    if (!rc) relu_inplace(out, (size_t)s->N * convImage);
    return rc;
  }
  const size_t outImage = (size_t)s->Cout * ((OH - pool.k) / pool.stride + 1) * ((OW - pool.k) / pool.stride + 1);
  const int chunk = convImage >= CHUNK_FLOATS ? 1 : (int)(CHUNK_FLOATS / convImage);
  const int pool22 = isa == PN_ISA_AVX512 && pool.k == 2 && pool.stride == 2;
  float *y = region((size_t)(s->N < chunk ? s->N : chunk) * convImage);
  if (!y) return -1;
  for (int n0 = 0; n0 < s->N; n0 += chunk) {
    struct pn_conv c = *s;
    c.N = s->N - n0 < chunk ? s->N - n0 : chunk;
    const int rc = pn_conv_forward(isa, &c, x + n0 * inImage, w, bias, y);
    if (rc) return rc;
    if (pool22) relu_pool22_avx512(y, c.N * s->Cout, OH, OW, out + n0 * outImage, arg + n0 * outImage);
    else relu_pool(y, c.N * s->Cout, OH, OW, pool.k, pool.stride, out + n0 * outImage, arg + n0 * outImage);
  }
  return 0;
}

int pn_conv_relu_backward(enum pn_isa isa, const struct pn_conv *s, struct pn_pool pool, const float *x, const float *gy,
                          const float *y, const int32_t *arg, const float *w, float *dw, float *db, float *dx) {
  const int OH = s->H + 2 * s->pad - s->k + 1, OW = s->W + 2 * s->pad - s->k + 1;
  const size_t P = (size_t)OH * OW, planes = (size_t)s->N * s->Cout, n = planes * P;
  if (pool.k && isa == PN_ISA_AVX512 && pn_detect_isa() == PN_ISA_AVX512) {
    return pn_conv_relu_backward_sparse(s, pool, x, gy, y, arg, w, dw, db, dx);
  }
  float *g = region(n);
  if (!g) return -1;
  if (!pool.k) {
    relu_mask(y, gy, g, n);
  } else {
    const size_t plane = (size_t)((OH - pool.k) / pool.stride + 1) * ((OW - pool.k) / pool.stride + 1);
    memset(g, 0, n * sizeof(float));
    for (size_t p = 0; p < planes; p++, y += plane, gy += plane, arg += plane) {
      float *gp = g + p * P;
      for (size_t i = 0; i < plane; i++) {
        if (y[i] == 0.0f) continue;
        if (arg[i] < 0 || (size_t)arg[i] >= P) return -3;
        gp[arg[i]] += gy[i];
      }
    }
  }
  return pn_conv_backward(isa, s, x, g, w, dw, db, dx);
}
