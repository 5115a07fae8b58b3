/*
 * pairnet native Conv2d for stride 1 and pad <= k-1 on NCHW, as conv2dForwardReference / conv2dBackwardReference
 * (src/engine/kernels/conv.ts): no im2col, the padded image is read at shifted offsets (conv.c).
 */
#ifndef PAIRNET_CONV_H
#define PAIRNET_CONV_H

#include "gemm.h"

struct pn_conv {
  int N, C, H, W, Cout, k, pad;
};

/* out [N, Cout, OH, OW] = conv(x [N, C, H, W], w [Cout, C, k, k]) + bias (may be NULL). 0, -1 out of memory, -2 no isa. */
int pn_conv_forward(enum pn_isa isa, const struct pn_conv *s, const float *x, const float *w, const float *bias, float *out);

/* dw += dL/dw, db += dL/db (db may be NULL), dx = dL/dx (dx may be NULL). Returns as pn_conv_forward. */
int pn_conv_backward(enum pn_isa isa, const struct pn_conv *s, const float *x, const float *gy, const float *w, float *dw,
                     float *db, float *dx);

#endif
