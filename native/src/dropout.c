/*
 * Dropout's mask from 4 xoshiro128** streams, as dropoutForwardReference (src/engine/kernels/dropout.ts): element i
 * takes the next draw of stream i % 4 and is kept when it is below `threshold`; integer steps and one float32 product
 * per element, so the reference's bits.
 */
#include "dropout.h"

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

/*
 * Four elements (one draw of each stream) a step, the streams' state in locals: indexing it by i % 4 kept it in
 * memory, a serial chain of loads and stores per element.
 */
void pn_dropout(int n, const uint32_t seed[16], double threshold, float scale, const float *x, float *y, float *mask) {
  uint32_t a[4], b[4], c[4], d[4];
  for (int j = 0; j < 4; j++) a[j] = seed[j], b[j] = seed[4 + j], c[j] = seed[8 + j], d[j] = seed[12 + j];
  int i = 0;
  for (; i + 4 <= n; i += 4) {
#pragma GCC unroll 4
    for (int j = 0; j < 4; j++) {
      const float v = (double)next(&a[j], &b[j], &c[j], &d[j]) < threshold ? scale : 0.0f;
      mask[i + j] = v;
      y[i + j] = x[i + j] * v;
    }
  }
  for (int j = 0; i < n; i++, j++) {
    const float v = (double)next(&a[j], &b[j], &c[j], &d[j]) < threshold ? scale : 0.0f;
    mask[i] = v;
    y[i] = x[i] * v;
  }
}
