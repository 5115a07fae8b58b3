import type { Param } from '../module.js';
import { Optimizer, checkNonNegative } from './optimizer.js';

export interface SGDOptions {
  lr: number;
  momentum?: number;
  dampening?: number;
  nesterov?: boolean;
  weightDecay?: number;
}

/**
 * Stochastic gradient descent as torch.optim.SGD (1.13):
 *   g = grad + weightDecay * w
 *   buf = g on the first step, else momentum * buf + (1 - dampening) * g
 *   g = nesterov ? g + momentum * buf : buf        (when momentum != 0)
 *   w -= lr * g
 */
export class SGD extends Optimizer {
  momentum: number;
  dampening: number;
  nesterov: boolean;
  weightDecay: number;
  private readonly buffers: Float32Array[];
  private started = false;

  constructor(params: Param[], options: SGDOptions) {
    super('SGD', params, options.lr);
    this.momentum = options.momentum ?? 0;
    this.dampening = options.dampening ?? 0;
    this.nesterov = options.nesterov ?? false;
    this.weightDecay = options.weightDecay ?? 0;
    checkNonNegative('SGD', 'momentum', this.momentum);
    checkNonNegative('SGD', 'weightDecay', this.weightDecay);
    if (this.nesterov && (this.momentum <= 0 || this.dampening !== 0)) {
      throw new Error('SGD: nesterov momentum requires a momentum > 0 and zero dampening');
    }
    this.buffers = this.momentum !== 0 ? this.stateLike() : [];
  }

  step(): void {
    const { lr, momentum, weightDecay, nesterov, started } = this;
    const keep = 1 - this.dampening;
    // One loop per case: a loop-invariant flag tested inside the loop makes V8's loop several times slower.
    for (let p = 0; p < this.params.length; p++) {
      const w = this.params[p].value.data;
      const grad = this.params[p].grad.data;
      const n = w.length;
      if (momentum === 0) {
        for (let i = 0; i < n; i++) w[i] -= lr * (grad[i] + weightDecay * w[i]);
        continue;
      }
      // The buffer is read back after its float32 store, as PyTorch keeps it in float32.
      const buf = this.buffers[p];
      if (!started) {
        for (let i = 0; i < n; i++) buf[i] = grad[i] + weightDecay * w[i];
      } else {
        for (let i = 0; i < n; i++) buf[i] = momentum * buf[i] + keep * (grad[i] + weightDecay * w[i]);
      }
      if (nesterov) {
        for (let i = 0; i < n; i++) w[i] -= lr * (grad[i] + weightDecay * w[i] + momentum * buf[i]);
      } else {
        for (let i = 0; i < n; i++) w[i] -= lr * buf[i];
      }
    }
    this.started = true;
  }
}
