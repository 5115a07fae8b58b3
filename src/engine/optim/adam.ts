import { defaultBackend, type AdamState, type Backend } from '../kernels/index.js';
import type { Param } from '../module.js';
import { Optimizer, checkNonNegative } from './optimizer.js';

export interface AdamOptions {
  lr?: number;
  betas?: [number, number];
  eps?: number;
  weightDecay?: number;
  /** The backend whose memory holds the moments and that runs the steps (default: defaultBackend()). */
  backend?: Backend;
}

/**
 * Adam as torch.optim.Adam (1.13, amsgrad off): L2 weight decay added to the gradient,
 * bias corrections applied to the step size and to sqrt(v), eps added outside the square root:
 *   w -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)
 */
export class Adam extends Optimizer {
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  /** Number of steps taken (PyTorch's state['step']). */
  stepCount = 0;
  /** m and v of every parameter, kept in the backend's memory (only its kernel reads them). */
  private readonly moments: AdamState;

  constructor(params: Param[], options: AdamOptions = {}) {
    super('Adam', params, options.lr ?? 1e-3);
    [this.beta1, this.beta2] = options.betas ?? [0.9, 0.999];
    this.eps = options.eps ?? 1e-8;
    this.weightDecay = options.weightDecay ?? 0;
    for (const [field, b] of [['betas[0]', this.beta1], ['betas[1]', this.beta2]] as const) {
      if (!(b >= 0 && b < 1)) throw new Error(`Adam: invalid ${field} ${b} (must be in [0, 1))`);
    }
    checkNonNegative('Adam', 'eps', this.eps);
    checkNonNegative('Adam', 'weightDecay', this.weightDecay);
    this.moments = (options.backend ?? defaultBackend()).adamMoments(this.params.map((p) => p.value.data.length));
  }

  override dispose(): void {
    this.moments.dispose();
  }

  step(): void {
    this.stepCount++;
    const { beta1, beta2, eps, weightDecay } = this;
    const options = {
      beta1, beta2, eps, weightDecay,
      stepSize: this.lr / (1 - beta1 ** this.stepCount),
      // sqrt(v) / sqrt(1 - b2^t) as a product: one division per element instead of two.
      invC2: 1 / Math.sqrt(1 - beta2 ** this.stepCount),
    };
    // The float32 SIMD kernel: a JS loop runs at the speed of V8's double sqrt and division (README, Performance).
    for (let p = 0; p < this.params.length; p++) {
      this.moments.step(p, this.params[p].value.data, this.params[p].grad.data, options);
    }
  }
}
