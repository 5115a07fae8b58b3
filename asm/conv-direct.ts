import { fma } from './gemm';
import { outSize } from './im2col';

// Conv2d with stride 1 and pad <= k-1 without im2col or packed columns (implicit GEMM). Each image is copied into a
// zero-padded grid whose rows are Wp = W + pad floats wide (a row's right padding is the next row's left padding),
// H + 2*pad rows and a spare row. Output pixel q = oh*Wp + ow reads tap (ki, kj) of channel c at
// c*plane + q + ki*Wp + kj: one offset per (c, ki, kj), so a micro-tile reads consecutive pixels in place. Grid
// columns ow >= OW (k-1-pad of them: 1 of 15 for a 14x14 pad-1 3x3 conv) are computed and dropped, as are the pixels
// past the last row that round the grid up to whole tiles (their reads may run into the next plane or the slack).

/** Pixels per micro-tile: 6 with relaxed madd (12 accumulators, as gemm.ts's tiles), else 5. */
export const MR: i32 = ASC_FEATURE_RELAXED_SIMD ? 6 : 5;

@inline export function roundUp(n: i32, m: i32): i32 {
  return ((n + m - 1) / m) * m;
}

/** Floats of one padded plane of an H x W image. */
@inline export function planeOf(H: i32, W: i32, pad: i32): i32 {
  return (H + 2 * pad + 1) * (W + pad);
}

/** Floats of `images` padded images of C planes, and slack for the last tile's reads past the grid (dropped pixels). */
@inline export function paddedOf(images: i32, C: i32, H: i32, W: i32, pad: i32, k: i32): i32 {
  return roundUp(images * C * planeOf(H, W, pad) + k * (W + pad) + MR + 4, 16);
}

/** Copies C planes H x W at pX into the padded grid at pP, whose zeros were written once per call. */
export function padImage(pX: usize, C: i32, H: i32, W: i32, pad: i32, pP: usize): void {
  const Wp = W + pad;
  const rowBytes = <usize>W << 2;
  let dst = pP + <usize>(pad * Wp + pad) * 4;
  for (let c = 0; c < C; c++) {
    let d = dst;
    for (let h = 0; h < H; h++, pX += rowBytes, d += <usize>Wp << 2) memory.copy(d, pX, rowBytes);
    dst += <usize>planeOf(H, W, pad) << 2;
  }
}

/** Byte offsets (c*plane + ki*Wp + kj)*4 of the taps of C channels, as i32 at pTab (column order of im2col). */
function tapOffsets(C: i32, k: i32, Wp: i32, plane: i32, pTab: usize): void {
  for (let c = 0; c < C; c++) {
    for (let ki = 0; ki < k; ki++) {
      for (let kj = 0; kj < k; kj++, pTab += 4) store<i32>(pTab, (c * plane + ki * Wp + kj) * 4);
    }
  }
}

/** Weights [outCh, inCh, k, k] as rows j = (ci, t) of outP = roundUp(outCh, 8) floats, zero beyond outCh, at pDst. */
function packWeights(pW: usize, outCh: i32, inCh: i32, k: i32, pDst: usize): void {
  const kk = k * k;
  const outP = roundUp(outCh, 8);
  for (let ci = 0; ci < inCh; ci++) {
    for (let t = 0; t < kk; t++) {
      const row = pDst + <usize>((ci * kk + t) * outP) * 4;
      for (let o = 0; o < outP; o++) {
        store<f32>(row + (<usize>o << 2), o < outCh ? load<f32>(pW + <usize>((o * inCh + ci) * kk + t) * 4) : 0);
      }
    }
  }
}

/**
 * MR pixels (from pa) x 8 output channels (packed rows from pb, ldb bytes apart) over the K taps of pTab; stores the
 * tile at pc, rows ldc bytes apart. A function of its own that only stores, as gemm.ts's tiles (register allocation).
 */
