// Public API of the pairnet engine (importable on its own as `pairnet/engine`).
export * from './tensor.js';
export * from './module.js';
export * from './rng.js';
