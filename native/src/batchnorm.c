/*
 * Batch normalisation with the WebAssembly kernel's arithmetic (asm/batchnorm.ts): sums per plane in float32 lanes
 * (any order: the reference sums in float64, so tests allow rounding), across planes in float64; the elementwise
 * steps are the same float32 operations in the same order (no contraction: -ffp-contract=off), so y, x_hat and the
 * ReLU mask are the reference's bits. GCC vectorises the loops (omp simd) and picks the widest build the CPU runs.
 */
#include "batchnorm.h"

#include <math.h>
#include <stddef.h>

#define CLONES __attribute__((target_clones("avx512f", "avx2", "default")))

static inline size_t plane(const struct pn_norm *s, int n, int c) { return ((size_t)n * s->C + c) * s->S; }

CLONES static double channel_sum(const struct pn_norm *s, const float *x, int c) {
  double total = 0;
  for (int n = 0; n < s->N; n++) {
    const float *p = x + plane(s, n, c);
    float acc = 0;
#pragma omp simd reduction(+ : acc)
    for (int i = 0; i < s->S; i++) acc += p[i];
    total += acc;
  }
  return total;
}

CLONES static double channel_squares(const struct pn_norm *s, const float *x, int c, float mean) {
  double total = 0;
  for (int n = 0; n < s->N; n++) {
    const float *p = x + plane(s, n, c);
    float acc = 0;
#pragma omp simd reduction(+ : acc)
    for (int i = 0; i < s->S; i++) {
      const float d = p[i] - mean;
      acc += d * d;
    }
    total += acc;
  }
  return total;
}

CLONES void pn_batchnorm_forward(const struct pn_norm *s, double momentum, double eps, const float *x, const float *gamma,
                                 const float *beta, float *runMean, float *runVar, float *xhat, const float *res, float *y,
                                 float *invStd) {
  const double m = (double)s->N * s->S;
  for (int c = 0; c < s->C; c++) {
    double mean, variance;
    if (s->training) {
      mean = channel_sum(s, x, c) / m;
      const double sq = channel_squares(s, x, c, (float)mean);
      variance = sq / m;
      runMean[c] = (float)((1 - momentum) * runMean[c] + momentum * mean);
      runVar[c] = (float)((1 - momentum) * runVar[c] + momentum * (sq / (m - 1)));
    } else {
      mean = runMean[c];
      variance = runVar[c];
    }
    const float inv = (float)(1 / sqrt(variance + eps)), mf = (float)mean, g = gamma[c], b = beta[c];
    invStd[c] = inv;
    for (int n = 0; n < s->N; n++) {
      const size_t at = plane(s, n, c);
      const float *xp = x + at, *rp = res ? res + at : NULL;
      float *hp = xhat + at, *yp = y + at;
      const int S = s->S, relu = s->relu;
#pragma omp simd
      for (int i = 0; i < S; i++) {
        const float h = (xp[i] - mf) * inv;
        hp[i] = h;
        float v = g * h + b;
        if (rp) v += rp[i];
        yp[i] = relu && v <= 0 ? 0.0f : v;
      }
    }
  }
}

CLONES void pn_batchnorm_backward(const struct pn_norm *s, const float *gy, const float *xhat, const float *gamma,
                                  const float *beta, const float *invStd, float *dgamma, float *dbeta, float *dx) {
  const double m = (double)s->N * s->S;
  const int S = s->S, relu = s->relu;
  for (int c = 0; c < s->C; c++) {
    const float g = gamma[c], b = beta[c];
    double sumG = 0, sumGX = 0;
    for (int n = 0; n < s->N; n++) {
      const size_t at = plane(s, n, c);
      const float *gp = gy + at, *hp = xhat + at;
      float *dp = dx + at;
      float sg = 0, sgx = 0;
      if (relu) {
        /* Both operands read unconditionally, so the select vectorises (a conditional read did not). */
#pragma omp simd reduction(+ : sg, sgx)
        for (int i = 0; i < S; i++) {
          const float h = hp[i], v = gp[i];
          const float d = g * h + b <= 0 ? 0.0f : v;
          dp[i] = d;
          sg += d;
          sgx += d * h;
        }
      } else {
#pragma omp simd reduction(+ : sg, sgx)
        for (int i = 0; i < S; i++) {
          const float h = hp[i], d = gp[i];
          dp[i] = d;
          sg += d;
          sgx += d * h;
        }
      }
      sumG += sg;
      sumGX += sgx;
    }
    dgamma[c] = dgamma[c] + (float)sumGX;
    dbeta[c] = dbeta[c] + (float)sumG;
    const float k = g * invStd[c], mg = (float)(sumG / m), mgx = (float)(sumGX / m);
    for (int n = 0; n < s->N; n++) {
      const size_t at = plane(s, n, c);
      const float *hp = xhat + at;
      float *dp = dx + at;
      if (s->training) {
#pragma omp simd
        for (int i = 0; i < S; i++) dp[i] = k * ((dp[i] - mg) - hp[i] * mgx);
      } else {
#pragma omp simd
        for (int i = 0; i < S; i++) dp[i] = k * dp[i];
      }
    }
  }
}
