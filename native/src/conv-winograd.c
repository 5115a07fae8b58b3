/*
 * Winograd F(2x2, 3x3) for the stride-1 3x3 conv with AVX-512 (conv.c picks it for C >= 8): per 2x2 output tile,
 * 16 products per channel pair instead of 36. Channels are the vector lanes: each block of images is transposed
 * to zero-padded [y][x][channel] planes, its 4x4 input tiles transformed (B^T d B) into V[16][tile][C], multiplied
 * per transform point by U = G g G^T ([16][C][Cout], GEMMs of 12 tiles x 32 (or 16) output channels in registers), and
 * the products transformed back (A^T m A) into [y][x][Cout], then transposed into NCHW with the bias. Rounds
 * differently from the direct sum by a few ulps.
 */
#include "conv-winograd.h"
#include "conv-winograd-parts.h"

#include <immintrin.h>
#include <stdlib.h>
#include <string.h>

#define MR 12

static size_t up(size_t n, size_t m) { return (n + m - 1) / m * m; }

static _Thread_local float *scratch[PN_WINO_REGIONS];
static _Thread_local size_t scratch_floats[PN_WINO_REGIONS];

float *pn_wino_region(int r, size_t n) {
  if (n > scratch_floats[r]) {
    float *p = aligned_alloc(64, up(n * sizeof(float), 64));
    if (!p) return NULL;
    free(scratch[r]);
    scratch[r] = p;
    scratch_floats[r] = n;
  }
  return scratch[r];
}

/* U[xi][c][o] = (G g G^T)[xi] of w[o][c] (3x3), zero for o >= Cout. */
static void transform_weights(const float *w, int C, int Cout, int Cp, int Op, float *U) {
  memset(U, 0, sizeof(float) * 16 * Cp * Op);
  for (int o = 0; o < Cout; o++) {
    for (int c = 0; c < C; c++) {
      const float *g = w + ((size_t)o * C + c) * 9;
      float t[4][3]; /* G g */
      for (int j = 0; j < 3; j++) {
        t[0][j] = g[j];
        t[1][j] = 0.5f * (g[j] + g[3 + j] + g[6 + j]);
        t[2][j] = 0.5f * (g[j] - g[3 + j] + g[6 + j]);
        t[3][j] = g[6 + j];
      }
      for (int i = 0; i < 4; i++) {
        const float u[4] = {t[i][0], 0.5f * (t[i][0] + t[i][1] + t[i][2]), 0.5f * (t[i][0] - t[i][1] + t[i][2]), t[i][2]};
        for (int j = 0; j < 4; j++) U[((size_t)(i * 4 + j) * Cp + c) * Op + o] = u[j];
      }
    }
  }
}

/* V[xi][t][c..c+15] of the 4x4 tile at d (rows Wq*Cp apart, columns Cp apart). */
__attribute__((target("avx512f"))) static inline void input_tile(const float *d, size_t row, int Cp, float *V, size_t vstride) {
  __m512 r[4][4];
  for (int j = 0; j < 4; j++) {
    const __m512 d0 = _mm512_loadu_ps(d + j * Cp), d1 = _mm512_loadu_ps(d + row + j * Cp);
    const __m512 d2 = _mm512_loadu_ps(d + 2 * row + j * Cp), d3 = _mm512_loadu_ps(d + 3 * row + j * Cp);
    r[0][j] = _mm512_sub_ps(d0, d2), r[1][j] = _mm512_add_ps(d1, d2), r[2][j] = _mm512_sub_ps(d2, d1), r[3][j] = _mm512_sub_ps(d1, d3);
  }
  for (int i = 0; i < 4; i++) {
    float *v = V + (size_t)(i * 4) * vstride;
    _mm512_storeu_ps(v, _mm512_sub_ps(r[i][0], r[i][2]));
    _mm512_storeu_ps(v + vstride, _mm512_add_ps(r[i][1], r[i][2]));
    _mm512_storeu_ps(v + 2 * vstride, _mm512_sub_ps(r[i][2], r[i][1]));
    _mm512_storeu_ps(v + 3 * vstride, _mm512_sub_ps(r[i][1], r[i][3]));
  }
}

