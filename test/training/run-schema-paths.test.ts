// The RunConfig schema's own rules and its path tools: the rules that tie fields together, the node at a dotted path,
// THE merge (optimizer switches, whole-replaced unions), setting one field by path, and the settable paths.
import { describe, expect, it } from 'vitest';
import type { RunConfig } from '../../src/training/config.js';
import { defaultRunConfig } from '../../src/training/defaults.js';
import { OPTIMIZERS, checkSetting, mergeConfig, nodeAt, setPath, settablePaths } from '../../src/training/run-schema.js';
import { RunConfigError, resolveRunConfig, validateRunConfig } from '../../src/training/validate.js';

const base = (): RunConfig => defaultRunConfig();

describe('rules that tie fields together', () => {
  it('nesterov needs momentum > 0 and dampening 0', () => {
    const sgd = (momentum: number, dampening: number) => resolveRunConfig(base(), { optimizer: { name: 'sgd', momentum, dampening, nesterov: true } });
    expect(() => sgd(0, 0)).toThrow("RunConfig field 'optimizer.nesterov' must be false unless momentum > 0 and dampening = 0, got true");
    expect(() => sgd(0.9, 0.1)).toThrow("RunConfig field 'optimizer.nesterov' must be false unless momentum > 0 and dampening = 0, got true");
    expect(sgd(0.9, 0).optimizer.nesterov).toBe(true);
  });

  it('a holdout needs at least as many training pairs as folds', () => {
    const holdout = (trainPairs: number) => resolveRunConfig(base(), { data: { trainPairs, holdout: { folds: 5, fold: 0 } } });
    expect(() => holdout(4)).toThrow("RunConfig field 'data.trainPairs' must be at least data.holdout.folds (5), got 4");
    expect(holdout(5).data.trainPairs).toBe(5);
  });

  it("a bad model option is the zoo's message, under the model field", () => {
    const err = (() => {
      try {
        resolveRunConfig(base(), { model: 'fcnet', modelOptions: { nonsense: 1 } });
      } catch (e) {
        return e as Error;
      }
      return null;
    })();
    expect(err).toBeInstanceOf(RunConfigError);
    expect(err!.name).toBe('RunConfigError');
    expect(err!.message).toMatch(/^RunConfig field 'model': .*nonsense/);
  });

  it("resolves an old data source alias to its current name, and leaves other errors alone", () => {
    expect(resolveRunConfig(base(), { data: { source: 'embedded' } }).data.source).toBe('mnist');
    expect(() => validateRunConfig(null as unknown as RunConfig)).toThrow("RunConfig field '' must be an object, got null");
  });
});

describe('paths into the schema', () => {
  it('finds the node at a dotted path, through unions, nullables, options and aliases', () => {
    expect(nodeAt('optimizer.lr')?.kind).toBe('number');
    expect(nodeAt('schedule.gamma')?.kind).toBe('number');
    expect(nodeAt('schedule.kind')).toMatchObject({ kind: 'enum', values: ['constant', 'step', 'multistep', 'exponential', 'cosine'] });
    expect(nodeAt('schedule.nothing')).toBeUndefined();
    expect(nodeAt('data.holdout.folds')?.kind).toBe('number');
    expect(nodeAt('model.options.dropout')?.kind).toBe('options');
    expect(nodeAt('modelOptions.dropout')?.kind).toBe('options');
    expect(nodeAt('epochs.x')).toBeUndefined();
    expect(nodeAt('nope')).toBeUndefined();
  });

  it('merges objects key by key, options key by key, and replaces unions whole', () => {
    const withSchedule = mergeConfig(base(), { schedule: { kind: 'step', stepSize: 3, gamma: 0.5 }, modelOptions: { a: 1, b: 2 } });
    const merged = mergeConfig(withSchedule, { schedule: { kind: 'cosine', etaMin: 0 }, modelOptions: { b: 3 } });
    expect(merged.schedule).toEqual({ kind: 'cosine', etaMin: 0 });
    expect(merged.modelOptions).toEqual({ a: 1, b: 3 });
    expect(mergeConfig(base(), { optimizer: { lr: 0.5 } }).optimizer.eps).toBe(base().optimizer.eps);
    expect(mergeConfig({ a: 1 }, 'x')).toBe('x');
    expect(mergeConfig(base(), undefined)).toEqual(base());
  });

  it("switching optimizer starts from the new one's defaults; the same name or an unknown one keeps the values", () => {
    const tuned = mergeConfig(base(), { optimizer: { name: 'adam', lr: 0.123, eps: 1e-3 } });
    const sgd = mergeConfig(tuned, { optimizer: { name: 'sgd' } });
    expect(sgd.optimizer).toMatchObject({ name: 'sgd', lr: OPTIMIZERS.sgd.lr, eps: OPTIMIZERS.sgd.eps });
    expect(mergeConfig(tuned, { optimizer: { name: 'adam' } }).optimizer.lr).toBe(0.123);
    expect(mergeConfig(tuned, { optimizer: { name: 'lbfgs' } }).optimizer.lr).toBe(0.123);
    expect(mergeConfig(tuned, { optimizer: { name: 'sgd', lr: 0.7 } }).optimizer.lr).toBe(0.7);
  });

  it('sets one field by path: inside a whole-replaced union it edits the current value; virtual fields expand', () => {
    const stepped = setPath(base(), 'schedule', { kind: 'step', stepSize: 3, gamma: 0.5 });
    expect(setPath(stepped, 'schedule.gamma', 0.1).schedule).toEqual({ kind: 'step', stepSize: 3, gamma: 0.1 });
    expect(setPath(base(), 'data.holdout.fold', 2).data.holdout).toEqual({ fold: 2 });
    expect(setPath(base(), 'auxFraction', 0.5).loss).toMatchObject({ main: 0.5, aux: 0.25 });
    expect(setPath(base(), 'model.options.dropout', 0.3).modelOptions).toMatchObject({ dropout: 0.3 });
  });

  it('checks a setting by its path: virtual bounds, schema fields, and unions left to the merged check', () => {
    expect(() => checkSetting('auxFraction', 1.5)).toThrow('auxFraction: must be a number in [0, 1]');
    expect(() => checkSetting('optimizer.lr', -1)).toThrow('optimizer.lr: must be a finite number > 0');
    expect(() => checkSetting('schedule.gamma', -1)).not.toThrow();
    expect(() => checkSetting('epochs', 10)).not.toThrow();
  });

  it('lists every path a single value can be set at, and no object, list or tuple', () => {
    const paths = settablePaths();
    for (const p of ['auxFraction', 'optimizer.lr', 'optimizer.nesterov', 'schedule.gamma', 'schedule.stepSize', 'data.holdout.folds', 'loss.auxSchedule', 'model', 'epochs']) expect(paths).toContain(p);
    for (const p of ['optimizer', 'optimizer.betas', 'modelOptions', 'schedule', 'schedule.milestones', 'data', 'data.holdout']) expect(paths).not.toContain(p);
  });
});
