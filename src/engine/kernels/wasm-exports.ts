/** The functions asm/kernels.ts exports (pointers are byte offsets into its linear memory). */
export interface KernelExports {
  memory: { buffer: ArrayBuffer; grow(pages: number): number };
  scratchBase(): number;
  gemmScratchBytes(M: number, N: number, K: number): number;
  gemmBatched(
    batch: number, M: number, N: number, K: number, pA: number, sA: number, transA: number, pB: number, sB: number,
    transB: number, pC: number, sC: number, pS: number, pT: number,
  ): void;
  addTo(n: number, src: number, dst: number): void;
  im2col(pX: number, N: number, C: number, H: number, W: number, k: number, stride: number, pad: number, pOut: number): void;
  col2im(pCols: number, N: number, C: number, H: number, W: number, k: number, stride: number, pad: number, pDx: number): void;
  relu(n: number, pX: number, pY: number): void;
  maxPool2d(planes: number, H: number, W: number, k: number, stride: number, pX: number, pOut: number, pArg: number): void;
  conv2dForward(
    N: number, C: number, H: number, W: number, Cout: number, k: number, stride: number, pad: number,
    pX: number, pWt: number, pBias: number, pOut: number, pCols: number, pS: number,
  ): void;
  conv2dBackward(
    N: number, C: number, H: number, W: number, Cout: number, k: number, stride: number, pad: number,
    pX: number, pGy: number, pWt: number, pDw: number, pDwNew: number, pDb: number, pDx: number, pCols: number,
    pDcols: number, pS: number, pT: number,
  ): void;
  directForwardScratchBytes(C: number, H: number, W: number, Cout: number, k: number, pad: number): number;
  conv2dDirectForward(
    N: number, C: number, H: number, W: number, Cout: number, k: number, pad: number, pX: number, pWt: number,
    pBias: number, pOut: number, pS: number,
  ): void;
  directBackwardScratchBytes(C: number, H: number, W: number, Cout: number, k: number, pad: number, winograd: number): number;
  conv2dDirectBackward(
    N: number, C: number, H: number, W: number, Cout: number, k: number, pad: number, pX: number, pGy: number,
    pWt: number, pDw: number, pDb: number, pDx: number, winograd: number, pS: number,
  ): void;
  winogradForwardScratchBytes(C: number, H: number, W: number, Cout: number, pad: number): number;
  conv2dWinogradForward(
    N: number, C: number, H: number, W: number, Cout: number, pad: number, pX: number, pWt: number, pBias: number,
    pOut: number, pS: number,
  ): void;
  reluBackward(n: number, pY: number, pDy: number, pDx: number): void;
  leakyRelu(n: number, slope: number, pX: number, pY: number): void;
  addRelu(n: number, relu: number, pA: number, pB: number, pY: number): void;
  leakyReluBackward(n: number, slope: number, pX: number, pDy: number, pDx: number): void;
  convReluForward(
    N: number, C: number, H: number, W: number, Cout: number, k: number, stride: number, pad: number, pk: number, ps: number,
    pX: number, pWt: number, pBias: number, pOut: number, pArg: number, pWT: number, pCols: number, pT: number, pS: number,
  ): void;
  pooledScratchBytes(P: number, C: number, Cout: number, outPlanes: number): number;
  winogradScratchBytes(C: number, Cout: number, H: number, W: number): number;
  convReluPoolWinograd(
    N: number, C: number, H: number, W: number, Cout: number, pX: number, pWt: number, pBias: number, pOut: number,
    pArg: number, pScratch: number,
  ): void;
  dropoutForward(n: number, pSeed: number, limit: number, all: number, scale: number, pX: number, pY: number, pMask: number): void;
  multiply(n: number, pA: number, pB: number, pOut: number): void;
  convReluBackward(
    N: number, C: number, H: number, W: number, Cout: number, k: number, stride: number, pad: number, pk: number, ps: number,
    pX: number, pGy: number, pY: number, pArg: number, pWt: number, pDw: number, pDb: number, pDx: number,
    pG: number, pDwT: number, pDwPart: number, pCols: number, pDcols: number, pS: number,
  ): void;
  adamStep(
    n: number, pW: number, pG: number, pM: number, pV: number, beta1: number, oneMinusBeta1: number, beta2: number,
    oneMinusBeta2: number, stepSize: number, invC2: number, eps: number, wd: number,
  ): void;
  batchnormForward(
    N: number, C: number, S: number, training: number, relu: number, momentum: number, eps: number, pX: number,
    pGamma: number, pBeta: number, pRunMean: number, pRunVar: number, pXhat: number, pRes: number, pY: number,
    pInvStd: number,
  ): void;
  batchnormBackward(
    N: number, C: number, S: number, training: number, relu: number, pGy: number, pXhat: number, pGamma: number,
    pBeta: number, pInvStd: number, pDgamma: number, pDbeta: number, pDx: number,
  ): void;
}
