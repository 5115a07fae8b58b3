// The kernel registry: every op family (its reference, its wasm binding, its resident variant), the Backend interface
// the engine calls them through, the WebAssembly backend and the process's default. `npm run bench` times the kernels.
export * from './adam.js';
export * from './backend.js';
export * from './batchnorm.js';
export * from './conv.js';
export * from './conv-relu.js';
export * from './default.js';
export * from './dropout.js';
export * from './elementwise.js';
export * from './gemm.js';
export * from './im2col.js';
export * from './pool.js';
export * from './resident.js';
export { kernelBinary, relaxedSimdSupported, WasmInstance, type KernelVariant } from './wasm/instance.js';
export * from './wasm-backend.js';
export * from './native.js';
