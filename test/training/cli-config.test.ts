import { describe, expect, it } from 'vitest';
import { configFromFlags, type TrainCliOptions } from '../../src/cli/commands/train.js';
import { parseModelOptions, parseSet } from '../../src/cli/settings.js';
import { UsageError } from '../../src/cli/options.js';
import { defaultRunConfig } from '../../src/training/defaults.js';
import { RunConfigError } from '../../src/training/validate.js';

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
    expect(() => configFromFlags(flags({ auxSchedule: 'step' }))).toThrow('--aux-schedule: expected constant, linear or cosine, got "step"');
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

  it('--set types a field by the schema, after the other flags; the same road as the flags it is sugar for', () => {
    const c = configFromFlags(flags({ lr: '0.5', set: ['optimizer.lr=0.01', 'model.options.dropout=0.1', 'data.augment.swap=true', 'auxFraction=0.5'] }));
    expect(c.optimizer.lr).toBe(0.01);
    expect(c.modelOptions).toEqual({ dropout: 0.1 });
    expect(c.data.augment.swap).toBe(true);
    expect(c.loss).toMatchObject({ main: 0.5, aux: 0.25 });
    expect(configFromFlags(flags({ set: ['optimizer.name=sgd'] })).optimizer).toMatchObject({ name: 'sgd', lr: 0.01 });
    expect(configFromFlags(flags({ set: ['schedule={"kind":"step","stepSize":5,"gamma":0.5}', 'schedule.gamma=0.2'] })).schedule).toEqual({ kind: 'step', stepSize: 5, gamma: 0.2 });
    expect(configFromFlags(flags({ set: ['data.holdout={"folds":5,"fold":2}'] })).data.holdout).toEqual({ folds: 5, fold: 2 });
    // Sugar and --set give one config: the flags are settings too.
    expect(configFromFlags(flags({ epochs: '3', optimizer: 'adadelta', auxFraction: '0.5' }))).toEqual(configFromFlags(flags({ set: ['epochs=3', 'optimizer.name=adadelta', 'auxFraction=0.5'] })));
  });

  it('--set rejects unknown fields and ill-typed values as usage errors naming the field', () => {
    expect(() => parseSet('optimizer.rate=1')).toThrow(/^--set optimizer\.rate: unknown RunConfig field 'optimizer\.rate' \(known here: name, lr, eps/);
    expect(() => parseSet('optimizer.lr=fast')).toThrow('--set optimizer.lr: expected a finite number > 0, got "fast"');
    expect(() => parseSet('epochs=2.5')).toThrow('--set epochs: expected a positive integer, got "2.5"');
    expect(() => parseSet('data.standardize=yes')).toThrow('--set data.standardize: expected true or false, got "yes"');
    expect(() => parseSet('data.holdout={"folds":1,"fold":0}')).toThrow('--set data.holdout: data.holdout.folds must be an integer >= 2, got "{"folds":1,"fold":0}"');
    expect(() => parseSet('optimizer.betas=0.9')).toThrow('--set optimizer.betas: expected two numbers in [0, 1) (as JSON), got "0.9"');
    expect(() => parseSet('lr')).toThrow('--set: expected FIELD=VALUE (e.g. optimizer.lr=0.01), got "lr"');
    expect(() => parseSet('nope=1')).toThrow(UsageError);
    // A rule tying fields together is checked on the whole config, naming the field.
    expect(() => configFromFlags(flags({ set: ['schedule.gamma=0.5'] }))).toThrow(RunConfigError);
    expect(() => configFromFlags(flags({ set: ['optimizer.nesterov=true'] }))).toThrow(/'optimizer\.nesterov' must be false unless momentum > 0/);
  });

  it('applies flags over a stored config (--config) and leaves it exact without flags', () => {
    const stored = configFromFlags(flags({ model: 'fcnet', epochs: '3', set: ['data.augment.rotate=10'] }));
    expect(configFromFlags({ option: [] }, stored)).toEqual(stored);
    expect(configFromFlags({ option: [], set: ['seed=4'] }, stored)).toEqual({ ...stored, seed: 4 });
    expect(stored).not.toEqual(defaultRunConfig());
  });
});
