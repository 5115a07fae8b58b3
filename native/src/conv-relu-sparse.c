/*
 * The pooled backward of the fused conv -> ReLU -> pool with AVX-512, from the sparse gradient itself: only a
 * window's argmax with a nonzero output gets a gradient (at most one element in k*k), so rather than the dense
 * conv backward (conv.c's, most of whose products are with zeros), each such element g at (o, y, x) adds g * x's
 * k x k patch to o's weight gradient and g * w[o] to the input gradient's patch, channels as the vector lanes: x and
 * the input gradient channels-last ([y][x][c], zero-padded), the weights [o][tap][c]. Sums in another order than the
 * dense pass (per element, not per position), so within float32 rounding of it, exact on small integers.
 */
#include "conv-relu.h"
#include "conv-winograd-parts.h"

#include <immintrin.h>
#include <stdlib.h>
#include <string.h>

enum { XT, DXT, WT, DWT, REGIONS };
static _Thread_local float *scratch[REGIONS];
static _Thread_local size_t scratch_floats[REGIONS];

static float *region(int r, size_t n) {
  if (n > scratch_floats[r]) {
    float *p = aligned_alloc(64, (n * sizeof(float) + 63) / 64 * 64);
    if (!p) return NULL;
    free(scratch[r]);
    scratch[r] = p;
    scratch_floats[r] = n;
  }
  return scratch[r];
}

/*
 * The windows of a plane that pass a gradient (a nonzero pooled output and a nonzero gradient: dropout zeroes about
 * half), listed without a branch per window; skipping a zero gradient only leaves out products that are zero.
 */
static size_t active_windows(size_t plane, const float *gy, const float *y, uint32_t *live) {
  size_t m = 0;
  for (size_t i = 0; i < plane; i++) {
    live[m] = (uint32_t)i;
    m += (y[i] != 0.0f) & (gy[i] != 0.0f);
  }
  return m;
}

/* One image's scatter: dwt[o][t][c] += g x_t[patch t][c], and dxt's patch += g wt[o][t] when dxt. */
__attribute__((target("avx512f"))) static void scatter_image(const struct pn_conv *s, int OW, size_t plane, int Wp, int Cp,
                                                             const float *gy, const float *y, const int32_t *arg, const float *xt,
                                                             const float *wt, float *dwt, float *dxt, double *dbsum, uint32_t *live) {
  const int k = s->k, KK = k * k;
  for (int o = 0; o < s->Cout; o++, gy += plane, y += plane, arg += plane) {
    const float *wo = wt + (size_t)o * KK * Cp;
    float *dwo = dwt + (size_t)o * KK * Cp;
    double sum = 0;
    const size_t m = active_windows(plane, gy, y, live);
    for (size_t j = 0; j < m; j++) {
      const size_t i = live[j];
      const int oy = arg[i] / OW, ox = arg[i] % OW;
      const __m512 g = _mm512_set1_ps(gy[i]);
      sum += gy[i];
      for (int kh = 0; kh < k; kh++) {
        const size_t row = ((size_t)(oy + kh) * Wp + ox) * Cp;
        for (int kw = 0; kw < k; kw++) {
          const size_t at = row + (size_t)kw * Cp, t = (size_t)(kh * k + kw) * Cp;
          for (int c = 0; c < Cp; c += 16) {
            _mm512_storeu_ps(dwo + t + c, _mm512_fmadd_ps(g, _mm512_loadu_ps(xt + at + c), _mm512_loadu_ps(dwo + t + c)));
            if (dxt) _mm512_storeu_ps(dxt + at + c, _mm512_fmadd_ps(g, _mm512_loadu_ps(wo + t + c), _mm512_loadu_ps(dxt + at + c)));
          }
        }
      }
    }
    dbsum[o] += sum;
  }
}

/*
 * scatter_image for 3x3 kernels and at most 16 channels (ConvSepNet's conv2): o's 9 weight-gradient vectors and 9
 * weight vectors stay in registers across its plane (through memory, each element's adds waited on the last's stores).
 */
