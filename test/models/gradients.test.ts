import { describe, expect, it } from 'vitest';
import { Rng, zeros } from '../../src/engine/index.js';
import { buildModel } from '../../src/models/registry.js';
import { PairLoss } from '../../src/training/pair-loss.js';

/**
 * End-to-end gradient of the combined loss (main + aux digit losses, or 001's comparison aux head) with respect to
 * sampled parameters, against central differences: checks the tap plumbing of every digit layout ('columns',
 * 'rows', 'pair', the shared classifier behind View) and the auxMain head. Eval mode keeps dropout out of it.
 * Only linear layers are sampled: a nudge of a convolution weight moves hundreds of activations, some across a
 * ReLU or max-pool kink, which breaks finite differences (the engine's own tests check those layers). Each entry
 * is differenced with three step sizes and the closest taken (a kink spoils large steps, float32 noise in the loss
 * small ones). A unit of the batch within a step of a kink still spoils an entry now and then (whether one does
 * depends on the draw), so two thirds of a layer's sampled entries must agree; a plumbing error (missing term, wrong
 * scale or layout) is off at every entry.
 */
const LINEAR = /(^|\.)(fc\w*|head(\.fc\d)?)\.(weight|bias)$/;
const cases: [string, Record<string, string | number | boolean>][] = [
  ['convsepnet', {}],
  ['fcnet', {}],
  ['bce-mlp-aux', {}],
  ['bce-mlp-aux-siamese', {}],
  ['bce-resnet-aux', { blocks: 1, channels: 4 }],
  ['lrelu-cnn2-aux1', {}],
  ['digitcnn-ws', { auxAt: 'early' }],
  ['nll-siamese', { comparator: 'probabilistic' }],
];

describe('combined-loss gradients of zoo models', () => {
  for (const [name, options] of cases) {
    it(`${name} ${JSON.stringify(options)}`, () => {
      const rng = new Rng(11);
      const model = buildModel(name, options, rng);
      const b = 4;
      const x = zeros([b, 2, 14, 14]);
      for (let i = 0; i < x.data.length; i++) x.data[i] = rng.normal();
      const t = { target: Int32Array.from([0, 1, 1, 0]), first: Int32Array.from([1, 2, 3, 9]), second: Int32Array.from([0, 5, 3, 4]) };
      const weights = { main: 0.7, aux: 0.3 };
      const loss = new PairLoss(model.mainLoss);
      const objective = (): number => loss.forward(model.forward(x, false), t, weights).total;
      for (const p of model.params()) p.grad.data.fill(0);
      objective();
      model.backward(loss.backward());
      const bad: string[] = [];
      const checked = model.params().filter((p) => LINEAR.test(p.name));
      expect(checked.length).toBeGreaterThan(1);
      for (const p of checked) {
        const analytic = Float32Array.from(p.grad.data);
        const picks = Array.from({ length: Math.min(6, p.value.data.length) }, () => rng.int(p.value.data.length));
        const errors: number[] = [];
        let maxGrad = 0;
        for (const i of picks) {
          const orig = p.value.data[i];
          const numericAt = (eps: number): number => {
            p.value.data[i] = orig + eps;
            const hi = p.value.data[i];
            const fp = objective();
            p.value.data[i] = orig - eps;
            const lo = p.value.data[i];
            const fm = objective();
            p.value.data[i] = orig;
            return (fp - fm) / (hi - lo);
          };
          // The step closest to the analytic value: a kink spoils large steps, float32 noise small ones.
          const numeric = [1e-2, 3e-3, 1e-3].map(numericAt).reduce((a, b) => (Math.abs(b - analytic[i]) < Math.abs(a - analytic[i]) ? b : a));
          errors.push(Math.abs(numeric - analytic[i]));
          maxGrad = Math.max(maxGrad, Math.abs(numeric), Math.abs(analytic[i]));
        }
        const off = errors.filter((e) => e > 0.05 * maxGrad + 1e-4);
        if (3 * off.length > picks.length) bad.push(`${p.name}: ${off.length} of ${picks.length} entries off, |analytic - numeric| up to ${Math.max(...off).toExponential(2)}, |grad| ${maxGrad.toExponential(2)}`);
      }
      expect(bad).toEqual([]);
    });
  }
});
