import { ResidentRegion, type Backend } from '../kernels/index.js';
import type { Module, Pass } from '../module.js';

/** What compiling a module tree needs: the backend, and a list of what the plan must dispose. */
export interface Planner {
  readonly backend: Backend;
  /** Compiles one module (a child). */
  compile(m: Module): Pass;
  /** Registers something that holds WebAssembly memory, released by the plan's dispose(). */
  own<T extends { dispose(): void }>(x: T): T;
  /** A resident region of the backend's memory, owned by the plan. */
  region(): ResidentRegion;
}
