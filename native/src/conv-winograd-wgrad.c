/*
 * The weight gradient of the Winograd F(2x2, 3x3) conv, its adjoint: dw += G^T [sum over tiles (A dY A^T) (.)
 * (B^T d B)] G, per channel pair. Input tiles as the forward's (V[16][tile][C]), output-gradient tiles transformed
 * to Mg[16][tile][Cout], then per transform point a GEMM over the tiles into dU[16][C][Cout] (8 input channels x 32
 * output channels in registers), and at the end G^T dU G. AVX-512 only; rounds differently from the direct sum.
 */
#include <immintrin.h>
#include <string.h>

#include "conv-winograd-parts.h"
#include "conv-winograd.h"

#define CB 8

static size_t up(size_t n, size_t m) { return (n + m - 1) / m * m; }

/* Mg[xi][t][o..o+15] = (A g A^T)[xi] of the 2x2 gradient tile at g (rows `row` floats apart, columns Op apart). */
__attribute__((target("avx512f"))) static inline void grad_tile(const float *g, size_t row, int Op, float *Mg, size_t mstride) {
  const __m512 g00 = _mm512_loadu_ps(g), g01 = _mm512_loadu_ps(g + Op), g10 = _mm512_loadu_ps(g + row), g11 = _mm512_loadu_ps(g + row + Op);
  const __m512 zero = _mm512_setzero_ps();
  /* a[i][j]: A g (4 x 2), then (A g) A^T (4 x 4). */
  const __m512 a[4][2] = {{g00, g01}, {_mm512_add_ps(g00, g10), _mm512_add_ps(g01, g11)}, {_mm512_sub_ps(g00, g10), _mm512_sub_ps(g01, g11)},
                          {_mm512_sub_ps(zero, g10), _mm512_sub_ps(zero, g11)}};
  for (int i = 0; i < 4; i++) {
    float *m = Mg + (size_t)(4 * i) * mstride;
    _mm512_storeu_ps(m, a[i][0]);
    _mm512_storeu_ps(m + mstride, _mm512_add_ps(a[i][0], a[i][1]));
    _mm512_storeu_ps(m + 2 * mstride, _mm512_sub_ps(a[i][0], a[i][1]));
    _mm512_storeu_ps(m + 3 * mstride, _mm512_sub_ps(zero, a[i][1]));
  }
}

/* dU[c0..c0+7][ob..ob+31] += sum over T tiles of V[t][c] Mg[t][o], one transform point. */
__attribute__((target("avx512f"))) static void gemm_tile(int T, const float *V, int Cp, const float *Mg, int Op, float *dU) {
  __m512 acc[CB][2];
  for (int i = 0; i < CB; i++) acc[i][0] = _mm512_loadu_ps(dU + (size_t)i * Op), acc[i][1] = _mm512_loadu_ps(dU + (size_t)i * Op + 16);
  for (int t = 0; t < T; t++, V += Cp, Mg += Op) {
    const __m512 b0 = _mm512_loadu_ps(Mg), b1 = _mm512_loadu_ps(Mg + 16);
#pragma GCC unroll 8
    for (int i = 0; i < CB; i++) {
      const __m512 a = _mm512_set1_ps(V[i]);
      acc[i][0] = _mm512_fmadd_ps(a, b0, acc[i][0]);
      acc[i][1] = _mm512_fmadd_ps(a, b1, acc[i][1]);
    }
  }
  for (int i = 0; i < CB; i++) _mm512_storeu_ps(dU + (size_t)i * Op, acc[i][0]), _mm512_storeu_ps(dU + (size_t)i * Op + 16, acc[i][1]);
}

