/*
 * Stride-1 Conv2d without im2col. Each image is copied once into a zero-padded buffer (Hp x Wp planes); a tap (kh, kw)
 * is then the same buffer read at offset kh*Wp + kw, so the forward conv is, per tap, an FMA of a broadcast weight into
 * V consecutive padded positions q = y*Wp + x (x >= OW are garbage, dropped when the output is compacted). The input
 * gradient is that forward conv of gy padded by k-1-pad with the flipped, transposed weights; the weight gradient
 * broadcasts the padded input into vectors of output channels of gy transposed ([OH*OW, Cout]). Kernels per
 * instruction set come from conv-kernels.inc, compiled for each by function attributes (as gemm.c's).
 */
#include "conv.h"
#include "conv-winograd.h"

#include <immintrin.h>
#include <stdlib.h>
#include <string.h>

#define VEC __m512
#define V 16
#define LOADU _mm512_loadu_ps
#define STOREU _mm512_storeu_ps
#define FMA _mm512_fmadd_ps
#define SET1 _mm512_set1_ps
#define ZERO _mm512_setzero_ps
#define TARGET __attribute__((target("avx512f")))
#define SFX avx512
#define MO 8
#define RMAX 3
#define OV 2
#include "conv-kernels.inc"
#undef VEC
#undef V
#undef LOADU
#undef STOREU
#undef FMA
#undef SET1
#undef ZERO
#undef TARGET
#undef SFX
#undef MO
#undef RMAX
#undef OV

#define VEC __m256
#define V 8
#define LOADU _mm256_loadu_ps
#define STOREU _mm256_storeu_ps
#define FMA _mm256_fmadd_ps
#define SET1 _mm256_set1_ps
#define ZERO _mm256_setzero_ps
#define TARGET __attribute__((target("avx2,fma")))
#define SFX avx2
#define MO 4
#define RMAX 2
#define OV 1
#include "conv-kernels.inc"

typedef void (*fwd_fn)(int, int, const int *, const float *, int, const float *, int, float *, int);
typedef void (*wgrad_fn)(int, int, const int *, const float *, int, int, int, int, const float *, int, float *);

/* An instruction set's kernels, lanes and weight-gradient block (output channels per tile). */
struct kernels {
  fwd_fn fwd;
  wgrad_fn wgrad;
  int lanes, wblock;
};

static const struct kernels *kernels_of(enum pn_isa isa) {
  static const struct kernels k512 = {fwd_image_avx512, wgrad_image_avx512, 16, 32};
  static const struct kernels k2 = {fwd_image_avx2, wgrad_image_avx2, 8, 8};
  if (isa == PN_ISA_NONE || isa > pn_detect_isa()) return NULL;
  return isa == PN_ISA_AVX512 ? &k512 : &k2;
}

static size_t up(size_t n, size_t m) { return (n + m - 1) / m * m; }

/* Scratch regions, grown as needed and kept, one set per thread (worker threads each run their own model). */
enum { XPAD, WT, OUTQ, GYT, DWT, GPAD, WFLIP, DXQ, REGIONS };
static _Thread_local float *scratch[REGIONS];
static _Thread_local size_t scratch_floats[REGIONS];

/* Region r with at least n floats, its first `zero` floats zeroed; NULL when out of memory. */
static float *region(int r, size_t n, size_t zero) {
  if (n > scratch_floats[r]) {
    float *p = aligned_alloc(64, up(n * sizeof(float), 64));
    if (!p) return NULL;
    free(scratch[r]);
    scratch[r] = p;
    scratch_floats[r] = n;
  }
  memset(scratch[r], 0, zero * sizeof(float));
  return scratch[r];
}

/* The geometry of a stride-1 pass over planes H x W padded by pad on each side with a k x k kernel. */
struct geom {
  int Hp, Wp, OH, OW, PS, Qr;
  size_t padded; /* floats of a padded image of `planes` planes, with the slack the last plane's reads run into */
};

static struct geom geom_of(int planes, int H, int W, int k, int pad, int lanes) {
  struct geom g;
  g.Hp = H + 2 * pad, g.Wp = W + 2 * pad, g.OH = g.Hp - k + 1, g.OW = g.Wp - k + 1, g.PS = g.Hp * g.Wp;
  g.Qr = (int)up((size_t)g.OH * g.Wp, lanes);
  g.padded = (size_t)planes * g.PS + lanes + k;
  return g;
}