__attribute__((target("avx512f"))) void pn_wino_input_image(const float *xt, int th, int tw, int Wq, int Cp, float *V, size_t vstride) {
  for (int ty = 0; ty < th; ty++) {
    for (int tx = 0; tx < tw; tx++, V += Cp) {
      const float *d = xt + ((size_t)(2 * ty) * Wq + 2 * tx) * Cp;
      for (int c = 0; c < Cp; c += 16) input_tile(d + c, (size_t)Wq * Cp, Cp, V + c, vstride);
    }
  }
}

/*
 * M[t0..t0+11][ob..ob+16*NB-1] = sum_c V[t][c] U[c][o] for one transform point; NB 2, or 1 for the last 16 output
 * channels when Cout is not a multiple of 32 (Op pads to 16: a 12-channel input gradient, e.g., 2.7x less work).
 */
__attribute__((target("avx512f"))) static inline __attribute__((always_inline)) void gemm_body(const int NB, int C, const float *V,
                                                                                                int Cp, const float *U, int Op, float *M) {
  __m512 acc[MR][2];
  for (int i = 0; i < MR; i++) acc[i][0] = acc[i][1] = _mm512_setzero_ps();
  for (int c = 0; c < C; c++, U += Op) {
    const __m512 b0 = _mm512_loadu_ps(U), b1 = NB == 2 ? _mm512_loadu_ps(U + 16) : b0;
#pragma GCC unroll 12
    for (int i = 0; i < MR; i++) {
      const __m512 a = _mm512_set1_ps(V[(size_t)i * Cp + c]);
      acc[i][0] = _mm512_fmadd_ps(a, b0, acc[i][0]);
      if (NB == 2) acc[i][1] = _mm512_fmadd_ps(a, b1, acc[i][1]);
    }
  }
  for (int i = 0; i < MR; i++) {
    _mm512_storeu_ps(M + (size_t)i * Op, acc[i][0]);
    if (NB == 2) _mm512_storeu_ps(M + (size_t)i * Op + 16, acc[i][1]);
  }
}

__attribute__((target("avx512f"))) static void gemm_tile(int C, const float *V, int Cp, const float *U, int Op, float *M) {
  gemm_body(2, C, V, Cp, U, Op, M);
}

__attribute__((target("avx512f"))) static void gemm_tile16(int C, const float *V, int Cp, const float *U, int Op, float *M) {
  gemm_body(1, C, V, Cp, U, Op, M);
}

/* The 2x2 outputs of tile t (16 vectors M[xi][t][o..o+15], xi rows mstride apart) at y (row `row` floats apart). */
__attribute__((target("avx512f"))) static inline void output_tile(const float *M, size_t mstride, float *y, size_t row, int Op) {
  __m512 s[2][4];
  for (int j = 0; j < 4; j++) {
    const __m512 m0 = _mm512_loadu_ps(M + (size_t)j * mstride), m1 = _mm512_loadu_ps(M + (size_t)(4 + j) * mstride);
    const __m512 m2 = _mm512_loadu_ps(M + (size_t)(8 + j) * mstride), m3 = _mm512_loadu_ps(M + (size_t)(12 + j) * mstride);
    s[0][j] = _mm512_add_ps(_mm512_add_ps(m0, m1), m2);
    s[1][j] = _mm512_sub_ps(_mm512_sub_ps(m1, m2), m3);
  }
  for (int i = 0; i < 2; i++) {
    _mm512_storeu_ps(y + i * row, _mm512_add_ps(_mm512_add_ps(s[i][0], s[i][1]), s[i][2]));
    _mm512_storeu_ps(y + i * row + Op, _mm512_sub_ps(_mm512_sub_ps(s[i][1], s[i][2]), s[i][3]));
  }
}

