// The run config's optimizer, learning-rate schedule and auxiliary-weight schedule, each kind against its closed form.
import { describe, expect, it } from 'vitest';
import { Adadelta, Adam, SGD, zeros } from '../../src/engine/index.js';
import type { Param } from '../../src/engine/index.js';
import type { OptimizerConfig, ScheduleConfig } from '../../src/training/config.js';
import { defaultRunConfig } from '../../src/training/defaults.js';
import { auxWeightAt, makeOptimizer, makeSchedule } from '../../src/training/optimizer.js';

const params = (): Param[] => [{ name: 'w', value: zeros([2]), grad: zeros([2]) } as unknown as Param];
const config = (over: Partial<OptimizerConfig>): OptimizerConfig => ({ ...defaultRunConfig().optimizer, ...over });

/** The learning rate of each of `epochs` epochs under schedule `c`, from lr 1. */
function lrs(c: ScheduleConfig, epochs: number): number[] {
  const opt = makeOptimizer(config({ name: 'sgd', lr: 1 }), params());
  const schedule = makeSchedule(c, opt, epochs);
  const out: number[] = [];
  for (let e = 0; e < epochs; e++) {
    out.push(opt.lr);
    schedule?.step();
  }
  return out;
}

describe('optimizer and schedules from the run config', () => {
  it('builds the named optimizer with its settings', () => {
    const sgd = makeOptimizer(config({ name: 'sgd', lr: 0.3, momentum: 0.9 }), params());
    expect(sgd).toBeInstanceOf(SGD);
    expect((sgd as SGD).momentum).toBe(0.9);
    expect(sgd.lr).toBe(0.3);
    expect(makeOptimizer(config({ name: 'adam', lr: 0.002 }), params())).toBeInstanceOf(Adam);
    const adadelta = makeOptimizer(config({ name: 'adadelta', lr: 1.5 }), params());
    expect(adadelta).toBeInstanceOf(Adadelta);
    expect(adadelta.lr).toBe(1.5);
  });

  it('steps the learning rate as each schedule kind says, or not at all', () => {
    expect(lrs({ kind: 'constant' }, 4)).toEqual([1, 1, 1, 1]);
    expect(makeSchedule({ kind: 'constant' }, makeOptimizer(config({}), params()), 3)).toBeNull();
    expect(lrs({ kind: 'step', stepSize: 2, gamma: 0.5 }, 5)).toEqual([1, 1, 0.5, 0.5, 0.25]);
    const multi = lrs({ kind: 'multistep', milestones: [1, 3], gamma: 0.1 }, 4);
    [1, 0.1, 0.1, 0.01].forEach((v, i) => expect(multi[i]).toBeCloseTo(v, 12));
    expect(lrs({ kind: 'exponential', gamma: 0.5 }, 3)).toEqual([1, 0.5, 0.25]);
    const cosine = lrs({ kind: 'cosine', etaMin: 0.1 }, 4);
    cosine.forEach((v, t) => expect(v).toBeCloseTo(0.1 + 0.9 * 0.5 * (1 + Math.cos((Math.PI * t) / 4)), 12));
  });

  it('keeps the auxiliary weight, or decays it to 0 at the last epoch linearly or along a half cosine', () => {
    const loss = (auxSchedule: 'constant' | 'linear' | 'cosine') => ({ main: 1, aux: 0.8, auxSchedule });
    expect([0, 2, 4].map((e) => auxWeightAt(loss('constant'), e, 5))).toEqual([0.8, 0.8, 0.8]);
    expect([0, 1, 2, 4].map((e) => auxWeightAt(loss('linear'), e, 5))).toEqual([0.8, 0.8 * 0.75, 0.4, 0]);
    const cos = [0, 1, 2, 4].map((e) => auxWeightAt(loss('cosine'), e, 5));
    [0.8, 0.4 * (1 + Math.SQRT1_2), 0.4, 0].forEach((v, i) => expect(cos[i]).toBeCloseTo(v, 12));
    expect(auxWeightAt(loss('linear'), 0, 1)).toBe(0.8);
    expect(auxWeightAt(loss('cosine'), 0, 1)).toBe(0.8);
  });
});