/* The interiors of `planes` planes of src (H x W) into the zero-bordered padded buffer (borders stay as zeroed). */
static void pad_image(const float *src, int planes, int H, int W, int pad, const struct geom *g, float *dst) {
  for (int c = 0; c < planes; c++, dst += g->PS) {
    for (int y = 0; y < H; y++, src += W) memcpy(dst + (size_t)(y + pad) * g->Wp + pad, src, (size_t)W * sizeof(float));
  }
}

/* out [planes, OH, OW] = oq's valid positions (+ bias[o]). */
static void compact(const float *oq, int planes, const struct geom *g, const float *bias, float *out) {
  for (int o = 0; o < planes; o++, oq += g->Qr) {
    const float b = bias ? bias[o] : 0.0f;
    for (int y = 0; y < g->OH; y++, out += g->OW) {
      const float *row = oq + (size_t)y * g->Wp;
      if (bias) for (int x = 0; x < g->OW; x++) out[x] = row[x] + b;
      else memcpy(out, row, (size_t)g->OW * sizeof(float));
    }
  }
}

/* Winograd (conv-winograd.c) for 3x3 convs of at least 8 input channels on AVX-512, where it beat the direct kernels. */
static int winograd_fits(enum pn_isa isa, int k, int C) { return isa == PN_ISA_AVX512 && k == 3 && C >= 8; }

static void tap_offsets(int k, int Wp, int *offs) {
  for (int t = 0; t < k * k; t++) offs[t] = (t / k) * Wp + t % k;
}

int pn_conv_forward(enum pn_isa isa, const struct pn_conv *s, const float *x, const float *w, const float *bias, float *out) {
  const struct kernels *ker = kernels_of(isa);
  if (!ker) return -2;
  if (winograd_fits(isa, s->k, s->C)) return pn_conv_winograd(s, x, w, bias, out);
  const int C = s->C, Cout = s->Cout, KK = s->k * s->k, Coutp = (int)up(Cout, 8);
  const struct geom g = geom_of(C, s->H, s->W, s->k, s->pad, ker->lanes);
  int offs[KK];
  tap_offsets(s->k, g.Wp, offs);
  float *xpad = region(XPAD, g.padded, g.padded), *wt = region(WT, (size_t)C * KK * Coutp, 0);
  float *oq = region(OUTQ, (size_t)Coutp * g.Qr, 0);
  if (!xpad || !wt || !oq) return -1;
  for (int c = 0; c < C; c++) {
    for (int t = 0; t < KK; t++) {
      float *dst = wt + ((size_t)c * KK + t) * Coutp;
      for (int o = 0; o < Coutp; o++) dst[o] = o < Cout ? w[((size_t)o * C + c) * KK + t] : 0.0f;
    }
  }
  const size_t inImage = (size_t)C * s->H * s->W, outImage = (size_t)Cout * g.OH * g.OW;
  for (int n = 0; n < s->N; n++) {
    pad_image(x + n * inImage, C, s->H, s->W, s->pad, &g, xpad);
    ker->fwd(C, KK, offs, xpad, g.PS, wt, Coutp, oq, g.Qr);
    compact(oq, Cout, &g, bias, out + n * outImage);
  }
  return 0;
}

