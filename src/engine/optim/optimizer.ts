import type { Param } from '../module.js';
import { shapeString } from '../tensor.js';

/**
 * Base of the optimizers: holds the parameters and the mutable learning rate that schedules change.
 * Subclasses allocate their per-parameter state once (flat Float32Arrays), so step() never allocates.
 */
export abstract class Optimizer {
  /** Current learning rate (PyTorch's param_group['lr']); schedules write it. */
  lr: number;
  readonly params: readonly Param[];

  protected constructor(name: string, params: Param[], lr: number) {
    if (!(lr >= 0)) throw new Error(`${name}: invalid learning rate ${lr} (must be >= 0)`);
    if (params.length === 0) throw new Error(`${name}: got an empty parameter list`);
    for (const p of params) {
      if (p.grad.data.length !== p.value.data.length) {
        throw new Error(
          `${name}: parameter '${p.name}' has value ${shapeString(p.value.shape)} but gradient ${shapeString(p.grad.shape)}`,
        );
      }
    }
    this.lr = lr;
    this.params = [...params];
  }

  /** One update of every parameter from its accumulated gradient. */
  abstract step(): void;

  /** Gives back the WebAssembly memory the optimizer's state holds (Adam's moments); the optimizer is unusable after. */
  dispose(): void {}

  /** Sets every gradient to zero (PyTorch 1.13's zero_grad(set_to_none=False)). */
  zeroGrad(): void {
    for (const p of this.params) p.grad.data.fill(0);
  }

  /** One zeroed state array per parameter, the same size as its value. */
  protected stateLike(): Float32Array[] {
    return this.params.map((p) => new Float32Array(p.value.data.length));
  }
}

export function checkNonNegative(optimizer: string, field: string, value: number): void {
  if (!(value >= 0)) throw new Error(`${optimizer}: invalid ${field} ${value} (must be >= 0)`);
}
