/*
 * pairnet native fused Conv2d -> ReLU (-> max pool) for stride 1 and pad <= k-1, as convReluForwardReference /
 * convReluBackwardReference (src/engine/kernels/conv-relu.ts): the native conv (conv.c) with a ReLU + pooling pass
 * after it, and before its backward the pooled gradient scattered through the ReLU mask into a dense one (conv-relu.c).
 */
#ifndef PAIRNET_CONV_RELU_H
#define PAIRNET_CONV_RELU_H

#include <stdint.h>

#include "conv.h"

/* Max pooling after the ReLU: k x k windows, stride, no padding, floor mode; k = 0: none. */
struct pn_pool {
  int k, stride;
};

/*
 * out = relu(conv(x, w) + bias) [N, Cout, OH, OW], or with a pool its pooling [N, Cout, PH, PW] and arg (the chosen
 * element's index within its OH x OW plane). Returns as pn_conv_forward.
 */
int pn_conv_relu_forward(enum pn_isa isa, const struct pn_conv *s, struct pn_pool pool, const float *x, const float *w,
                         const float *bias, float *out, int32_t *arg);

/*
 * Gradients given gy and the forward's out y and arg: dw +=, db += (may be NULL), dx = (may be NULL). Returns as
 * pn_conv_backward, or -3 (nothing written) when an argmax of a nonzero output lies outside its plane.
 */
int pn_conv_relu_backward(enum pn_isa isa, const struct pn_conv *s, struct pn_pool pool, const float *x, const float *gy,
                          const float *y, const int32_t *arg, const float *w, float *dw, float *db, float *dx);

/* pn_conv_relu_backward's pooled case on AVX-512 from the sparse gradient (conv-relu-sparse.c); returns as it. */
int pn_conv_relu_backward_sparse(const struct pn_conv *s, struct pn_pool pool, const float *x, const float *gy, const float *y,
                                 const int32_t *arg, const float *w, float *dw, float *db, float *dx);

#endif