__attribute__((target("avx512f"))) static void scatter_image3(const struct pn_conv *s, int OW, size_t plane, int Wp,
                                                              const float *gy, const float *y, const int32_t *arg,
                                                              const float *xt, const float *wt, float *dwt, float *dxt,
                                                              double *dbsum, uint32_t *live) {
  for (int o = 0; o < s->Cout; o++, gy += plane, y += plane, arg += plane) {
    const float *wo = wt + (size_t)o * 9 * 16;
    float *dwo = dwt + (size_t)o * 9 * 16;
    __m512 acc[9], wv[9];
    for (int t = 0; t < 9; t++) acc[t] = _mm512_loadu_ps(dwo + t * 16), wv[t] = _mm512_loadu_ps(wo + t * 16);
    double sum = 0;
    const size_t m = active_windows(plane, gy, y, live);
    for (size_t j = 0; j < m; j++) {
      const size_t i = live[j];
      const int oy = arg[i] / OW, ox = arg[i] % OW;
      const __m512 g = _mm512_set1_ps(gy[i]);
      sum += gy[i];
      const float *xp = xt + ((size_t)oy * Wp + ox) * 16;
#pragma GCC unroll 9
      for (int t = 0; t < 9; t++) acc[t] = _mm512_fmadd_ps(g, _mm512_loadu_ps(xp + ((t / 3) * Wp + t % 3) * 16), acc[t]);
      if (dxt) {
        float *dp = dxt + ((size_t)oy * Wp + ox) * 16;
#pragma GCC unroll 9
        for (int t = 0; t < 9; t++) {
          float *d = dp + ((t / 3) * Wp + t % 3) * 16;
          _mm512_storeu_ps(d, _mm512_fmadd_ps(g, wv[t], _mm512_loadu_ps(d)));
        }
      }
    }
    for (int t = 0; t < 9; t++) _mm512_storeu_ps(dwo + t * 16, acc[t]);
    dbsum[o] += sum;
  }
}

int pn_conv_relu_backward_sparse(const struct pn_conv *s, struct pn_pool pool, const float *x, const float *gy, const float *y,
                                 const int32_t *arg, const float *w, float *dw, float *db, float *dx) {
  const int C = s->C, Cout = s->Cout, k = s->k, KK = k * k, pad = s->pad, Cp = (C + 15) / 16 * 16;
  const int OH = s->H + 2 * pad - k + 1, OW = s->W + 2 * pad - k + 1, Hp = s->H + 2 * pad, Wp = s->W + 2 * pad;
  const size_t P = (size_t)OH * OW, plane = (size_t)((OH - pool.k) / pool.stride + 1) * ((OW - pool.k) / pool.stride + 1);
  const size_t outImage = (size_t)Cout * plane, inImage = (size_t)C * s->H * s->W, padded = (size_t)Hp * Wp * Cp;
  /* Every argmax that passes a gradient checked before anything is written; without a branch per element (whether
     y is zero is random, and its mispredictions made this check about a third of the pass). */
  int bad = 0;
  for (size_t i = 0; i < (size_t)s->N * outImage; i++) bad |= (y[i] != 0.0f) & ((uint32_t)arg[i] >= (uint32_t)P);
  if (bad) return -3;
  float *xt = region(XT, padded), *dxt = dx ? region(DXT, padded) : NULL;
  float *wt = region(WT, (size_t)Cout * KK * Cp), *dwt = region(DWT, (size_t)Cout * KK * Cp);
  double *dbsum = calloc(Cout, sizeof(double));
  uint32_t *live = malloc(plane * sizeof(uint32_t));
  if (!xt || (dx && !dxt) || !wt || !dwt || !dbsum || !live) {
    free(dbsum);
    free(live);
    return -1;
  }
  memset(xt, 0, padded * sizeof(float)); /* the borders and the lanes past C stay zero */
  memset(dwt, 0, (size_t)Cout * KK * Cp * sizeof(float));
  for (int o = 0; o < Cout; o++) {
    for (int t = 0; t < KK; t++) {
      float *dst = wt + ((size_t)o * KK + t) * Cp;
      for (int c = 0; c < Cp; c++) dst[c] = c < C ? w[((size_t)o * C + c) * KK + t] : 0.0f;
    }
  }
  for (int n = 0; n < s->N; n++) {
    pn_wino_transpose_in(x + n * inImage, C, s->H, s->W, pad, Wp, Cp, xt);
    if (dx) memset(dxt, 0, padded * sizeof(float));
    const size_t at = n * outImage;
    if (k == 3 && Cp == 16) scatter_image3(s, OW, plane, Wp, gy + at, y + at, arg + at, xt, wt, dwt, dxt, dbsum, live);
    else scatter_image(s, OW, plane, Wp, Cp, gy + at, y + at, arg + at, xt, wt, dwt, dxt, dbsum, live);
    if (!dx) continue;
    float *dxn = dx + n * inImage;
    for (int c = 0; c < C; c++) {
      for (int yy = 0; yy < s->H; yy++) {
        const float *src = dxt + ((size_t)(yy + pad) * Wp + pad) * Cp + c;
        for (int xx = 0; xx < s->W; xx++) *dxn++ = src[(size_t)xx * Cp];
      }
    }
  }
  for (int o = 0; o < Cout; o++) {
    for (int c = 0; c < C; c++) {
      for (int t = 0; t < KK; t++) dw[((size_t)o * C + c) * KK + t] += dwt[((size_t)o * KK + t) * Cp + c];
    }
    if (db) db[o] = (float)((double)db[o] + dbsum[o]);
  }
  free(dbsum);
  free(live);
  return 0;
}
