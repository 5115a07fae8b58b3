/*
 * Dropout's mask from 4 xoshiro128** streams, as dropoutForwardReference (src/engine/kernels/dropout.ts): element i
 * takes the next draw of stream i % 4 and is kept when it is below `threshold`; integer steps and one float32 product
 * per element, so the reference's bits.
 */
#include "dropout.h"

static uint32_t rotl(uint32_t x, int k) {
  return (x << k) | (x >> (32 - k));
}

void pn_dropout(int n, const uint32_t seed[16], double threshold, float scale, const float *x, float *y, float *mask) {
  uint32_t s[16];
  for (int i = 0; i < 16; i++) s[i] = seed[i];
  for (int i = 0; i < n; i++) {
    const int j = i & 3;
    const uint32_t r = rotl(s[4 + j] * 5u, 7) * 9u;
    const uint32_t t = s[4 + j] << 9;
    s[8 + j] ^= s[j];
    s[12 + j] ^= s[4 + j];
    s[4 + j] ^= s[8 + j];
    s[j] ^= s[12 + j];
    s[8 + j] ^= t;
    s[12 + j] = rotl(s[12 + j], 11);
    const float v = (double)r < threshold ? scale : 0.0f;
    mask[i] = v;
    y[i] = x[i] * v;
  }
}
