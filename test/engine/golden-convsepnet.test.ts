// End to end against PyTorch 1.13: the zoo's ConvSepNet with auxiliary losses (loss 0.5 main + 0.25 per digit,
// dropout 0), three Adam steps from PyTorch's initial weights (fixture: tools/golden/training_case.py).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Adam, CrossEntropyLoss, Rng } from '../../src/engine/index.js';
import { loadSafetensors, readSafetensors } from '../../src/engine/safetensors.js';
import { buildModel } from '../../src/models/registry.js';
import { type FixtureTensor, type Tolerance, expectAllClose, expectClose, readFixture, toTensor } from './golden-fixture.js';

interface Step {
  input: FixtureTensor;
  classes: number[];
  target: number[];
  losses: number[];
  loss: number;
  main?: FixtureTensor;
  digits?: [FixtureTensor, FixtureTensor];
}

const fixture = readFixture<{ model: string; options: Record<string, number>; lr: number; steps: Step[] }>('convsepnet.json');
// Outputs, losses and gradients agree with PyTorch to 1e-4 relative except where they cancel to ~0 (measured: logits
// 3e-8 off, gradients 3e-9): a 1e-7 floor, 5e-5 of the smallest gradients (2e-3) that matter.
const TIGHT: Tolerance = { rtol: 1e-4, atol: 1e-7 };
// Adam divides each gradient by its running RMS, so an element whose later gradients are round-off-sized moves by a
// round-off-sensitive fraction of lr (measured: 5e-6 at lr 1e-3): weights after the steps get a floor of 1% of lr.
const AFTER_ADAM: Tolerance = { rtol: 1e-4, atol: 0.01 * fixture.lr };
const file = (name: string): Uint8Array =>
  new Uint8Array(readFileSync(new URL(`../fixtures/golden/${name}`, import.meta.url)));

describe('ConvSepNet training steps match PyTorch 1.13', () => {
  it('gives the same outputs, losses, gradients and weights after three Adam steps', () => {
    const model = buildModel(fixture.model, fixture.options, new Rng(0));
    loadSafetensors(model.module, file('convsepnet_initial.safetensors'), 'convsepnet_initial.safetensors');
    const opt = new Adam(model.params(), { lr: fixture.lr });
    const ce = [new CrossEntropyLoss(), new CrossEntropyLoss(), new CrossEntropyLoss()];
    fixture.steps.forEach((step, s) => {
      const out = model.forward(toTensor(step.input), true);
      const digits = out.digits as NonNullable<typeof out.digits>;
      const first = Int32Array.from(step.classes.filter((_, i) => i % 2 === 0));
      const second = Int32Array.from(step.classes.filter((_, i) => i % 2 === 1));
      const losses = [
        ce[0].forward(out.main, Int32Array.from(step.target)),
        ce[1].forward(digits[0], first),
        ce[2].forward(digits[1], second),
      ];
      expectAllClose(`step ${s + 1} losses`, losses, step.losses, TIGHT);
      if (step.main && step.digits) {
        expectClose('step 1 main output', out.main, step.main, TIGHT);
        expectClose('step 1 first digit logits', digits[0], step.digits[0], TIGHT);
        expectClose('step 1 second digit logits', digits[1], step.digits[1], TIGHT);
      }
      opt.zeroGrad();
      model.backward({ main: ce[0].backward(0.5), digits: [ce[1].backward(0.25), ce[2].backward(0.25)] });
      if (s === 0) {
        const grads = readSafetensors(file('convsepnet_grads1.safetensors')).tensors;
        for (const p of model.params()) {
          const g = grads.get(p.name);
          expect(g, `gradient of ${p.name} in the fixture`).toBeDefined();
          expectClose(`step 1 gradient of ${p.name}`, p.grad, { shape: g?.shape ?? [], data: Array.from(g?.data ?? []) }, TIGHT);
        }
      }
      opt.step();
    });
    const final = readSafetensors(file('convsepnet_final.safetensors')).tensors;
    for (const p of model.params()) {
      const w = final.get(p.name);
      expectClose(`weights of ${p.name} after 3 steps`, p.value, { shape: w?.shape ?? [], data: Array.from(w?.data ?? []) }, AFTER_ADAM);
    }
  });
});
