// End to end against PyTorch 1.13: the zoo's ConvSepNet with auxiliary losses (loss 0.5 main + 0.25 per digit,
// dropout 0), three Adam steps from PyTorch's initial weights (fixture: tools/golden/training_case.py).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Adam, CrossEntropyLoss, Rng } from '../../src/engine/index.js';
import { loadSafetensors, readSafetensors } from '../../src/engine/safetensors.js';
import { buildModel } from '../../src/models/registry.js';
import { type FixtureTensor, expectClose, readFixture, relativeError, toTensor } from './golden-fixture.js';

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
      expect(relativeError(losses, step.losses), `step ${s + 1} losses ${losses} vs ${step.losses}`).toBeLessThan(1e-4);
      if (step.main && step.digits) {
        expectClose('step 1 main output', out.main, step.main);
        expectClose('step 1 first digit logits', digits[0], step.digits[0]);
        expectClose('step 1 second digit logits', digits[1], step.digits[1]);
      }
      opt.zeroGrad();
      model.backward({ main: ce[0].backward(0.5), digits: [ce[1].backward(0.25), ce[2].backward(0.25)] });
      if (s === 0) {
        const grads = readSafetensors(file('convsepnet_grads1.safetensors')).tensors;
        for (const p of model.params()) {
          const g = grads.get(p.name);
          expect(g, `gradient of ${p.name} in the fixture`).toBeDefined();
          expectClose(`step 1 gradient of ${p.name}`, p.grad, { shape: g?.shape ?? [], data: Array.from(g?.data ?? []) });
        }
      }
      opt.step();
    });
    const final = readSafetensors(file('convsepnet_final.safetensors')).tensors;
    for (const p of model.params()) {
      const w = final.get(p.name);
      expectClose(`weights of ${p.name} after 3 steps`, p.value, { shape: w?.shape ?? [], data: Array.from(w?.data ?? []) });
    }
  });
});
