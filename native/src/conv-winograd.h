/* pairnet native Winograd F(2x2, 3x3) conv (conv-winograd.c): AVX-512 only, stride 1, k = 3, pad <= 2. */
#ifndef PAIRNET_CONV_WINOGRAD_H
#define PAIRNET_CONV_WINOGRAD_H

#include "conv.h"

/* out = conv(x, w) + bias (may be NULL), as pn_conv_forward; 0, or -1 when out of memory. The CPU must have AVX-512F. */
int pn_conv_winograd(const struct pn_conv *s, const float *x, const float *w, const float *bias, float *out);

/* dw += the weight gradient of conv(x, w) for output gradient gy, by the adjoint of the above; 0, or -1 when out of memory. */
int pn_conv_winograd_wgrad(const struct pn_conv *s, const float *x, const float *gy, float *dw);

#endif
