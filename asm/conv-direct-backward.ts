import { addTo, gemm, gemmScratchBytes } from './gemm';
import { outSize } from './im2col';
import { sumPlanesInto } from './conv';
import { conv2dDirectForward, directForwardScratchBytes, paddedOf } from './conv-direct';
import { conv2dWinogradForward, winogradForwardScratchBytes } from './conv-winograd';

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

/** Floats of each scratch region of conv2dDirectBackward, in order (see there). */
@inline function regions(C: i32, H: i32, W: i32, Cout: i32, k: i32, pad: i32, winograd: bool, i: i32): i32 {
  const OH = outSize(H, k, 1, pad), OW = outSize(W, k, 1, pad), Wp = W + pad, kk = k * k, padG = k - 1 - pad;
  if (i == 0) return paddedOf(1, C, H, W, pad, k);
  if (i == 1) return OH * Wp * Cout + 8;
  if (i == 2) return Cout * C;
  if (i == 3) return kk * Cout * C;
  if (i == 4) return <i32>(gemmScratchBytes(Cout, C, OH * Wp) >> 2);
  if (i == 5) return C * Cout * kk;
  const bytes = winograd ? winogradForwardScratchBytes(Cout, OH, OW, C, padG) : directForwardScratchBytes(Cout, OH, OW, C, k, padG);
  return <i32>(bytes >> 2);
}

/** Start of scratch region i of conv2dDirectBackward (7: the end) for scratch at pS. */
function region(pS: usize, C: i32, H: i32, W: i32, Cout: i32, k: i32, pad: i32, winograd: bool, i: i32): usize {
  let at = pS;
  for (let r = 0; r < i; r++) at += <usize>regions(C, H, W, Cout, k, pad, winograd, r) << 2;
  return at;
}

/** Scratch bytes of conv2dDirectBackward. */
export function directBackwardScratchBytes(C: i32, H: i32, W: i32, Cout: i32, k: i32, pad: i32, winograd: bool): usize {
  return region(0, C, H, W, Cout, k, pad, winograd, 7) + 64;
}

/**
 * Gradients of conv2dDirectForward given gradOut [N, Cout, OH, OW]: gradWeight += (pDw), gradBias += (if pDb != 0),
 * gradInput = (if pDx != 0; by conv2dWinogradForward if `winograd`, which must fit the input gradient's conv, else
 * conv2dDirectForward). pS: directBackwardScratchBytes of scratch.
 */
export function conv2dDirectBackward(
  N: i32, C: i32, H: i32, W: i32, Cout: i32, k: i32, pad: i32, pX: usize, pGy: usize, pWt: usize, pDw: usize,
  pDb: usize, pDx: usize, winograd: bool, pS: usize,
): void {
  const OH = outSize(H, k, 1, pad), OW = outSize(W, k, 1, pad), Wp = W + pad, padG = k - 1 - pad;
  // Scratch: the input and gradOut pixel-major on the grid, a tap's product, the per-tap sums, GEMM scratch; the
  // flipped weight and the input gradient conv's scratch.
  const pXt = pS, pGt = region(pS, C, H, W, Cout, k, pad, winograd, 1);
  const pTmp = region(pS, C, H, W, Cout, k, pad, winograd, 2), pAcc = region(pS, C, H, W, Cout, k, pad, winograd, 3);
  const pGs = region(pS, C, H, W, Cout, k, pad, winograd, 4), pWf = region(pS, C, H, W, Cout, k, pad, winograd, 5);
  const pFs = region(pS, C, H, W, Cout, k, pad, winograd, 6);
  memory.fill(pXt, 0, pTmp - pXt);
  memory.fill(pAcc, 0, pGs - pAcc);
  const inBytes = <usize>(C * H * W) * 4, outBytes = <usize>(Cout * OH * OW) * 4;
  for (let n = 0; n < N; n++) {
    gridTranspose(C, H, W, Wp, pad, pX + <usize>n * inBytes, pXt);
    gridTranspose(Cout, OH, OW, Wp, 0, pGy + <usize>n * outBytes, pGt);
    weightGrad(C, Cout, k, Wp, OH * Wp, pXt, pGt, pTmp, pAcc, pGs);
  }
  addTaps(C, Cout, k * k, pAcc, pDw);
  if (pDb != 0) sumPlanesInto(N, Cout, OH * OW, pGy, pDb);
  if (pDx == 0) return;
  flipWeights(pWt, Cout, C, k, pWf);
  if (winograd) conv2dWinogradForward(N, Cout, OH, OW, C, padG, pGy, pWf, 0, pDx, pFs);
  else conv2dDirectForward(N, Cout, OH, OW, C, k, padG, pGy, pWf, 0, pDx, pFs);
}
