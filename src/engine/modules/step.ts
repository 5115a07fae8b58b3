import type { Tensor } from '../tensor.js';
import { ModuleError } from './module-error.js';

/** One step of a Sequential: one child, or several run as one. Errors come out prefixed with the child's name. */
export interface Step {
  forward(x: Tensor, training: boolean): Tensor;
  backward(gradOut: Tensor): Tensor;
}

/** Runs a child's pass, prefixing the child's name to any error it throws. */
export function inChild<T>(name: string, run: () => T): T {
  try {
    return run();
  } catch (e) {
    if (e instanceof ModuleError) throw new ModuleError([name, ...e.path], e.detail, e.cause);
    if (e instanceof Error) throw new ModuleError([name], e.message, e);
    throw e;
  }
}
