import { gemm, gemmScratchBytes } from './gemm';
import { storeLanes, storeLanesI32, wins } from './conv-relu';

// Conv2d 3x3 (stride 1, no padding) -> ReLU -> MaxPool2d 2x2 forward by Winograd's F(2x2, 3x3): each 2x2 block of
// conv outputs — exactly one pooling window — comes from a 4x4 input tile with 16 products per channel instead of
// 36, so the GEMM work is 2.25x smaller. With B^T, G, A^T the usual F(2, 3) matrices (Lavin and Gray 2015):
//   U = G g G^T (per filter, once per call), V = B^T d B (per tile and channel), M[xi] = V[xi] U[xi] for each of
//   the 16 positions xi (a GEMM over channels), y = A^T M A (per tile and output channel).
// Tiles are taken a few images at a time so that V and M stay in L2.

/** Tiles per GEMM (a multiple of 6, for the 6-row tiles). */
export const TILE_BLOCK: i32 = 150;
/** Gg (4 x 3) of one filter. */
const gg: usize = memory.data(48, 16);
/** One output block of inverseBlock: y00, y01, y10, y11 for 4 output channels. */
export const yBlock: usize = memory.data(64, 16);

/** U[xi][c][o] (16 matrices C x Cout) from weight [Cout, C, 3, 3]. */
export function transformFilters(C: i32, Cout: i32, pWt: usize, pU: usize): void {
  const matrix = <usize>C * <usize>Cout * 4;
  for (let o = 0; o < Cout; o++) {
    for (let c = 0; c < C; c++) {
      const g = pWt + (<usize>(o * C + c) * 9 << 2);
      // Gg (4 x 3), row by row: g row 0, (r0 + r1 + r2) / 2, (r0 - r1 + r2) / 2, row 2.
      const t = gg;
      for (let j = 0; j < 3; j++) {
        const a = load<f32>(g + (<usize>j << 2)), b = load<f32>(g + (<usize>(3 + j) << 2)), d = load<f32>(g + (<usize>(6 + j) << 2));
        store<f32>(t + (<usize>j << 2), a);
        store<f32>(t + (<usize>(3 + j) << 2), (a + b + d) * 0.5);
        store<f32>(t + (<usize>(6 + j) << 2), (a - b + d) * 0.5);
        store<f32>(t + (<usize>(9 + j) << 2), d);
      }
      // (Gg) G^T: the same combination along each row.
      for (let i = 0; i < 4; i++) {
        const r = t + (<usize>(i * 3) << 2);
        const a = load<f32>(r), b = load<f32>(r, 4), d = load<f32>(r, 8);
        const u = pU + (<usize>(i * 4) * matrix) + ((<usize>c * <usize>Cout + <usize>o) << 2);
        store<f32>(u, a);
        store<f32>(u + matrix, (a + b + d) * 0.5);
        store<f32>(u + 2 * matrix, (a - b + d) * 0.5);
        store<f32>(u + 3 * matrix, d);
      }
    }
  }
}

/** Stores lane i of v as V[4i + j][t][c] (matrices `matrix` bytes apart; at = the [t][c] offset of xi = j). */
@inline function storeColumn(v: v128, at: usize, matrix: usize): void {
  store<f32>(at, f32x4.extract_lane(v, 0));
  store<f32>(at + 4 * matrix, f32x4.extract_lane(v, 1));
  store<f32>(at + 8 * matrix, f32x4.extract_lane(v, 2));
  store<f32>(at + 12 * matrix, f32x4.extract_lane(v, 3));
}

/** Row i of B^T d for the 4x4 tile d at src (rows `row` bytes apart): d0 - d2, d1 + d2, d2 - d1, d1 - d3. */
@inline function btRow(src: usize, row: usize, i: i32): v128 {
  if (i == 0) return f32x4.sub(v128.load(src), v128.load(src + 2 * row));
  if (i == 1) return f32x4.add(v128.load(src + row), v128.load(src + 2 * row));
  if (i == 2) return f32x4.sub(v128.load(src + 2 * row), v128.load(src + row));
  return f32x4.sub(v128.load(src + row), v128.load(src + 3 * row));
}

