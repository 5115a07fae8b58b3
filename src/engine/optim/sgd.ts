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
    const { lr, momentum, weightDecay, nesterov } = this;
    const keep = 1 - this.dampening;
    for (let p = 0; p < this.params.length; p++) {
      const w = this.params[p].value.data;
      const grad = this.params[p].grad.data;
      const buf = momentum !== 0 ? this.buffers[p] : undefined;
      for (let i = 0; i < w.length; i++) {
        let g = grad[i] + weightDecay * w[i];
        if (buf) {
          const b = this.started ? momentum * buf[i] + keep * g : g;
          buf[i] = b;
          g = nesterov ? g + momentum * buf[i] : buf[i];
        }
        w[i] -= lr * g;
      }
    }
    this.started = true;
  }
}
