import { describe, expect, it } from 'vitest';
import { Rng, zeros } from '../../src/engine/index.js';
import { buildModel, resolveModelOptions, ZOO } from '../../src/models/registry.js';
import { REPORT_ROWS } from '../../src/models/report-rows.js';
import { checkOverrides } from '../../src/studies/overrides.js';

function randomInput(b: number, rng: Rng) {
  const x = zeros([b, 2, 14, 14]);
  for (let i = 0; i < x.data.length; i++) x.data[i] = rng.normal();
  return x;
}

describe('model zoo', () => {
  it('report 000 parameter counts equal Table I exactly', () => {
    const rng = new Rng(1);
    const counts = Object.fromEntries(['fcnet', 'convnet', 'convsepnet', 'finalnet'].map((n) => [n, buildModel(n, {}, rng).parameterCount()]));
    expect(counts).toEqual({ fcnet: 82662, convnet: 85878, convsepnet: 84950, finalnet: 365350 });
  });

  it('every count a report prints matches, except report 001 whose table contradicts its layer list', () => {
    const rng = new Rng(2);
    for (const e of ZOO.filter((z) => z.reportParameters !== null && (z.report !== '001' || z.name === 'lrelu-mlp'))) {
      expect([e.name, buildModel(e.name, {}, rng).parameterCount()]).toEqual([e.name, e.reportParameters]);
    }
    expect(buildModel('digitcnn-ws-bn-dropout', {}, rng).parameterCount()).toBe(76846);
    expect(buildModel('digitcnn-ws', { batchNorm: true, dropout: true }, rng).parameterCount()).toBe(76846);
  });

  for (const entry of ZOO) {
    it(`${entry.name}: forward shapes, backward runs, eval is deterministic`, () => {
      const rng = new Rng(3);
      const model = buildModel(entry.name, {}, rng);
      const x = randomInput(3, rng);
      const out = model.forward(x, true);
      const mainWidth = model.mainLoss === 'bce' ? 1 : 2;
      expect(out.main.shape).toEqual([3, mainWidth]);
      expect(Boolean(out.digits)).toBe(model.hasDigits);
      if (out.digits) for (const d of out.digits) expect(d.shape).toEqual([3, 10]);
      if (out.auxMain) expect(out.auxMain.shape).toEqual([3, 2]);
      const ones = (s: number[]) => ({ data: new Float32Array(s[0] * s[1]).fill(0.1), shape: s });
      model.backward({ main: ones([3, mainWidth]), digits: out.digits && [ones([3, 10]), ones([3, 10])], auxMain: out.auxMain && ones([3, 2]) });
      expect(model.params().some((p) => p.grad.data.some((g) => g !== 0))).toBe(true);
      const a = Float32Array.from(model.forward(x, false).main.data);
      const b = model.forward(x, false).main.data;
      expect(Array.from(b)).toEqual(Array.from(a));
      expect(a.every(Number.isFinite)).toBe(true);
    });
  }

  it('the probabilistic comparator replaces the learned head without parameters', () => {
    const rng = new Rng(4);
    const learned = buildModel('convsepnet', {}, rng);
    const prob = buildModel('convsepnet', { comparator: 'probabilistic' }, rng);
    expect(learned.parameterCount() - prob.parameterCount()).toBe(20 * 10 + 10 + 10 * 2 + 2);
    const withOption = ZOO.filter((e) => 'comparator' in e.options);
    expect(withOption.length).toBeGreaterThanOrEqual(14);
    for (const e of withOption) {
      const m = buildModel(e.name, { comparator: 'probabilistic' }, rng);
      expect([e.name, m.mainLoss, m.hasDigits]).toEqual([e.name, 'nll', true]);
      expect(m.parameterCount()).toBeLessThan(buildModel(e.name, {}, rng).parameterCount());
      const out = m.forward(randomInput(2, rng), false).main.data;
      for (let i = 0; i < 2; i++) expect(Math.exp(out[2 * i]) + Math.exp(out[2 * i + 1])).toBeCloseTo(1, 5);
    }
  });

  it('rejects unknown models and bad options by name', () => {
    expect(() => buildModel('nope', {}, new Rng(0))).toThrow(/unknown model 'nope'.*convsepnet/);
    expect(() => resolveModelOptions('convsepnet', { dropuot: 0.1 })).toThrow(/unknown option 'dropuot'.*dropout/);
    expect(() => resolveModelOptions('convsepnet', { dropout: 2 })).toThrow(/option 'dropout' must be <= 1, got 2/);
    expect(() => resolveModelOptions('digitcnn-ws', { auxAt: 'middle' })).toThrow(/auxAt.*late, early.*"middle"/);
  });

  it('every report row names a zoo model with options it takes and overrides a study accepts', () => {
    for (const r of REPORT_ROWS) {
      expect(() => resolveModelOptions(r.model, r.modelOptions), r.row).not.toThrow();
      expect(() => checkOverrides(r.overrides, r.row, 'src/models/report-rows.ts'), r.row).not.toThrow();
    }
    expect(() => checkOverrides({ ensemble: 0 }, 'a row', 'report-rows.ts')).toThrow(/ensemble/);
  });
});
