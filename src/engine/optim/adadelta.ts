import type { Param } from '../module.js';
import { Optimizer, checkNonNegative } from './optimizer.js';

export interface AdadeltaOptions {
  lr?: number;
  rho?: number;
  eps?: number;
  weightDecay?: number;
}

/**
 * Adadelta as torch.optim.Adadelta (1.13):
 *   g = grad + weightDecay * w;  E[g^2] = rho E[g^2] + (1 - rho) g^2
 *   delta = sqrt(E[dx^2] + eps) / sqrt(E[g^2] + eps) * g;  E[dx^2] = rho E[dx^2] + (1 - rho) delta^2
 *   w -= lr * delta
 */
export class Adadelta extends Optimizer {
  rho: number;
  eps: number;
  weightDecay: number;
  private readonly squareAvg: Float32Array[];
  private readonly accDelta: Float32Array[];

  constructor(params: Param[], options: AdadeltaOptions = {}) {
    super('Adadelta', params, options.lr ?? 1);
    this.rho = options.rho ?? 0.9;
    this.eps = options.eps ?? 1e-6;
    this.weightDecay = options.weightDecay ?? 0;
    if (!(this.rho >= 0 && this.rho <= 1)) throw new Error(`Adadelta: invalid rho ${this.rho} (must be in [0, 1])`);
    checkNonNegative('Adadelta', 'eps', this.eps);
    checkNonNegative('Adadelta', 'weightDecay', this.weightDecay);
    this.squareAvg = this.stateLike();
    this.accDelta = this.stateLike();
  }

  step(): void {
    const { lr, rho, eps, weightDecay } = this;
    for (let p = 0; p < this.params.length; p++) {
      const w = this.params[p].value.data;
      const grad = this.params[p].grad.data;
      const sq = this.squareAvg[p];
      const acc = this.accDelta[p];
      for (let i = 0; i < w.length; i++) {
        const g = grad[i] + weightDecay * w[i];
        sq[i] = rho * sq[i] + (1 - rho) * g * g;
        const delta = (Math.sqrt(acc[i] + eps) / Math.sqrt(sq[i] + eps)) * g;
        acc[i] = rho * acc[i] + (1 - rho) * delta * delta;
        w[i] -= lr * delta;
      }
    }
  }
}