int pn_conv_backward(enum pn_isa isa, const struct pn_conv *s, const float *x, const float *gy, const float *w, float *dw,
                     float *db, float *dx) {
  const struct kernels *ker = kernels_of(isa);
  if (!ker) return -2;
  const int C = s->C, Cout = s->Cout, k = s->k, KK = k * k, Coutw = (int)up(Cout, ker->wblock);
  const struct geom g = geom_of(C, s->H, s->W, k, s->pad, ker->lanes);
  const int P = g.OH * g.OW;
  /* The input gradient's conv: gy [Cout, OH, OW] padded by k-1-pad gives H x W outputs. */
  const int Cp = (int)up(C, 8);
  const struct geom g2 = geom_of(Cout, g.OH, g.OW, k, k - 1 - s->pad, ker->lanes);
  int offs[KK], offs2[KK];
  tap_offsets(k, g.Wp, offs);
  tap_offsets(k, g2.Wp, offs2);
  /* The weight gradient by Winograd's adjoint (conv-winograd-wgrad.c) where the forward goes by Winograd. */
  const int dwWinograd = winograd_fits(isa, k, C) && Cout >= 8;
  if (dwWinograd && pn_conv_winograd_wgrad(s, x, gy, dw)) return -1;
  float *xpad = NULL, *gyT = NULL, *dwt = NULL;
  if (!dwWinograd) {
    xpad = region(XPAD, g.padded, g.padded), gyT = region(GYT, (size_t)P * Coutw, (size_t)P * Coutw);
    dwt = region(DWT, (size_t)C * KK * Coutw, (size_t)C * KK * Coutw);
    if (!xpad || !gyT || !dwt) return -1;
  }
  float *gpad = NULL, *wflip = NULL, *dxq = NULL;
  /* The input gradient's conv by Winograd: its weights [C][Cout][3][3] flipped, after the weight gradient. */
  const int dxWinograd = dx && winograd_fits(isa, k, Cout);
  if (dxWinograd) {
    wflip = region(WFLIP, (size_t)C * Cout * KK, 0);
    if (!wflip) return -1;
    for (int o = 0; o < Cout; o++) {
      for (int c = 0; c < C; c++) {
        for (int t = 0; t < KK; t++) wflip[((size_t)c * Cout + o) * KK + t] = w[((size_t)o * C + c) * KK + (KK - 1 - t)];
      }
    }
  } else if (dx) {
    gpad = region(GPAD, g2.padded, g2.padded), wflip = region(WFLIP, (size_t)Cout * KK * Cp, 0);
    dxq = region(DXQ, (size_t)Cp * g2.Qr, 0);
    if (!gpad || !wflip || !dxq) return -1;
    for (int o = 0; o < Cout; o++) {
      for (int t = 0; t < KK; t++) {
        float *dst = wflip + ((size_t)o * KK + t) * Cp;
        for (int c = 0; c < Cp; c++) dst[c] = c < C ? w[((size_t)o * C + c) * KK + (KK - 1 - t)] : 0.0f;
      }
    }
  }
  const size_t inImage = (size_t)C * s->H * s->W, outImage = (size_t)Cout * P;
  for (int n = 0; n < s->N; n++) {
    const float *gyn = gy + n * outImage;
    if (!dwWinograd) {
      pad_image(x + n * inImage, C, s->H, s->W, s->pad, &g, xpad);
      for (int o = 0; o < Cout; o++) {
        const float *src = gyn + (size_t)o * P;
        for (int p = 0; p < P; p++) gyT[(size_t)p * Coutw + o] = src[p];
      }
      ker->wgrad(C, KK, offs, xpad, g.PS, g.OH, g.OW, g.Wp, gyT, Coutw, dwt);
    }
    if (db) {
      /* Per image in float32 lanes (a float64 chain here took a third of the weight-gradient pass), then float64. */
      for (int o = 0; o < Cout; o++) {
        const float *src = gyn + (size_t)o * P;
        float sum = 0;
#pragma omp simd reduction(+ : sum)
        for (int p = 0; p < P; p++) sum += src[p];
        db[o] = (float)((double)db[o] + sum);
      }
    }
    if (dx && !dxWinograd) {
      pad_image(gyn, Cout, g.OH, g.OW, k - 1 - s->pad, &g2, gpad);
      ker->fwd(Cout, KK, offs2, gpad, g2.PS, wflip, Cp, dxq, g2.Qr);
      compact(dxq, C, &g2, NULL, dx + n * inImage);
    }
  }
  for (int o = 0; o < Cout && !dwWinograd; o++) {
    for (int c = 0; c < C; c++) {
      for (int t = 0; t < KK; t++) dw[((size_t)o * C + c) * KK + t] += dwt[((size_t)c * KK + t) * Coutw + o];
    }
  }
  if (dxWinograd) {
    const struct pn_conv t = {s->N, Cout, g.OH, g.OW, C, k, k - 1 - s->pad};
    return pn_conv_winograd(&t, gy, wflip, NULL, dx);
  }
  return 0;
}
