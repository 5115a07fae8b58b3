import { defaultBackend, type Backend } from '../kernels/index.js';
import { Module, type Pass } from '../module.js';
import type { Tensor } from '../tensor.js';

/**
 * A module whose passes call kernels: they take the backend as an argument, so the module never holds one. Its own
 * forward and backward (the reference an execution plan is tested against) run on defaultBackend(); a plan runs
 * on(backend), its own backend's, with the same state (what backward needs stays in the module).
 */
export abstract class KernelModule extends Module {
  forward(x: Tensor, training = this.training): Tensor {
    return this.forwardOn(defaultBackend(), x, training);
  }

  backward(gradOut: Tensor): Tensor {
    return this.backwardOn(defaultBackend(), gradOut);
  }

  override on(backend: Backend): Pass {
    return { forward: (x, training) => this.forwardOn(backend, x, training), backward: (g) => this.backwardOn(backend, g) };
  }

  protected abstract forwardOn(backend: Backend, x: Tensor, training: boolean): Tensor;

  protected abstract backwardOn(backend: Backend, gradOut: Tensor): Tensor;
}