/* In-register transpose of 16 rows of 16 floats: r[i][j] -> r[j][i]. */
__attribute__((target("avx512f"))) static inline void transpose16(__m512 r[16]) {
  __m512 t[16];
  for (int i = 0; i < 16; i += 2) {
    t[i] = _mm512_unpacklo_ps(r[i], r[i + 1]);
    t[i + 1] = _mm512_unpackhi_ps(r[i], r[i + 1]);
  }
  for (int i = 0; i < 16; i += 4) {
    r[i] = _mm512_shuffle_ps(t[i], t[i + 2], _MM_SHUFFLE(1, 0, 1, 0));
    r[i + 1] = _mm512_shuffle_ps(t[i], t[i + 2], _MM_SHUFFLE(3, 2, 3, 2));
    r[i + 2] = _mm512_shuffle_ps(t[i + 1], t[i + 3], _MM_SHUFFLE(1, 0, 1, 0));
    r[i + 3] = _mm512_shuffle_ps(t[i + 1], t[i + 3], _MM_SHUFFLE(3, 2, 3, 2));
  }
  for (int i = 0; i < 4; i++) {
    t[i] = _mm512_shuffle_f32x4(r[i], r[4 + i], 0x88);
    t[4 + i] = _mm512_shuffle_f32x4(r[i], r[4 + i], 0xDD);
    t[8 + i] = _mm512_shuffle_f32x4(r[8 + i], r[12 + i], 0x88);
    t[12 + i] = _mm512_shuffle_f32x4(r[8 + i], r[12 + i], 0xDD);
  }
  for (int i = 0; i < 4; i++) {
    r[i] = _mm512_shuffle_f32x4(t[i], t[8 + i], 0x88);
    r[4 + i] = _mm512_shuffle_f32x4(t[4 + i], t[12 + i], 0x88);
    r[8 + i] = _mm512_shuffle_f32x4(t[i], t[8 + i], 0xDD);
    r[12 + i] = _mm512_shuffle_f32x4(t[4 + i], t[12 + i], 0xDD);
  }
}

static inline __mmask16 first(int n) { return n >= 16 ? 0xFFFF : (__mmask16)((1u << n) - 1); }

/* dst[(y + pad) * Wq + x + pad][c] = src[c][y][x], 16 channels x 16 columns a register transpose. */
__attribute__((target("avx512f"))) void pn_wino_transpose_in(const float *src, int C, int H, int W, int pad, int Wq, int Cp, float *dst) {
  const size_t plane = (size_t)H * W;
  for (int c0 = 0; c0 < C; c0 += 16) {
    for (int y = 0; y < H; y++) {
      float *row = dst + ((size_t)(y + pad) * Wq + pad) * Cp + c0;
      for (int x0 = 0; x0 < W; x0 += 16) {
        const __mmask16 cols = first(W - x0);
        __m512 r[16];
        for (int c = 0; c < 16; c++) {
          r[c] = c0 + c < C ? _mm512_maskz_loadu_ps(cols, src + (c0 + c) * plane + (size_t)y * W + x0) : _mm512_setzero_ps();
        }
        transpose16(r);
        const int n = W - x0 < 16 ? W - x0 : 16;
        for (int x = 0; x < n; x++) _mm512_storeu_ps(row + (size_t)(x0 + x) * Cp, r[x]);
      }
    }
  }
}

/* dst[o][y][x] = src[y * rowPixels + x][o] (+ bias[o]), 16 columns x 16 channels a register transpose. */
__attribute__((target("avx512f"))) static void transpose_out(const float *src, int Cout, int OH, int OW, int rowPixels, int Op,
                                                             const float *bias, float *dst) {
  const size_t plane = (size_t)OH * OW;
  for (int o0 = 0; o0 < Cout; o0 += 16) {
    const int no = Cout - o0 < 16 ? Cout - o0 : 16;
    for (int y = 0; y < OH; y++) {
      for (int x0 = 0; x0 < OW; x0 += 16) {
        const int nx = OW - x0 < 16 ? OW - x0 : 16;
        __m512 r[16];
        for (int x = 0; x < 16; x++) r[x] = x < nx ? _mm512_loadu_ps(src + ((size_t)y * rowPixels + x0 + x) * Op + o0) : _mm512_setzero_ps();
        transpose16(r);
        for (int o = 0; o < no; o++) {
          const __m512 v = bias ? _mm512_add_ps(r[o], _mm512_set1_ps(bias[o0 + o])) : r[o];
          _mm512_mask_storeu_ps(dst + (o0 + o) * plane + (size_t)y * OW + x0, first(nx), v);
        }
      }
    }
  }
}