/** Column j of X B for X given by its columns x0..x3: x0 - x2, x1 + x2, x2 - x1, x1 - x3. */
@inline function bColumn(x0: v128, x1: v128, x2: v128, x3: v128, j: i32): v128 {
  if (j == 0) return f32x4.sub(x0, x2);
  if (j == 1) return f32x4.add(x1, x2);
  if (j == 2) return f32x4.sub(x2, x1);
  return f32x4.sub(x1, x3);
}

/** Row i (a constant) of the transpose of the 4x4 matrix with rows r0..r3. */
@inline function transposed(r0: v128, r1: v128, r2: v128, r3: v128, i: i32): v128 {
  const a = i < 2 ? v128.shuffle<i32>(r0, r1, 0, 4, 1, 5) : v128.shuffle<i32>(r0, r1, 2, 6, 3, 7);
  const b = i < 2 ? v128.shuffle<i32>(r2, r3, 0, 4, 1, 5) : v128.shuffle<i32>(r2, r3, 2, 6, 3, 7);
  return (i & 1) == 0 ? v128.shuffle<i32>(a, b, 0, 1, 4, 5) : v128.shuffle<i32>(a, b, 2, 3, 6, 7);
}

/** V[4i + j][t][c..c+3], j = 0..3, for 4 channels' tiles at src (planes `plane` bytes apart), stored from `at`. */
@inline function fourChannels(src: usize, row: usize, plane: usize, i: i32, at: usize, matrix: usize): void {
  const r0 = btRow(src, row, i), r1 = btRow(src + plane, row, i);
  const r2 = btRow(src + 2 * plane, row, i), r3 = btRow(src + 3 * plane, row, i);
  const x0 = transposed(r0, r1, r2, r3, 0), x1 = transposed(r0, r1, r2, r3, 1);
  const x2 = transposed(r0, r1, r2, r3, 2), x3 = transposed(r0, r1, r2, r3, 3);
  v128.store(at, bColumn(x0, x1, x2, x3, 0));
  v128.store(at + matrix, bColumn(x0, x1, x2, x3, 1));
  v128.store(at + 2 * matrix, bColumn(x0, x1, x2, x3, 2));
  v128.store(at + 3 * matrix, bColumn(x0, x1, x2, x3, 3));
}

/**
 * V[xi][t][c] (16 matrices T x C) for the tiles of `images` images starting at pX. Four channels at a time, row i of
 * B^T d of each is transposed so that a vector holds one column of it for the 4 channels, and (B^T d) B comes out as
 * 4 whole vectors V[4i + j][t][c..c+3]; a channel on its own is transposed instead, its lanes stored one by one.
 */
export function transformInput(images: i32, C: i32, H: i32, W: i32, PH: i32, PW: i32, T: i32, pX: usize, pV: usize): void {
  const matrix = <usize>T * <usize>C * 4;
  const row = <usize>W << 2;
  const plane = <usize>H * row;
  let t = 0;
  for (let n = 0; n < images; n++) {
    for (let ph = 0; ph < PH; ph++) {
      for (let pw = 0; pw < PW; pw++, t++) {
        let src = pX + ((<usize>n * <usize>C * <usize>H + <usize>(2 * ph)) * <usize>W + <usize>(2 * pw)) * 4;
        let dst = pV + (<usize>t * <usize>C << 2);
        let c = 0;
        for (; c + 4 <= C; c += 4, src += 4 * plane, dst += 16) {
          // Row by row, each a constant (unrolled by hand: the shuffles need constant lanes).
          fourChannels(src, row, plane, 0, dst, matrix);
          fourChannels(src, row, plane, 1, dst + 4 * matrix, matrix);
          fourChannels(src, row, plane, 2, dst + 8 * matrix, matrix);
          fourChannels(src, row, plane, 3, dst + 12 * matrix, matrix);
        }
        for (; c < C; c++, src += plane, dst += 4) {
          const r0 = btRow(src, row, 0), r1 = btRow(src, row, 1), r2 = btRow(src, row, 2), r3 = btRow(src, row, 3);
          // Columns of B^T d; lane i of column j of (B^T d) B is V[4i + j].
          const c0 = transposed(r0, r1, r2, r3, 0), c1 = transposed(r0, r1, r2, r3, 1);
          const c2 = transposed(r0, r1, r2, r3, 2), c3 = transposed(r0, r1, r2, r3, 3);
          for (let j = 0; j < 4; j++) storeColumn(bColumn(c0, c1, c2, c3, j), dst + <usize>j * matrix, matrix);
        }
      }
    }
  }
}

