// Public API of the pairnet engine (importable on its own as `pairnet/engine`).
export * from './tensor.js';
export * from './module.js';
export * from './rng.js';
export * from './init.js';
export * from './losses.js';
export * from './gradcheck.js';
export * from './modules/linear.js';
export * from './modules/activations.js';
export * from './modules/containers.js';
export * from './modules/conv.js';
export * from './modules/pool.js';
export * from './modules/batchnorm.js';
export * from './modules/dropout.js';
export * from './modules/shape.js';
export * from './modules/softmax.js';
export * from './optim/index.js';
export * from './safetensors.js';
export * from './modules/slots.js';
export * from './plan/index.js';
// The kernel backend handed to plans and optimizers (WasmBackend: one instance of the WebAssembly kernels with its memory).
export {
  defaultBackend, relaxedSimdSupported, wasmKernels, WasmBackend, type Backend, type KernelVariant,
} from './kernels/index.js';