int pn_conv_winograd(const struct pn_conv *s, const float *x, const float *w, const float *bias, float *out) {
  const int C = s->C, Cout = s->Cout, H = s->H, W = s->W, pad = s->pad;
  const int OH = H + 2 * pad - 2, OW = W + 2 * pad - 2, th = (OH + 1) / 2, tw = (OW + 1) / 2, nt = th * tw;
  const int Hq = 2 * th + 2, Wq = 2 * tw + 2, Cp = (int)up(C, 16), Op = (int)up(Cout, 16);
  const int nb = nt >= 100 ? 1 : 100 / nt, Tp = (int)up((size_t)nb * nt, MR);
  const size_t image = (size_t)Hq * Wq * Cp, vstride = (size_t)Tp * Cp, mstride = (size_t)Tp * Op;
  float *xt = pn_wino_region(PN_XT, (size_t)nb * image), *V = pn_wino_region(PN_VT, 16 * vstride), *M = pn_wino_region(PN_MT, 16 * mstride);
  float *U = pn_wino_region(PN_UT, (size_t)16 * Cp * Op), *ot = pn_wino_region(PN_OT, (size_t)2 * th * 2 * tw * Op);
  if (!xt || !V || !M || !U || !ot) return -1;
  transform_weights(w, C, Cout, Cp, Op, U);
  memset(xt, 0, sizeof(float) * nb * image);
  memset(V, 0, sizeof(float) * 16 * vstride); /* the tiles past the block's last stay zero */
  const size_t inImage = (size_t)C * H * W, outImage = (size_t)Cout * OH * OW;
  for (int n0 = 0; n0 < s->N; n0 += nb) {
    const int m = s->N - n0 < nb ? s->N - n0 : nb;
    for (int b = 0; b < m; b++) {
      const float *src = x + (size_t)(n0 + b) * inImage;
      float *dst = xt + (size_t)b * image;
      pn_wino_transpose_in(src, C, H, W, pad, Wq, Cp, dst);
      pn_wino_input_image(dst, th, tw, Wq, Cp, V + (size_t)b * nt * Cp, vstride);
    }
    const int T = (int)up((size_t)m * nt, MR);
    for (int xi = 0; xi < 16; xi++) {
      for (int t0 = 0; t0 < T; t0 += MR) {
        for (int ob = 0; ob < Op; ob += 32) {
          const float *v = V + xi * vstride + (size_t)t0 * Cp, *u = U + (size_t)xi * Cp * Op + ob;
          float *m = M + xi * mstride + (size_t)t0 * Op + ob;
          if (ob + 32 <= Op) gemm_tile(C, v, Cp, u, Op, m);
          else gemm_tile16(C, v, Cp, u, Op, m);
        }
      }
    }
    for (int b = 0; b < m; b++) {
      for (int ty = 0; ty < th; ty++) {
        for (int tx = 0; tx < tw; tx++) {
          const size_t t = (size_t)b * nt + ty * tw + tx;
          float *y = ot + ((size_t)(2 * ty) * (2 * tw) + 2 * tx) * Op;
          for (int o = 0; o < Op; o += 16) output_tile(M + t * Op + o, mstride, y + o, (size_t)2 * tw * Op, Op);
        }
      }
      float *dst = out + (size_t)(n0 + b) * outImage;
      transpose_out(ot, Cout, OH, OW, 2 * tw, Op, bias, dst);
    }
  }
  return 0;
}
