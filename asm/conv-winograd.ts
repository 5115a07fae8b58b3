import { gemmScratchBytes } from './gemm';
import { storeLanes } from './conv-relu';
import { paddedOf, padImage, planeOf } from './conv-direct';
import { inverseBlock, TILE_BLOCK, transformFilters, transformInput, winogradProducts, yBlock } from './winograd';

// Conv2d 3x3, stride 1, pad <= 2, even output sizes, by Winograd's F(2x2, 3x3) (transforms and products in
// winograd.ts: 2.25x fewer multiplications than the direct sum). Images are copied, a block at a time, into the
// zero-padded grid of conv-direct.ts, on which output block (ty, tx) comes from the 4x4 grid tile at row 2ty, column
// 2tx (its last column may be the next row's first, a padding zero).

/** Images per block: their V and M stay in L2, as convReluPoolWinograd's. */
@inline export function perBlock(OH: i32, OW: i32): i32 {
  return max(1, TILE_BLOCK / ((OH >> 1) * (OW >> 1)));
}

/** Scratch bytes of conv2dWinogradForward: U; V, M and the padded grid of one block; gemm's scratch. */
export function winogradForwardScratchBytes(C: i32, H: i32, W: i32, Cout: i32, pad: i32): usize {
  const OH = H + 2 * pad - 2, OW = W + 2 * pad - 2;
  const images = perBlock(OH, OW);
  const block = images * (OH >> 1) * (OW >> 1);
  const floats = 16 * (C * Cout + block * C + block * Cout) + paddedOf(images, C, H, W, pad, 3);
  return <usize>floats * 4 + 64 * 4 + gemmScratchBytes(block, Cout, C);
}

/**
 * V[xi][t][c] for the tiles of `count` images [C, H, W] from pX: copied into the padded grids at pG (zeros already
 * there), which transformInput takes for plain images of (H + 2*pad + 1) x (W + pad) planes.
 */
export function inputTiles(count: i32, C: i32, H: i32, W: i32, pad: i32, pX: usize, pG: usize, pV: usize): void {
  const OH = H + 2 * pad - 2, OW = W + 2 * pad - 2;
  const inImage = <usize>(C * H * W) * 4, grid = <usize>(C * planeOf(H, W, pad)) * 4;
  for (let i = 0; i < count; i++) padImage(pX + <usize>i * inImage, C, H, W, pad, pG + <usize>i * grid);
  transformInput(count, C, H + 2 * pad + 1, W + pad, OH >> 1, OW >> 1, count * (OH >> 1) * (OW >> 1), pG, pV);
}

/** out [images, Cout, OH, OW] = A^T M A + bias (pBias != 0) for the T tiles, 4 output channels at a time. */
function transformOutputPlanes(
  images: i32, Cout: i32, OH: i32, OW: i32, T: i32, pM: usize, pBias: usize, pOut: usize,
): void {
  const matrix = <usize>T * <usize>Cout * 4;
  const plane = <usize>(OH * OW) << 2;
  const row = <usize>OW << 2;
  const zero = f32x4.splat(0);
  let t = 0;
  for (let n = 0; n < images; n++) {
    for (let ty = 0; ty < OH; ty += 2) {
      for (let tx = 0; tx < OW; tx += 2, t++) {
        let at = pOut + <usize>n * <usize>Cout * plane + (<usize>(ty * OW + tx) << 2);
        for (let o = 0; o < Cout; o += 4, at += 4 * plane) {
          inverseBlock(pM + ((<usize>t * <usize>Cout + <usize>o) << 2), matrix, pBias != 0 ? v128.load(pBias + (<usize>o << 2)) : zero);
          storeLanes(at, plane, v128.load(yBlock));
          storeLanes(at + 4, plane, v128.load(yBlock, 16));
          storeLanes(at + row, plane, v128.load(yBlock, 32));
          storeLanes(at + row + 4, plane, v128.load(yBlock, 48));
        }
      }
    }
  }
}

/**
 * out [N, Cout, OH, OW] = conv3x3(x [N, C, H, W], weight [Cout, C, 3, 3], pad) (+ bias if pBias != 0) for pad <= 2,
 * OH and OW even, Cout a multiple of 4. pS: winogradForwardScratchBytes of scratch.
 */
export function conv2dWinogradForward(
  N: i32, C: i32, H: i32, W: i32, Cout: i32, pad: i32, pX: usize, pWt: usize, pBias: usize, pOut: usize, pS: usize,
): void {
  const OH = H + 2 * pad - 2, OW = W + 2 * pad - 2;
  const images = perBlock(OH, OW);
  const tiles = (OH >> 1) * (OW >> 1);
  const block = <usize>(images * tiles);
  const pU = pS;
  const pV = (pU + 16 * 4 * <usize>C * <usize>Cout + 63) & ~(<usize>63);
  const pM = (pV + 16 * 4 * block * <usize>C + 63) & ~(<usize>63);
  const pG = (pM + 16 * 4 * block * <usize>Cout + 63) & ~(<usize>63);
  const pGs = pG + (<usize>paddedOf(images, C, H, W, pad, 3) << 2);
  transformFilters(C, Cout, pWt, pU);
  memory.fill(pG, 0, pGs - pG);
  const outImage = <usize>(Cout * OH * OW) * 4;
  for (let n0 = 0; n0 < N; n0 += images) {
    const count = min(images, N - n0);
    inputTiles(count, C, H, W, pad, pX + <usize>n0 * <usize>(C * H * W) * 4, pG, pV);
    winogradProducts(count * tiles, C, Cout, pV, pU, pM, pGs);
    transformOutputPlanes(count, Cout, OH, OW, count * tiles, pM, pBias, pOut + <usize>n0 * outImage);
  }
}
