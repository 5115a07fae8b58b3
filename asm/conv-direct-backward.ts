import { addTo, gemm, gemmScratchBytes } from './gemm';
import { outSize } from './im2col';
import { sumPlanesInto } from './conv';
import { conv2dDirectForward, directForwardScratchBytes, paddedOf } from './conv-direct';
import { conv2dWinogradForward, winogradForwardScratchBytes } from './conv-winograd';
import { conv2dWinogradWeightGrad, winogradWeightScratchBytes } from './conv-winograd-weight';

// Gradients of a stride-1 Conv2d with pad <= k-1 (grid layout in conv-direct.ts). The input gradient is the conv of
// gradOut padded by k-1-pad with the weight flipped and its channel axes swapped, run by the forward kernels. The
// weight gradient is per tap a GEMM over grid pixels of gradOut (zero in the dropped columns) and the input shifted by
// the tap's offset, both pixel-major so that GEMM reads them in place. (A non-finite input value can reach the weight
// gradient through a dropped column's zero, as NaN where the direct sum would give an infinity.)

/**
 * Channels [C, H, W] at pX into pXt pixel-major on the grid ([plane, C]: pixel (h+pad)*Wp + pad + w), or with
 * pad = 0 and Wp = W + k-1-pad gradOut on the input's grid; the rest (written zero once per call) stays zero.
 */
function gridTranspose(C: i32, H: i32, W: i32, Wp: i32, pad: i32, pX: usize, pXt: usize): void {
  const ld = <usize>C << 2;
  for (let c = 0; c < C; c++) {
    let row = pXt + <usize>(pad * Wp + pad) * ld + (<usize>c << 2);
    for (let h = 0; h < H; h++, row += <usize>Wp * ld) {
      let d = row;
      for (let w = 0; w < W; w++, pX += 4, d += ld) store<f32>(d, load<f32>(pX));
    }
  }
}

/**
 * One image's weight gradient, per tap t a GEMM summing over the Q grid pixels: dW_t [Cout, C] = gradOut^T
 * (pGt [Q, Cout]) times the input shifted by the tap (pXt [plane, C] + offset), added into pAcc [kk, Cout, C].
 */
function weightGrad(
  C: i32, Cout: i32, k: i32, Wp: i32, Q: i32, pXt: usize, pGt: usize, pTmp: usize, pAcc: usize, pS: usize,
): void {
  const size = Cout * C;
  for (let ki = 0; ki < k; ki++) {
    for (let kj = 0; kj < k; kj++, pAcc += <usize>size << 2) {
      gemm(Cout, C, Q, pGt, true, pXt + <usize>((ki * Wp + kj) * C) * 4, false, pTmp, pS);
      addTo(size, pTmp, pAcc);
    }
  }
}

/** dW [Cout, C, kk] += the per-tap sums [kk, Cout, C] at pAcc. */
function addTaps(C: i32, Cout: i32, kk: i32, pAcc: usize, pDw: usize): void {
  for (let o = 0; o < Cout; o++) {
    for (let c = 0; c < C; c++) {
      for (let t = 0; t < kk; t++, pDw += 4) store<f32>(pDw, load<f32>(pDw) + load<f32>(pAcc + (<usize>((t * Cout + o) * C + c) << 2)));
    }
  }
}

/** dst [C, Cout, k, k] = weight [Cout, C, k, k] with its channel axes swapped and each filter turned by 180 degrees. */
function flipWeights(pW: usize, Cout: i32, C: i32, k: i32, pDst: usize): void {
  const kk = k * k;
  for (let c = 0; c < C; c++) {
    for (let o = 0; o < Cout; o++) {
      const src = pW + (<usize>((o * C + c) * kk) << 2);
      for (let t = 0; t < kk; t++, pDst += 4) store<f32>(pDst, load<f32>(src + (<usize>(kk - 1 - t) << 2)));
    }
  }
}

/** Floats of each scratch region of directWeightGrad, in order (see there). */
@inline function regions(C: i32, H: i32, W: i32, Cout: i32, k: i32, pad: i32, i: i32): i32 {
  const OH = outSize(H, k, 1, pad), Wp = W + pad;
  if (i == 0) return paddedOf(1, C, H, W, pad, k);
  if (i == 1) return OH * Wp * Cout + 8;
  if (i == 2) return Cout * C;
  if (i == 3) return k * k * Cout * C;
  return <i32>(gemmScratchBytes(Cout, C, OH * Wp) >> 2);
}

