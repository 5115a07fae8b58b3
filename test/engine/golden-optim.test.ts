// Optimizers and schedules against PyTorch 1.13 (fixture: tools/golden/make_fixtures.py -> optim.json).
import { describe, expect, it } from 'vitest';
import type { Param } from '../../src/engine/module.js';
import { zeros } from '../../src/engine/tensor.js';
import {
  Adadelta,
  Adam,
  CosineAnnealingLR,
  ExponentialLR,
  MultiStepLR,
  type Optimizer,
  SGD,
  StepLR,
} from '../../src/engine/optim/index.js';
import { type FixtureTensor, expectClose, readFixture, toTensor } from './golden-fixture.js';

type TorchOptions = Record<string, number | boolean | number[]>;

interface OptimizerCase {
  name: string;
  optimizer: 'SGD' | 'Adam' | 'Adadelta';
  options: TorchOptions;
  params: FixtureTensor[];
  steps: { grads: FixtureTensor[]; params: FixtureTensor[] }[];
}

interface ScheduleCase {
  name: string;
  schedule: 'StepLR' | 'MultiStepLR' | 'ExponentialLR' | 'CosineAnnealingLR';
  options: TorchOptions;
  initialLr: number;
  lrs: number[];
}

const fixture = readFixture<{ optimizers: OptimizerCase[]; schedules: ScheduleCase[] }>('optim.json');

function makeOptimizer(c: OptimizerCase, params: Param[]): Optimizer {
  const o = c.options;
  const num = (key: string): number | undefined => o[key] as number | undefined;
  switch (c.optimizer) {
    case 'SGD':
      return new SGD(params, {
        lr: o.lr as number,
        momentum: num('momentum'),
        dampening: num('dampening'),
        nesterov: o.nesterov as boolean | undefined,
        weightDecay: num('weight_decay'),
      });
    case 'Adam':
      return new Adam(params, {
        lr: num('lr'),
        betas: o.betas as [number, number] | undefined,
        eps: num('eps'),
        weightDecay: num('weight_decay'),
      });
    case 'Adadelta':
      return new Adadelta(params, { lr: num('lr'), rho: num('rho'), eps: num('eps'), weightDecay: num('weight_decay') });
  }
}

/** Relative error of our update (ours - before) against PyTorch's (torch - before), scaled by PyTorch's largest. */
function updateError(before: FixtureTensor, ours: Float32Array, torch: FixtureTensor): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < ours.length; i++) {
    diff = Math.max(diff, Math.abs(ours[i] - torch.data[i]));
    scale = Math.max(scale, Math.abs(torch.data[i] - before.data[i]));
  }
  return diff / scale;
}

describe('optimizers match PyTorch 1.13 over three steps', () => {
  it.each(fixture.optimizers.map((c) => [c.name, c] as const))('%s', (_, c) => {
    const params: Param[] = c.params.map((t, i) => ({ name: `p${i}`, value: toTensor(t), grad: zeros(t.shape) }));
    const opt = makeOptimizer(c, params);
    let before = c.params;
    c.steps.forEach((step, s) => {
      params.forEach((p, i) => p.grad.data.set(step.grads[i].data));
      opt.step();
      params.forEach((p, i) => {
        expectClose(`${c.name} step ${s + 1} param ${i}`, p.value, step.params[i]);
        // The update itself to 1e-4 (far finer than 1e-4 of the weights) catches formula slips such as eps
        // inside the square root; measured errors are ~1e-6, float32 rounding of the weights.
        expect(updateError(before[i], p.value.data, step.params[i]), `${c.name} step ${s + 1} update ${i}`).toBeLessThan(1e-4);
      });
      before = step.params;
    });
  });
});

describe('schedules give PyTorch 1.13 lr sequences', () => {
  it.each(fixture.schedules.map((c) => [c.name, c] as const))('%s', (_, c) => {
    const opt = new SGD([{ name: 'w', value: zeros([1]), grad: zeros([1]) }], { lr: c.initialLr });
    const o = c.options;
    const schedule =
      c.schedule === 'StepLR'
        ? new StepLR(opt, o.step_size as number, o.gamma as number)
        : c.schedule === 'MultiStepLR'
          ? new MultiStepLR(opt, o.milestones as number[], o.gamma as number)
          : c.schedule === 'ExponentialLR'
            ? new ExponentialLR(opt, o.gamma as number)
            : new CosineAnnealingLR(opt, o.T_max as number, (o.eta_min as number | undefined) ?? 0);
    const lrs = [opt.lr];
    for (let e = 1; e < c.lrs.length; e++) {
      opt.step();
      schedule.step();
      lrs.push(opt.lr);
    }
    // Same double-precision multiplications as PyTorch's chainable form, so equal to the last bit.
    expect(lrs).toEqual(c.lrs);
  });
});
