/*
 * Max pooling with argmax in place on the caller's arrays, as maxPool2dReference (src/engine/kernels/pool.ts): k x k
 * windows, stride, no padding, floor mode; ties go to the first maximum in row-major window order and a NaN wins.
 */
#include "pool.h"

#include <stddef.h>

void pn_max_pool(int planes, int H, int W, int k, int stride, const float *in, float *out, int32_t *arg) {
  const int OH = (H - k) / stride + 1, OW = (W - k) / stride + 1;
  size_t o = 0;
  for (int plane = 0; plane < planes; plane++) {
    const float *p = in + (size_t)plane * H * W;
    for (int oh = 0; oh < OH; oh++) {
      for (int ow = 0; ow < OW; ow++, o++) {
        size_t at = (size_t)(oh * stride) * W + ow * stride;
        float best = p[at];
        for (int kh = 0; kh < k; kh++) {
          for (int kw = 0; kw < k; kw++) {
            const size_t idx = (size_t)(oh * stride + kh) * W + ow * stride + kw;
            const float v = p[idx];
            /* Once a NaN is the best nothing replaces it; a NaN replaces any number; else strictly greater. */
            if (best == best && (v > best || v != v)) best = v, at = idx;
          }
        }
        out[o] = best;
        arg[o] = (int32_t)((size_t)plane * H * W + at);
      }
    }
  }
}
