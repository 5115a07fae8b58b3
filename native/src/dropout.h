/* pairnet native dropout forward (mask and product), as dropoutForwardReference. */
#ifndef PAIRNET_DROPOUT_H
#define PAIRNET_DROPOUT_H

#include <stdint.h>

/* y = x * mask over n elements; seed: 16 words (word w of stream j at 4w + j); scale is the float32 kept value. */
void pn_dropout(int n, const uint32_t seed[16], double threshold, float scale, const float *x, float *y, float *mask);

#endif
