import type { Backend } from './kernels/index.js';
import type { Tensor } from './tensor.js';

/** A learnable parameter: its value and the gradient that backward() accumulates into. */
export interface Param {
  /** PyTorch-style dotted name relative to the module it was read from, e.g. `branch.conv1.weight`. */
  name: string;
  value: Tensor;
  grad: Tensor;
}

/**
 * One forward/backward pair: a module, or what an execution plan (src/engine/plan) compiled a module tree to.
 * backward takes the gradient of the last forward's output.
 */
export interface Pass {
  forward(x: Tensor, training: boolean): Tensor;
  backward(gradOut: Tensor): Tensor;
}

/** Non-learned state saved with the weights (BatchNorm running statistics). */
export interface Buffer {
  name: string;
  value: Tensor;
}

/**
 * The module API of the course statement, without autograd:
 * - forward(x, training) computes the output and keeps what backward needs;
 * - backward(gradOut) ADDS (+=) into parameter gradients and returns the gradient w.r.t. the input;
 * - param() returns [value, gradient] pairs (empty for parameterless modules).
 * Leaves declare their own parameters in ownParams(); containers declare children in namedChildren()
 * and get prefixed names (`0.weight`, `branch.conv1.weight`) like PyTorch's state_dict.
 */
export abstract class Module {
  training = true;

  /** Class-level name used in error messages, e.g. `Linear(800, 100)`. */
  abstract describe(): string;

  abstract forward(x: Tensor, training?: boolean): Tensor;

  abstract backward(gradOut: Tensor): Tensor;

  /**
   * Declares that this module's input is data, whose gradient nobody needs: a first Conv2d then skips computing it.
   * Containers pass it on to the child that receives their input; other modules ignore it.
   */
  inputIsData(): void {}

  /**
   * A container whose own work is routing data to and from its children (PairShared, a model's pair branches)
   * returns itself with each child run by `run(child)` and its own kernel calls on `backend`, so an execution plan can
   * put its compiled children in; undefined (the default) makes the plan run this module as it is (or by on()).
   */
  routed?(run: (child: Module) => Pass, backend: Backend): Pass;

  /**
   * A leaf whose passes call kernels (modules/kernel-module.ts) gives them on `backend`, an execution plan's; its own
   * forward and backward run on defaultBackend().
   */
  on?(backend: Backend): Pass;

  protected ownParams(): Param[] {
    return [];
  }

  protected ownBuffers(): Buffer[] {
    return [];
  }

  namedChildren(): [string, Module][] {
    return [];
  }

  params(): Param[] {
    const out = this.ownParams();
    for (const [prefix, child] of this.namedChildren()) {
      for (const p of child.params()) out.push({ ...p, name: `${prefix}.${p.name}` });
    }
    return out;
  }

  buffers(): Buffer[] {
    const out = this.ownBuffers();
    for (const [prefix, child] of this.namedChildren()) {
      for (const b of child.buffers()) out.push({ ...b, name: `${prefix}.${b.name}` });
    }
    return out;
  }

  /** The statement's name: [parameter, gradient] pairs. */
  param(): [Tensor, Tensor][] {
    return this.params().map((p) => [p.value, p.grad]);
  }

  zeroGrad(): void {
    for (const p of this.params()) p.grad.data.fill(0);
  }

  train(on = true): this {
    this.training = on;
    for (const [, child] of this.namedChildren()) child.train(on);
    return this;
  }

  eval(): this {
    return this.train(false);
  }

  parameterCount(): number {
    let n = 0;
    for (const p of this.params()) n += p.value.data.length;
    return n;
  }
}
