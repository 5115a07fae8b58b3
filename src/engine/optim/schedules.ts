import type { Optimizer } from './optimizer.js';

/**
 * Learning-rate schedules with PyTorch's per-epoch semantics: construction leaves the optimizer's lr
 * at its initial value (epoch 0); call step() once at the end of every epoch, after the optimizer's
 * steps, and the lr for the next epoch is set. The updates are multiplicative on the current lr,
 * as PyTorch's chainable get_lr(), so the float results match it exactly.
 */
export abstract class LRSchedule {
  /** Completed epochs (PyTorch's last_epoch). */
  epoch = 0;
  readonly baseLr: number;

  protected constructor(readonly optimizer: Optimizer) {
    this.baseLr = optimizer.lr;
  }

  step(): void {
    this.epoch++;
    this.optimizer.lr *= this.factor(this.epoch);
  }

  /** Multiplier applied to the lr when entering `epoch` (>= 1). */
  protected abstract factor(epoch: number): number;
}

/** lr *= gamma every `stepSize` epochs. */
export class StepLR extends LRSchedule {
  constructor(
    optimizer: Optimizer,
    readonly stepSize: number,
    readonly gamma = 0.1,
  ) {
    super(optimizer);
    if (!Number.isInteger(stepSize) || stepSize < 1) {
      throw new Error(`StepLR: stepSize must be a positive integer, got ${stepSize}`);
    }
  }

  protected factor(epoch: number): number {
    return epoch % this.stepSize === 0 ? this.gamma : 1;
  }
}

/** lr *= gamma at each milestone epoch (a milestone listed k times multiplies by gamma^k, as PyTorch's Counter). */
export class MultiStepLR extends LRSchedule {
  private readonly counts = new Map<number, number>();

  constructor(
    optimizer: Optimizer,
    milestones: readonly number[],
    readonly gamma = 0.1,
  ) {
    super(optimizer);
    for (const m of milestones) {
      if (!Number.isInteger(m) || m < 1) throw new Error(`MultiStepLR: milestones must be positive integers, got ${m}`);
      this.counts.set(m, (this.counts.get(m) ?? 0) + 1);
    }
  }

  protected factor(epoch: number): number {
    const k = this.counts.get(epoch);
    return k === undefined ? 1 : this.gamma ** k;
  }
}

/** lr *= gamma every epoch. */
export class ExponentialLR extends LRSchedule {
  constructor(
    optimizer: Optimizer,
    readonly gamma: number,
  ) {
    super(optimizer);
  }

  protected factor(): number {
    return this.gamma;
  }
}

/**
 * Cosine annealing from the initial lr to etaMin over tMax epochs (PyTorch's CosineAnnealingLR, its chainable
 * recursion, so the floats match it): each step scales the distance to etaMin by the ratio of successive
 * (1 + cos) terms. Past tMax it rises again along the cosine, as PyTorch's does.
 */
export class CosineAnnealingLR extends LRSchedule {
  constructor(
    optimizer: Optimizer,
    readonly tMax: number,
    readonly etaMin = 0,
  ) {
    super(optimizer);
    if (!Number.isInteger(tMax) || tMax < 1) throw new Error(`CosineAnnealingLR: tMax must be a positive integer, got ${tMax}`);
  }

  override step(): void {
    this.epoch++;
    const [e, t, lr] = [this.epoch, this.tMax, this.optimizer.lr];
    if ((e - 1 - t) % (2 * t) === 0) {
      this.optimizer.lr = lr + ((this.baseLr - this.etaMin) * (1 - Math.cos(Math.PI / t))) / 2;
    } else {
      this.optimizer.lr = ((1 + Math.cos((Math.PI * e) / t)) / (1 + Math.cos((Math.PI * (e - 1)) / t))) * (lr - this.etaMin) + this.etaMin;
    }
  }

  protected factor(): number {
    throw new Error('CosineAnnealingLR sets the lr in step()');
  }
}
