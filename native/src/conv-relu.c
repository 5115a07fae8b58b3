/*
 * The fused Conv2d -> ReLU (-> max pool) on the native conv (conv.c, Winograd where it takes it). Forward: the conv
 * of a chunk of images into scratch (small enough to stay in cache), then one pass applying the ReLU and pooling with
 * argmax (maxPool2dReference's ties and NaN rule), or the ReLU in place when not pooled. Backward: the output
 * gradient made dense in scratch (through the ReLU mask; pooled: each window's gradient to its argmax when its output
 * is nonzero), then the conv's own backward. Rounds as the unfused conv, ReLU and pool on this backend.
 */
#include "conv-relu.h"

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
static void relu_pool(const float *y, int planes, int OH, int OW, struct pn_pool pool, float *out, int32_t *arg) {
  const int k = pool.k, st = pool.stride, PH = (OH - k) / st + 1, PW = (OW - k) / st + 1;
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
  float *y = region((size_t)(s->N < chunk ? s->N : chunk) * convImage);
  if (!y) return -1;
  for (int n0 = 0; n0 < s->N; n0 += chunk) {
    struct pn_conv c = *s;
    c.N = s->N - n0 < chunk ? s->N - n0 : chunk;
    const int rc = pn_conv_forward(isa, &c, x + n0 * inImage, w, bias, y);
    if (rc) return rc;
    relu_pool(y, c.N * s->Cout, OH, OW, pool, out + n0 * outImage, arg + n0 * outImage);
  }
  return 0;
}

int pn_conv_relu_backward(enum pn_isa isa, const struct pn_conv *s, struct pn_pool pool, const float *x, const float *gy,
                          const float *y, const int32_t *arg, const float *w, float *dw, float *db, float *dx) {
  const int OH = s->H + 2 * s->pad - s->k + 1, OW = s->W + 2 * s->pad - s->k + 1;
  const size_t P = (size_t)OH * OW, planes = (size_t)s->N * s->Cout, n = planes * P;
  float *g = region(n);
  if (!g) return -1;
  if (!pool.k) {
#pragma omp simd
    for (size_t i = 0; i < n; i++) g[i] = y[i] != 0.0f ? gy[i] : 0.0f; /* a NaN output passes its gradient */
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
