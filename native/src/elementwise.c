/*
 * Elementwise ops in place on the caller's arrays, as their references (src/engine/kernels/elementwise.ts, dropout.ts):
 * each is exact or one float32 rounding per element, so every instruction set gives the references' bits. GCC
 * vectorises the loops and picks the widest build the CPU runs (target_clones: AVX-512, AVX2, plain x86-64).
 */
#include "elementwise.h"

#define CLONES __attribute__((target_clones("avx512f", "avx2", "default")))

CLONES void pn_elementwise(enum pn_op op, int n, const float *a, const float *b, float *out, float s) {
  switch (op) {
    case PN_RELU: /* NaN stays NaN; -0 and -inf give +0 */
      for (int i = 0; i < n; i++) out[i] = a[i] > 0 || a[i] != a[i] ? a[i] : 0.0f;
      break;
    case PN_RELU_BACKWARD: /* a = relu's output y, b = dy */
      for (int i = 0; i < n; i++) out[i] = a[i] != 0 ? b[i] : 0.0f;
      break;
    case PN_ADD:
      for (int i = 0; i < n; i++) out[i] = a[i] + b[i];
      break;
    case PN_ADD_RELU:
      for (int i = 0; i < n; i++) {
        const float v = a[i] + b[i];
        out[i] = v > 0 || v != v ? v : 0.0f;
      }
      break;
    case PN_LEAKY_RELU:
      for (int i = 0; i < n; i++) out[i] = a[i] > 0 ? a[i] : a[i] * s;
      break;
    case PN_LEAKY_RELU_BACKWARD: /* a = the forward's input x, b = dy */
      for (int i = 0; i < n; i++) out[i] = a[i] > 0 ? b[i] : b[i] * s;
      break;
    case PN_MULTIPLY:
      for (int i = 0; i < n; i++) out[i] = a[i] * b[i];
      break;
  }
}
