/* The parts conv-winograd.c shares with conv-winograd-wgrad.c (AVX-512 only). */
#ifndef PAIRNET_CONV_WINOGRAD_PARTS_H
#define PAIRNET_CONV_WINOGRAD_PARTS_H

#include <stddef.h>

/* Thread-local scratch regions, grown as needed and kept. */
enum { PN_XT, PN_VT, PN_MT, PN_UT, PN_OT, PN_GT, PN_DU, PN_WINO_REGIONS };
float *pn_wino_region(int r, size_t n);

/* dst[(y + pad) * Wq + x + pad][c] = src[c][y][x] for c < C (other entries as they were). */
void pn_wino_transpose_in(const float *src, int C, int H, int W, int pad, int Wq, int Cp, float *dst);

/* V[xi][t][c] (rows vstride apart) = (B^T d B)[xi] of the th x tw 4x4 tiles (2 apart) of one channels-last image. */
void pn_wino_input_image(const float *xt, int th, int tw, int Wq, int Cp, float *V, size_t vstride);

#endif