/* dw[o][c] (3x3) += G^T dU[.][c][o] G. */
static void untransform(const float *dU, int C, int Cout, int Cp, int Op, float *dw) {
  const size_t xs = (size_t)Cp * Op;
  for (int o = 0; o < Cout; o++) {
    for (int c = 0; c < C; c++) {
      float u[4][4], t[3][4];
      for (int xi = 0; xi < 16; xi++) u[xi / 4][xi % 4] = dU[xi * xs + (size_t)c * Op + o];
      for (int j = 0; j < 4; j++) {
        t[0][j] = u[0][j] + 0.5f * (u[1][j] + u[2][j]);
        t[1][j] = 0.5f * (u[1][j] - u[2][j]);
        t[2][j] = 0.5f * (u[1][j] + u[2][j]) + u[3][j];
      }
      float *g = dw + ((size_t)o * C + c) * 9;
      for (int a = 0; a < 3; a++) {
        g[a * 3] += t[a][0] + 0.5f * (t[a][1] + t[a][2]);
        g[a * 3 + 1] += 0.5f * (t[a][1] - t[a][2]);
        g[a * 3 + 2] += 0.5f * (t[a][1] + t[a][2]) + t[a][3];
      }
    }
  }
}

int pn_conv_winograd_wgrad(const struct pn_conv *s, const float *x, const float *gy, float *dw) {
  const int C = s->C, Cout = s->Cout, H = s->H, W = s->W, pad = s->pad;
  const int OH = H + 2 * pad - 2, OW = W + 2 * pad - 2, th = (OH + 1) / 2, tw = (OW + 1) / 2, nt = th * tw;
  const int Hq = 2 * th + 2, Wq = 2 * tw + 2, Cp = (int)up(C, 16), Op = (int)up(Cout, 32);
  const int nb = nt >= 100 ? 1 : 100 / nt, Tp = nb * nt;
  const size_t image = (size_t)Hq * Wq * Cp, gimage = (size_t)(2 * th) * (2 * tw) * Op;
  const size_t vstride = (size_t)Tp * Cp, mstride = (size_t)Tp * Op;
  float *xt = pn_wino_region(PN_XT, (size_t)nb * image), *V = pn_wino_region(PN_VT, 16 * vstride);
  float *Mg = pn_wino_region(PN_MT, 16 * mstride), *gt = pn_wino_region(PN_GT, (size_t)nb * gimage);
  float *dU = pn_wino_region(PN_DU, (size_t)16 * Cp * Op);
  if (!xt || !V || !Mg || !gt || !dU) return -1;
  memset(xt, 0, sizeof(float) * nb * image);
  memset(gt, 0, sizeof(float) * nb * gimage); /* an odd output size's last row and column of tiles stay zero */
  memset(dU, 0, sizeof(float) * 16 * Cp * Op);
  const size_t inImage = (size_t)C * H * W, outImage = (size_t)Cout * OH * OW;
  for (int n0 = 0; n0 < s->N; n0 += nb) {
    const int m = s->N - n0 < nb ? s->N - n0 : nb;
    for (int b = 0; b < m; b++) {
      float *xb = xt + (size_t)b * image, *gb = gt + (size_t)b * gimage;
      pn_wino_transpose_in(x + (size_t)(n0 + b) * inImage, C, H, W, pad, Wq, Cp, xb);
      pn_wino_input_image(xb, th, tw, Wq, Cp, V + (size_t)b * nt * Cp, vstride);
      pn_wino_transpose_in(gy + (size_t)(n0 + b) * outImage, Cout, OH, OW, 0, 2 * tw, Op, gb);
      for (int ty = 0; ty < th; ty++) {
        for (int tx = 0; tx < tw; tx++) {
          const size_t t = (size_t)b * nt + ty * tw + tx;
          const float *g = gb + ((size_t)(2 * ty) * (2 * tw) + 2 * tx) * Op;
          for (int o = 0; o < Op; o += 16) grad_tile(g + o, (size_t)2 * tw * Op, Op, Mg + t * Op + o, mstride);
        }
      }
    }
    const int T = m * nt;
    for (int xi = 0; xi < 16; xi++) {
      for (int c0 = 0; c0 < Cp; c0 += CB) {
        for (int ob = 0; ob < Op; ob += 32) {
          gemm_tile(T, V + xi * vstride + c0, Cp, Mg + xi * mstride + ob, Op, dU + ((size_t)xi * Cp + c0) * Op + ob);
        }
      }
    }
  }
  untransform(dU, C, Cout, Cp, Op, dw);
  return 0;
}
