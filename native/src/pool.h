/* pairnet native max pooling (with argmax: flat input indices). */
#ifndef PAIRNET_POOL_H
#define PAIRNET_POOL_H

#include <stdint.h>

/* out, arg [planes, OH, OW] from in [planes, H, W]; the JS side checks the geometry and the lengths. */
void pn_max_pool(int planes, int H, int W, int k, int stride, const float *in, float *out, int32_t *arg);

#endif