/**
 * y = A^T M A + b for one tile and 4 output channels: M[xi] at m + xi*matrix (xi = 4i + j); stores y00, y01, y10, y11
 * at yBlock.
 */
@inline export function inverseBlock(m: usize, matrix: usize, b: v128): void {
  const m0 = v128.load(m), m1 = v128.load(m + matrix), m2 = v128.load(m + 2 * matrix), m3 = v128.load(m + 3 * matrix);
  const m4 = v128.load(m + 4 * matrix), m5 = v128.load(m + 5 * matrix), m6 = v128.load(m + 6 * matrix), m7 = v128.load(m + 7 * matrix);
  const m8 = v128.load(m + 8 * matrix), m9 = v128.load(m + 9 * matrix), m10 = v128.load(m + 10 * matrix), m11 = v128.load(m + 11 * matrix);
  const m12 = v128.load(m + 12 * matrix), m13 = v128.load(m + 13 * matrix), m14 = v128.load(m + 14 * matrix), m15 = v128.load(m + 15 * matrix);
  // A^T M: rows 0 and 1 of each column j.
  const s00 = f32x4.add(f32x4.add(m0, m4), m8), s01 = f32x4.add(f32x4.add(m1, m5), m9);
  const s02 = f32x4.add(f32x4.add(m2, m6), m10), s03 = f32x4.add(f32x4.add(m3, m7), m11);
  const s10 = f32x4.sub(f32x4.sub(m4, m8), m12), s11 = f32x4.sub(f32x4.sub(m5, m9), m13);
  const s12 = f32x4.sub(f32x4.sub(m6, m10), m14), s13 = f32x4.sub(f32x4.sub(m7, m11), m15);
  v128.store(yBlock, f32x4.add(f32x4.add(f32x4.add(s00, s01), s02), b));
  v128.store(yBlock, f32x4.add(f32x4.sub(f32x4.sub(s01, s02), s03), b), 16);
  v128.store(yBlock, f32x4.add(f32x4.add(f32x4.add(s10, s11), s12), b), 32);
  v128.store(yBlock, f32x4.add(f32x4.sub(f32x4.sub(s11, s12), s13), b), 48);
}

/** M[xi] = V[xi] U[xi] for the 16 positions xi: T tiles by C channels times C by Cout (pS: gemm's scratch). */
export function winogradProducts(T: i32, C: i32, Cout: i32, pV: usize, pU: usize, pM: usize, pS: usize): void {
  for (let xi = 0; xi < 16; xi++) {
    gemm(
      T, Cout, C, pV + <usize>xi * <usize>T * <usize>C * 4, false, pU + <usize>xi * <usize>C * <usize>Cout * 4, false,
      pM + <usize>xi * <usize>T * <usize>Cout * 4, pS,
    );
  }
}

/**
 * y = A^T M A + bias, ReLU, then the max of the 2x2 block with its argmax (index in the OH x OW plane), 4 output
 * channels at a time, for the T tiles of `images` images; out/arg [images, Cout, PH, PW].
 */
