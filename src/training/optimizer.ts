import {
  Adadelta, Adam, CosineAnnealingLR, ExponentialLR, MultiStepLR, SGD, StepLR, type LRSchedule, type Optimizer, type Param,
  type Backend,
} from '../engine/index.js';
import type { LossConfig, OptimizerConfig, ScheduleConfig } from './config.js';

/** The configured optimizer; `backend`: the one whose memory holds its state (Adam's moments). */
export function makeOptimizer(c: OptimizerConfig, params: Param[], backend?: Backend): Optimizer {
  if (c.name === 'adam') return new Adam(params, { lr: c.lr, betas: c.betas, eps: c.eps, weightDecay: c.weightDecay, backend });
  if (c.name === 'sgd') {
    return new SGD(params, { lr: c.lr, momentum: c.momentum, dampening: c.dampening, nesterov: c.nesterov, weightDecay: c.weightDecay });
  }
  return new Adadelta(params, { lr: c.lr, rho: c.rho, eps: c.eps, weightDecay: c.weightDecay });
}

/** The per-epoch learning-rate schedule, or null for a constant rate. */
export function makeSchedule(c: ScheduleConfig, optimizer: Optimizer, epochs: number): LRSchedule | null {
  if (c.kind === 'step') return new StepLR(optimizer, c.stepSize, c.gamma);
  if (c.kind === 'multistep') return new MultiStepLR(optimizer, c.milestones, c.gamma);
  if (c.kind === 'exponential') return new ExponentialLR(optimizer, c.gamma);
  if (c.kind === 'cosine') return new CosineAnnealingLR(optimizer, epochs, c.etaMin);
  return null;
}

/**
 * The auxiliary weight used during epoch `epoch` (0-based) of `epochs`: constant, or decaying from loss.aux at the
 * first epoch to 0 at the last, linearly or along a half cosine (digits first, comparison later).
 */
export function auxWeightAt(loss: LossConfig, epoch: number, epochs: number): number {
  if (loss.auxSchedule === 'constant' || epochs === 1) return loss.aux;
  const t = epoch / (epochs - 1);
  return loss.auxSchedule === 'linear' ? loss.aux * (1 - t) : loss.aux * 0.5 * (1 + Math.cos(Math.PI * t));
}
