import { describe, expect, it } from 'vitest';
import { fromArray } from '../../src/engine/index.js';
import { PairLoss, predictTarget } from '../../src/training/pair-loss.js';

const ce = (logits: number[], k: number): number => Math.log(logits.reduce((s, v) => s + Math.exp(v), 0)) - logits[k];
const softplus = (x: number): number => Math.log1p(Math.exp(x));

describe('PairLoss', () => {
  const main = fromArray([2, 2], [0.5, -0.5, 1, 2]);
  const d1 = fromArray([2, 10], Array.from({ length: 20 }, (_, i) => Math.sin(i)));
  const d2 = fromArray([2, 10], Array.from({ length: 20 }, (_, i) => Math.cos(i)));
  const targets = { target: Int32Array.from([0, 1]), first: Int32Array.from([3, 9]), second: Int32Array.from([1, 9]) };
  const rows = (t: { data: Float32Array }, r: number): number[] => Array.from(t.data.subarray(r * 10, r * 10 + 10));

  it("report 000's (1 - f) main + f/2 (aux1 + aux2) on known numbers", () => {
    const f = 0.5;
    const v = new PairLoss('ce').forward({ main, digits: [d1, d2] }, targets, { main: 1 - f, aux: f / 2 });
    const mainLoss = (ce([0.5, -0.5], 0) + ce([1, 2], 1)) / 2;
    const aux1 = (ce(rows(d1, 0), 3) + ce(rows(d1, 1), 9)) / 2;
    const aux2 = (ce(rows(d2, 0), 1) + ce(rows(d2, 1), 9)) / 2;
    expect(v.main).toBeCloseTo(mainLoss, 6);
    expect(v.aux).toBeCloseTo(aux1 + aux2, 6);
    expect(v.total).toBeCloseTo(0.5 * mainLoss + 0.25 * (aux1 + aux2), 6);
  });

  it("report 003's BCE on two sigmoid outputs + alpha CE, and the gradients scale with the weights", () => {
    const loss = new PairLoss('bce-onehot');
    const v = loss.forward({ main, digits: [d1, d2] }, targets, { main: 1, aux: 0.7 });
    // one-hot targets [1, 0] and [0, 1]; BCE(x, t) = softplus(x) - x t, mean over the 4 values
    const bce = (softplus(0.5) - 0.5 + softplus(-0.5) + softplus(1) + softplus(2) - 2) / 4;
    expect(v.main).toBeCloseTo(bce, 6);
    const g = loss.backward();
    const sig = (x: number): number => 1 / (1 + Math.exp(-x));
    expect(g.main.data[0]).toBeCloseTo((sig(0.5) - 1) / 4, 6);
    expect(g.main.shape).toEqual([2, 2]);
    const p = Math.exp(d1.data[0]) / rows(d1, 0).reduce((s, x) => s + Math.exp(x), 0);
    expect(g.digits![0].data[0]).toBeCloseTo((0.7 * p) / 2, 6);
  });

  it('adds the auxiliary comparison head (auxMain) to the digit losses, and its gradient scales with the aux weight', () => {
    const auxMain = fromArray([2, 2], [0.2, 0.9, -1, 0.3]);
    const loss = new PairLoss('ce');
    const v = loss.forward({ main, digits: [d1, d2], auxMain }, targets, { main: 1, aux: 0.4 });
    const aux1 = (ce(rows(d1, 0), 3) + ce(rows(d1, 1), 9)) / 2;
    const aux2 = (ce(rows(d2, 0), 1) + ce(rows(d2, 1), 9)) / 2;
    const head = (ce([0.2, 0.9], 0) + ce([-1, 0.3], 1)) / 2;
    expect(v.aux).toBeCloseTo(aux1 + aux2 + head, 6);
    const alone = new PairLoss('ce').forward({ main, digits: null, auxMain }, targets, { main: 1, aux: 0.4 });
    expect(alone.aux).toBeCloseTo(head, 6);
    const g = loss.backward();
    const p0 = Math.exp(0.2) / (Math.exp(0.2) + Math.exp(0.9));
    expect(g.auxMain!.data[0]).toBeCloseTo((0.4 * (p0 - 1)) / 2, 6);
  });

  it('skips the digit losses when their weight is 0, and predicts from either output kind', () => {
    const loss = new PairLoss('nll');
    const v = loss.forward({ main: fromArray([2, 2], [-0.1, -2.3, -1.6, -0.2]), digits: [d1, d2] }, targets, { main: 1, aux: 0 });
    expect(v).toEqual({ total: expect.closeTo(0.15, 6), main: expect.closeTo(0.15, 6), aux: 0 });
    expect(loss.backward().digits).toBeUndefined();
    expect(predictTarget('ce', main, 0)).toBe(0);
    expect(predictTarget('ce', main, 1)).toBe(1);
    expect(predictTarget('bce', fromArray([2, 1], [-0.2, 0.3]), 0)).toBe(0);
    expect(predictTarget('bce', fromArray([2, 1], [-0.2, 0.3]), 1)).toBe(1);
  });

  it('predicts 0 on a tie, as torch.argmax (first index) and sigmoid(x) > 0.5', () => {
    expect(predictTarget('ce', fromArray([1, 2], [0.25, 0.25]), 0)).toBe(0);
    expect(predictTarget('nll', fromArray([1, 2], [-0.7, -0.7]), 0)).toBe(0);
    expect(predictTarget('bce', fromArray([1, 1], [0]), 0)).toBe(0);
  });

  it('one-logit BCE on known numbers, across batch sizes, with a gradient of the output\'s shape', () => {
    const loss = new PairLoss('bce');
    const sig = (x: number): number => 1 / (1 + Math.exp(-x));
    for (const [logits, target] of [[[-0.2, 0.3], [0, 1]], [[1.5, -1, 0.1], [1, 1, 0]]] as const) {
      const b = logits.length;
      const t = { target: Int32Array.from(target), first: new Int32Array(b), second: new Int32Array(b) };
      const v = loss.forward({ main: fromArray([b, 1], [...logits]) }, t, { main: 0.5, aux: 0 });
      const want = logits.reduce((s, x, i) => s + softplus(x) - x * target[i], 0) / b;
      expect(v.main).toBeCloseTo(want, 6);
      expect(v.total).toBeCloseTo(0.5 * want, 6);
      const g = loss.backward().main;
      expect(g.shape).toEqual([b, 1]);
      logits.forEach((x, i) => expect(g.data[i]).toBeCloseTo((0.5 * (sig(x) - target[i])) / b, 6));
    }
  });

  it('refuses a bce-onehot output that is not [B, 2], and a backward before any forward', () => {
    const t = { target: Int32Array.from([0, 1]), first: new Int32Array(2), second: new Int32Array(2) };
    expect(() => new PairLoss('bce-onehot').forward({ main: fromArray([2, 1], [0, 1]) }, t, { main: 1, aux: 0 }))
      .toThrow('main loss bce-onehot: expected [B, 2], got [2, 1]');
    expect(() => new PairLoss('ce').backward()).toThrow('PairLoss: backward called before forward');
  });
});