function transformOutput(
  images: i32, Cout: i32, OW: i32, PH: i32, PW: i32, T: i32, pM: usize, pBias: usize, pOut: usize, pArg: usize,
): void {
  const matrix = <usize>T * <usize>Cout * 4;
  const plane = <usize>(PH * PW) << 2;
  const zero = f32x4.splat(0);
  let t = 0;
  for (let n = 0; n < images; n++) {
    for (let ph = 0; ph < PH; ph++) {
      for (let pw = 0; pw < PW; pw++, t++) {
        const first = 2 * ph * OW + 2 * pw;
        const q = <usize>(ph * PW + pw) << 2;
        for (let o = 0; o < Cout; o += 4) {
          const m = pM + ((<usize>t * <usize>Cout + <usize>o) << 2);
          inverseBlock(m, matrix, pBias != 0 ? v128.load(pBias + (<usize>o << 2)) : zero);
          const y00 = f32x4.max(v128.load(yBlock), zero), y01 = f32x4.max(v128.load(yBlock, 16), zero);
          const y10 = f32x4.max(v128.load(yBlock, 32), zero), y11 = f32x4.max(v128.load(yBlock, 48), zero);
          // Window order as maxPool2d: (0,0), (0,1), (1,0), (1,1).
          let best = y00;
          let at = i32x4.splat(first);
          let take = wins(y01, best);
          best = v128.bitselect(y01, best, take);
          at = v128.bitselect(i32x4.splat(first + 1), at, take);
          take = wins(y10, best);
          best = v128.bitselect(y10, best, take);
          at = v128.bitselect(i32x4.splat(first + OW), at, take);
          take = wins(y11, best);
          best = v128.bitselect(y11, best, take);
          at = v128.bitselect(i32x4.splat(first + OW + 1), at, take);
          const image = <usize>n * <usize>Cout * plane + <usize>o * plane + q;
          storeLanes(pOut + image, plane, best);
          storeLanesI32(pArg + image, plane, at);
        }
      }
    }
  }
}

/** Bytes of scratch convReluPoolWinograd needs: U, and V and M for one block of tiles, and gemm's scratch. */
export function winogradScratchBytes(C: i32, Cout: i32, H: i32, W: i32): usize {
  const tiles = ((H - 2) / 2) * ((W - 2) / 2);
  const block = <usize>max(1, TILE_BLOCK / tiles) * <usize>tiles;
  return 16 * 4 * (<usize>C * <usize>Cout + block * <usize>C + block * <usize>Cout) + 64 * 3 + gemmScratchBytes(<i32>block, Cout, C);
}

/**
 * out [N, Cout, PH, PW] = maxpool2x2(relu(conv3x3(x) + bias)) with argmax, as convReluForward with k = 3, stride 1,
 * pad 0, pool 2 / 2, for Cout a multiple of 4. pScratch: winogradScratchBytes(C, Cout, H, W) bytes.
 */
export function convReluPoolWinograd(
  N: i32, C: i32, H: i32, W: i32, Cout: i32, pX: usize, pWt: usize, pBias: usize, pOut: usize, pArg: usize,
  pScratch: usize,
): void {
  const OW = W - 2;
  const PH = (H - 2) / 2, PW = OW / 2;
  const tiles = PH * PW;
  const perBlock = max(1, TILE_BLOCK / tiles);
  const block = <usize>perBlock * <usize>tiles;
  const pU = pScratch;
  const pV = (pU + 16 * 4 * <usize>C * <usize>Cout + 63) & ~(<usize>63);
  const pM = (pV + 16 * 4 * block * <usize>C + 63) & ~(<usize>63);
  const pS = (pM + 16 * 4 * block * <usize>Cout + 63) & ~(<usize>63);
  transformFilters(C, Cout, pWt, pU);
  const inImage = <usize>C * <usize>H * <usize>W * 4;
  const outImage = <usize>Cout * <usize>tiles * 4;
  for (let n0 = 0; n0 < N; n0 += perBlock) {
    const images = min(perBlock, N - n0);
    const T = images * tiles;
    transformInput(images, C, H, W, PH, PW, T, pX + <usize>n0 * inImage, pV);
    winogradProducts(T, C, Cout, pV, pU, pM, pS);
    transformOutput(images, Cout, OW, PH, PW, T, pM, pBias, pOut + <usize>n0 * outImage, pArg + <usize>n0 * outImage);
  }
}