function pixelTile(K: i32, pTab: usize, pa: usize, pb: usize, ldb: usize, pc: usize, ldc: usize): void {
  let c00 = f32x4.splat(0), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
  let c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
  for (let j = 0; j < K; j++) {
    const a0 = pa + <usize>load<i32>(pTab + (<usize>j << 2));
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    let a = v128.load32_splat(a0);
    c00 = fma(a, b0, c00);
    c01 = fma(a, b1, c01);
    a = v128.load32_splat(a0, 4);
    c10 = fma(a, b0, c10);
    c11 = fma(a, b1, c11);
    a = v128.load32_splat(a0, 8);
    c20 = fma(a, b0, c20);
    c21 = fma(a, b1, c21);
    a = v128.load32_splat(a0, 12);
    c30 = fma(a, b0, c30);
    c31 = fma(a, b1, c31);
    a = v128.load32_splat(a0, 16);
    c40 = fma(a, b0, c40);
    c41 = fma(a, b1, c41);
    if (MR > 5) {
      a = v128.load32_splat(a0, 20);
      c50 = fma(a, b0, c50);
      c51 = fma(a, b1, c51);
    }
    pb += ldb;
  }
  v128.store(pc, c00);
  v128.store(pc, c01, 16);
  v128.store(pc + ldc, c10);
  v128.store(pc + ldc, c11, 16);
  v128.store(pc + 2 * ldc, c20);
  v128.store(pc + 2 * ldc, c21, 16);
  v128.store(pc + 3 * ldc, c30);
  v128.store(pc + 3 * ldc, c31, 16);
  v128.store(pc + 4 * ldc, c40);
  v128.store(pc + 4 * ldc, c41, 16);
  if (MR > 5) {
    v128.store(pc + 5 * ldc, c50);
    v128.store(pc + 5 * ldc, c51, 16);
  }
}

/**
 * One image's conv on the grid: pG padded input (taps pTab, K of them), pWp packed weights of outCh channels; writes
 * out [outCh, OH, OW] at pOut (+ bias if pBias != 0) through the pixel-major tile buffer pT.
 */
function convImage(
  K: i32, outCh: i32, OH: i32, OW: i32, Wp: i32, pTab: usize, pG: usize, pWp: usize, pBias: usize, pT: usize, pOut: usize,
): void {
  const outP = roundUp(outCh, 8);
  const ld = <usize>outP << 2;
  const Mp = roundUp(OH * Wp, MR);
  for (let o0 = 0; o0 < outP; o0 += 8) {
    const pb = pWp + (<usize>o0 << 2);
    // The last tile is a second call site, which keeps Binaryen from inlining the tile here (see gemm.ts).
    let q = 0;
    for (; q + MR < Mp; q += MR) pixelTile(K, pTab, pG + (<usize>q << 2), pb, ld, pT + <usize>q * ld + (<usize>o0 << 2), ld);
    pixelTile(K, pTab, pG + (<usize>q << 2), pb, ld, pT + <usize>q * ld + (<usize>o0 << 2), ld);
  }
  for (let o = 0; o < outCh; o++) {
    const b: f32 = pBias != 0 ? load<f32>(pBias + (<usize>o << 2)) : 0;
    let src = pT + (<usize>o << 2);
    for (let oh = 0; oh < OH; oh++) {
      let s = src;
      for (let ow = 0; ow < OW; ow++, s += ld, pOut += 4) store<f32>(pOut, load<f32>(s) + b);
      src += <usize>Wp * ld;
    }
  }
}

/** Scratch bytes of conv2dDirectForward. */
export function directForwardScratchBytes(C: i32, H: i32, W: i32, Cout: i32, k: i32, pad: i32): usize {
  const Mp = roundUp(outSize(H, k, 1, pad) * (W + pad), MR);
  const floats = C * k * k * (roundUp(Cout, 8) + 1) + paddedOf(1, C, H, W, pad, k) + Mp * roundUp(Cout, 8);
  return <usize>floats * 4 + 64;
}

/** out [N, Cout, OH, OW] = conv(x [N, C, H, W], weight) (+ bias if pBias != 0), stride 1, pad <= k-1; pS: scratch. */
export function conv2dDirectForward(
  N: i32, C: i32, H: i32, W: i32, Cout: i32, k: i32, pad: i32, pX: usize, pWt: usize, pBias: usize, pOut: usize, pS: usize,
): void {
  const OH = outSize(H, k, 1, pad), OW = outSize(W, k, 1, pad), Wp = W + pad;
  const K = C * k * k;
  const pWp = pS;
  const pTab = pWp + <usize>(K * roundUp(Cout, 8)) * 4;
  const pG = pTab + <usize>K * 4;
  const pT = pG + <usize>paddedOf(1, C, H, W, pad, k) * 4;
  packWeights(pWt, Cout, C, k, pWp);
  tapOffsets(C, k, Wp, planeOf(H, W, pad), pTab);
  memory.fill(pG, 0, <usize>paddedOf(1, C, H, W, pad, k) * 4);
  const inBytes = <usize>(C * H * W) * 4, outBytes = <usize>(Cout * OH * OW) * 4;
  for (let n = 0; n < N; n++) {
    padImage(pX + <usize>n * inBytes, C, H, W, pad, pG);
    convImage(K, Cout, OH, OW, Wp, pTab, pG, pWp, pBias, pT, pOut + <usize>n * outBytes);
  }
}
