import { describe, expect, it } from 'vitest';
import { configFromFlags, parseModelOptions, type TrainCliOptions } from '../../src/cli/commands/train.js';

const flags = (o: Partial<TrainCliOptions>): TrainCliOptions => ({ model: 'convsepnet', option: [], ...o });

describe('pairnet train flags -> RunConfig', () => {
  it("maps report 000's aux fraction and the optimizer's PyTorch defaults", () => {
    const c = configFromFlags(flags({ auxFraction: '0.5', optimizer: 'adadelta', epochs: '3', batchSize: '100', seed: '7' }));
    expect(c.loss).toEqual({ main: 0.5, aux: 0.25, auxSchedule: 'constant' });
    expect(c.optimizer).toMatchObject({ name: 'adadelta', lr: 1, eps: 1e-6 });
    expect([c.epochs, c.batchSize, c.seed]).toEqual([3, 100, 7]);
    expect(configFromFlags(flags({ optimizer: 'sgd', lr: '0.05', auxWeight: '1' }))).toMatchObject({ optimizer: { name: 'sgd', lr: 0.05 }, loss: { main: 1, aux: 1 } });
  });

  it("sets report 000's lr drop and the aux schedule", () => {
    const c = configFromFlags(flags({ epochs: '200', lrMilestones: '100', auxSchedule: 'cosine' }));
    expect(c.schedule).toEqual({ kind: 'multistep', milestones: [100], gamma: 0.1 });
    expect(c.loss.auxSchedule).toBe('cosine');
    expect(() => configFromFlags(flags({ auxSchedule: 'step' }))).toThrow(/'loss\.auxSchedule' must be constant, linear or cosine, got "step"/);
    expect(() => configFromFlags(flags({ lrGamma: '0.5' }))).toThrow('--lr-gamma: needs --lr-milestones');
  });

  it('sets a cosine lr schedule and training augmentation, absent fields left out (old hashes kept)', () => {
    const c = configFromFlags(flags({ cosine: true, augment: 'translate=2,swap,repair,rotate=10,scale=0.1' }));
    expect(c.schedule).toEqual({ kind: 'cosine', etaMin: 0 });
    expect(c.data.augment).toEqual({ translate: 2, swap: true, repair: true, rotate: 10, scale: 0.1 });
    expect(configFromFlags(flags({ augment: 'swap' })).data.augment).toEqual({ translate: 0, swap: true, repair: false });
    expect('rotate' in configFromFlags(flags({})).data.augment).toBe(false);
    expect(() => configFromFlags(flags({ augment: 'spin=3' }))).toThrow('--augment: unknown item "spin=3"');
    expect(() => configFromFlags(flags({ augment: 'rotate=200' }))).toThrow(/'data\.augment\.rotate' must be a number of degrees in 0\.\.180, got 200/);
    expect(() => configFromFlags(flags({ cosine: true, lrMilestones: '5' }))).toThrow('--cosine and --lr-milestones: give one of them');
  });

  it('parses model options and rejects bad flags by name', () => {
    expect(parseModelOptions(['comparator=probabilistic', 'dropout=0.25', 'batchNorm=true'])).toEqual({ comparator: 'probabilistic', dropout: 0.25, batchNorm: true });
    expect(() => configFromFlags(flags({ epochs: '2.5' }))).toThrow('--epochs: expected a positive integer, got "2.5"');
    expect(() => configFromFlags(flags({ optimizer: 'lbfgs' }))).toThrow('--optimizer: expected adam, sgd or adadelta, got "lbfgs"');
    expect(() => configFromFlags(flags({ auxFraction: '1.5' }))).toThrow('--aux-fraction: expected a number in [0, 1], got "1.5"');
    expect(() => configFromFlags(flags({ auxFraction: '0.5', auxWeight: '1' }))).toThrow(/give one of them/);
    expect(() => configFromFlags(flags({ option: ['dropout'] }))).toThrow('--option: expected key=value, got "dropout"');
    expect(() => configFromFlags(flags({ option: ['width=3'] }))).toThrow(/unknown option 'width'/);
  });

});
