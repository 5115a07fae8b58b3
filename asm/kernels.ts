// WebAssembly SIMD kernels of the pairnet engine (the module's entry point). Pointers are byte offsets
// into linear memory; the JS bindings (src/engine/kernels/, one file per op family) copy operands in, call,
// and copy results out. Built twice by tools/build-wasm.mjs: plain SIMD, and with relaxed SIMD
// (fused multiply-add). Files: gemm.ts (GEMM and batched GEMM), im2col.ts, conv.ts (whole Conv2d
// passes), conv-direct.ts, conv-direct-backward.ts, conv-winograd.ts and conv-winograd-weight.ts
// (stride-1 Conv2d passes without im2col), conv-relu.ts, conv-relu-backward.ts and winograd.ts
// (Conv2d -> ReLU -> MaxPool2d fused), pool.ts, relu.ts, adam.ts, dropout.ts, batchnorm.ts (BatchNorm,
// optionally -> ReLU).

export { addTo, gemm, gemmBatched, gemmScratchBytes } from './gemm';
export { col2im, im2col } from './im2col';
export { conv2dBackward, conv2dForward } from './conv';
export { conv2dDirectForward, directForwardScratchBytes } from './conv-direct';
export { conv2dDirectBackward, directBackwardScratchBytes } from './conv-direct-backward';
export { conv2dWinogradForward, winogradForwardScratchBytes } from './conv-winograd';
export { convReluForward } from './conv-relu';
export { convReluPoolWinograd, winogradScratchBytes } from './winograd';
export { convReluBackward, pooledScratchBytes } from './conv-relu-backward';
export { maxPool2d } from './pool';
export { addRelu, leakyRelu, leakyReluBackward, relu, reluBackward } from './relu';
export { adamStep } from './adam';
export { dropoutForward, multiply } from './dropout';
export { batchnormBackward, batchnormForward } from './batchnorm';

/** Start of the region the JS wrapper may use (everything above is free). */
export function scratchBase(): usize {
  return (__heap_base + 63) & ~(<usize>63);
}
