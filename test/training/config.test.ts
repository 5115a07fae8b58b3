import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { defaultRunConfig, optimizerDefaults } from '../../src/training/defaults.js';
import { auxWeightAt } from '../../src/training/optimizer.js';
import { OPTIMIZER_NAMES, checkSetting, mergeConfig, nodeAt, setPath } from '../../src/training/run-schema.js';
import { deepMerge, resolveRunConfig, validateRunConfig } from '../../src/training/validate.js';
import { configHash } from '../../src/studies/plan.js';
import { PAIRNET_VERSION } from '../../src/training/version.js';

describe('RunConfig', () => {
  it('defaults are valid and overrides merge deeply without touching the defaults', () => {
    const d = defaultRunConfig();
    expect(validateRunConfig(d)).toBe(d);
    const c = resolveRunConfig(d, { optimizer: { lr: 0.01 }, data: { augment: { swap: true } } }, { loss: { aux: 0.25, main: 0.5 } });
    expect(c.optimizer).toEqual({ ...d.optimizer, lr: 0.01 });
    expect(c.data.augment).toEqual({ translate: 0, swap: true, repair: false });
    expect(c.loss).toEqual({ main: 0.5, aux: 0.25, auxSchedule: 'constant' });
    expect(d.optimizer.lr).toBe(1e-3);
  });

  it('replaces unions as a whole', () => {
    const step = resolveRunConfig(defaultRunConfig(), { schedule: { kind: 'step', stepSize: 5, gamma: 0.5 } });
    expect(resolveRunConfig(step, { schedule: { kind: 'constant' } }).schedule).toEqual({ kind: 'constant' });
    expect(deepMerge({ a: [1, 2], b: { c: 1 } }, { a: [3] })).toEqual({ a: [3], b: { c: 1 } });
  });

  it.each([
    [{ optimizer: { lr: -1 } }, /'optimizer\.lr' must be a finite number > 0, got -1/],
    [{ batchSize: 2.5 }, /'batchSize' must be a positive integer, got 2\.5/],
    [{ epochs: 0 }, /'epochs' must be a positive integer, got 0/],
    [{ optimizer: { name: 'rmsprop' } }, /'optimizer\.name' must be adam, sgd or adadelta, got "rmsprop"/],
    [{ loss: { auxSchedule: 'step' } }, /'loss\.auxSchedule' must be constant, linear or cosine, got "step"/],
    [{ data: { holdout: { folds: 5, fold: 5 } } }, /'data\.holdout\.fold' must be an integer in 0\.\.4, got 5/],
    [{ data: { trainPairs: 'many' } }, /'data\.trainPairs' must be a positive integer, got "many"/],
    [{ schedule: { kind: 'multistep', milestones: [10, 5], gamma: 0.1 } }, /'schedule\.milestones' must be increasing positive integers, got \[10,5\]/],
    [{ model: 'resnet50' }, /unknown model 'resnet50'/],
    [{ modelOptions: { dropout: -0.5 } }, /option 'dropout' must be >= 0, got -0\.5/],
    [{ lr: 0.1 }, /'lr' must be absent \(unknown field/],
    [{ loss: { main: 0, aux: 0 } }, /'loss\.main' must be > 0 when loss\.aux is 0/],
  ])('rejects %j naming the field and value', (override, message) => {
    expect(() => resolveRunConfig(defaultRunConfig(), override)).toThrow(message);
  });

  it("derives the defaults from the schema, byte for byte the defaults every stored hash was made from", () => {
    const d = defaultRunConfig();
    expect(JSON.stringify(d)).toBe(
      '{"model":"convsepnet","modelOptions":{},"data":{"source":"mnist","trainPairs":1000,"testPairs":1000,"standardize":true,' +
        '"augment":{"translate":0,"swap":false,"repair":false},"holdout":null},"optimizer":{"name":"adam","lr":0.001,"eps":1e-8,' +
        '"momentum":0,"dampening":0,"nesterov":false,"weightDecay":0,"betas":[0.9,0.999],"rho":0.9},"schedule":{"kind":"constant"},' +
        '"loss":{"main":1,"aux":0,"auxSchedule":"constant"},"batchSize":25,"epochs":25,"evalEveryEpoch":true,"seed":0}',
    );
    expect(configHash(d)).toBe(configHash(JSON.parse(JSON.stringify(d))));
    expect(OPTIMIZER_NAMES).toEqual(['adam', 'sgd', 'adadelta']);
    expect(JSON.stringify(optimizerDefaults('adadelta'))).toBe(
      '{"name":"adadelta","lr":1,"eps":0.000001,"momentum":0,"dampening":0,"nesterov":false,"weightDecay":0,"betas":[0.9,0.999],"rho":0.9}',
    );
  });

  it('has one merge: model options key by key, another optimizer from its own defaults, unions whole', () => {
    const d = defaultRunConfig();
    const c = mergeConfig(mergeConfig(d, { model: 'fcnet', modelOptions: { dropout: 0.1 } }), { modelOptions: { hidden: 32 } });
    expect(c.modelOptions).toEqual({ dropout: 0.1, hidden: 32 });
    expect(mergeConfig(d, { optimizer: { name: 'adadelta' } }).optimizer).toMatchObject({ name: 'adadelta', lr: 1, eps: 1e-6 });
    expect(mergeConfig(d, { optimizer: { name: 'sgd', momentum: 0.9 } }).optimizer).toMatchObject({ name: 'sgd', lr: 0.01, momentum: 0.9 });
    expect(mergeConfig(d, { optimizer: { lr: 0.5 } }).optimizer).toMatchObject({ name: 'adam', lr: 0.5, eps: 1e-8 });
    expect(resolveRunConfig(d, { data: { holdout: { folds: 5, fold: 1 } } }, { data: { holdout: { folds: 3, fold: 0 } } }).data.holdout).toEqual({ folds: 3, fold: 0 });
    expect(d).toEqual(defaultRunConfig());
  });

  it('sets one field by dotted path: virtual auxFraction, the model.options alias, inside a union', () => {
    const d = defaultRunConfig();
    expect(setPath(d, 'auxFraction', 0.5).loss).toEqual({ main: 0.5, aux: 0.25, auxSchedule: 'constant' });
    expect(setPath(d, 'model.options.dropout', 0.1).modelOptions).toEqual({ dropout: 0.1 });
    const step = setPath(d, 'schedule', { kind: 'step', stepSize: 5, gamma: 0.5 });
    expect(setPath(step, 'schedule.gamma', 0.1).schedule).toEqual({ kind: 'step', stepSize: 5, gamma: 0.1 });
    expect(nodeAt('optimizer.lr')).toMatchObject({ kind: 'number' });
    expect(nodeAt('optimizer.rate')).toBeUndefined();
    expect(() => checkSetting('optimizer.rate', 1)).toThrow(/optimizer\.rate: must be absent \(unknown field; known: name, lr/);
    expect(() => checkSetting('auxFraction', 2)).toThrow(/auxFraction: must be a number in \[0, 1\]/);
    expect(() => checkSetting('epochs', 2.5)).toThrow(/epochs: must be a positive integer/);
  });

  it('aux-weight schedules start at the configured weight and decay to 0', () => {
    const loss = { main: 1, aux: 0.5, auxSchedule: 'linear' as const };
    expect([0, 2, 4].map((e) => auxWeightAt(loss, e, 5))).toEqual([0.5, 0.25, 0]);
    const cos = { ...loss, auxSchedule: 'cosine' as const };
    expect(auxWeightAt(cos, 0, 5)).toBe(0.5);
    expect(auxWeightAt(cos, 2, 5)).toBeCloseTo(0.25, 12);
    expect(auxWeightAt(cos, 4, 5)).toBeCloseTo(0, 12);
    expect(auxWeightAt({ ...loss, auxSchedule: 'constant' }, 4, 5)).toBe(0.5);
  });

  it("the recorded version is package.json's", () => {
    expect(PAIRNET_VERSION).toBe(JSON.parse(readFileSync('package.json', 'utf8')).version);
  });
});