/** Start of scratch region i of directWeightGrad (5: the end) for scratch at pS. */
function region(pS: usize, C: i32, H: i32, W: i32, Cout: i32, k: i32, pad: i32, i: i32): usize {
  let at = pS;
  for (let r = 0; r < i; r++) at += <usize>regions(C, H, W, Cout, k, pad, r) << 2;
  return at;
}

/** gradWeight += the weight gradient by per-tap GEMMs; scratch (region 5 bytes) at pS. */
function directWeightGrad(
  N: i32, C: i32, H: i32, W: i32, Cout: i32, k: i32, pad: i32, pX: usize, pGy: usize, pDw: usize, pS: usize,
): void {
  const OH = outSize(H, k, 1, pad), OW = outSize(W, k, 1, pad), Wp = W + pad;
  // The input and gradOut pixel-major on the grid, a tap's product, the per-tap sums, GEMM scratch.
  const pXt = pS, pGt = region(pS, C, H, W, Cout, k, pad, 1), pTmp = region(pS, C, H, W, Cout, k, pad, 2);
  const pAcc = region(pS, C, H, W, Cout, k, pad, 3), pGs = region(pS, C, H, W, Cout, k, pad, 4);
  memory.fill(pXt, 0, pTmp - pXt);
  memory.fill(pAcc, 0, pGs - pAcc);
  const inBytes = <usize>(C * H * W) * 4, outBytes = <usize>(Cout * OH * OW) * 4;
  for (let n = 0; n < N; n++) {
    gridTranspose(C, H, W, Wp, pad, pX + <usize>n * inBytes, pXt);
    gridTranspose(Cout, OH, OW, Wp, 0, pGy + <usize>n * outBytes, pGt);
    weightGrad(C, Cout, k, Wp, OH * Wp, pXt, pGt, pTmp, pAcc, pGs);
  }
  addTaps(C, Cout, k * k, pAcc, pDw);
}

/** Scratch bytes of conv2dDirectBackward: the weight gradient's, then the input gradient's in the same place. */
export function directBackwardScratchBytes(C: i32, H: i32, W: i32, Cout: i32, k: i32, pad: i32, winograd: bool): usize {
  const OH = outSize(H, k, 1, pad), OW = outSize(W, k, 1, pad), padG = k - 1 - pad;
  const weight = winograd ? winogradWeightScratchBytes(C, H, W, Cout, pad) : region(0, C, H, W, Cout, k, pad, 5);
  const input = winograd ? winogradForwardScratchBytes(Cout, OH, OW, C, padG) : directForwardScratchBytes(Cout, OH, OW, C, k, padG);
  return max(weight, <usize>(C * Cout * k * k) * 4 + input) + 64;
}

/**
 * Gradients of a stride-1 conv with pad <= k-1 given gradOut [N, Cout, OH, OW]: gradWeight += (pDw), gradBias += (if
 * pDb != 0), gradInput = (if pDx != 0). `winograd`: both by Winograd (conv2dWinogradWeightGrad, conv2dWinogradForward),
 * which must fit the conv and the input gradient's conv; else per-tap GEMMs and conv2dDirectForward. pS:
 * directBackwardScratchBytes of scratch.
 */
export function conv2dDirectBackward(
  N: i32, C: i32, H: i32, W: i32, Cout: i32, k: i32, pad: i32, pX: usize, pGy: usize, pWt: usize, pDw: usize,
  pDb: usize, pDx: usize, winograd: bool, pS: usize,
): void {
  const OH = outSize(H, k, 1, pad), OW = outSize(W, k, 1, pad), padG = k - 1 - pad;
  if (winograd) conv2dWinogradWeightGrad(N, C, H, W, Cout, pad, pX, pGy, pDw, pS);
  else directWeightGrad(N, C, H, W, Cout, k, pad, pX, pGy, pDw, pS);
  if (pDb != 0) sumPlanesInto(N, Cout, OH * OW, pGy, pDb);
  if (pDx == 0) return;
  // The flipped weight and the input gradient conv's scratch.
  const pWf = pS, pFs = pS + (<usize>(C * Cout * k * k) << 2);
  flipWeights(pWt, Cout, C, k, pWf);
  if (winograd) conv2dWinogradForward(N, Cout, OH, OW, C, padG, pGy, pWf, 0, pDx, pFs);
  else conv2dDirectForward(N, Cout, OH, OW, C, k, padG, pGy, pWf, 0, pDx, pFs);
}
