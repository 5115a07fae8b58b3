/**
 * A zoo model's execution plan (model.compile()) against its modules' own forward and backward, both on the default
 * backend: two training steps (outputs, every parameter gradient,
 * BatchNorm's running statistics) then an evaluation forward, within 1e-4. The plan's fused kernels sum in other
 * orders (Winograd, the sparse pooled backward), so values agree to float32 rounding, not bit for bit. A plan's
 * convs must round as the modules' do (the same backend): the ResNets' gradients (BatchNorm in training, ten blocks
 * deep) move by more than 1e-4 when a conv's output moves by 1e-7 relative, measured by perturbing it.
 */
import { expect } from 'vitest';
import { Rng, zeros, type Tensor } from '../../src/engine/index.js';
import type { PairGrads, PairModel, PairOutputs } from '../../src/models/model.js';
import { buildModel } from '../../src/models/registry.js';

const TOL = 1e-4;

function normal(rng: Rng, shape: number[]): Tensor {
  const t = zeros(shape);
  for (let i = 0; i < t.data.length; i++) t.data[i] = rng.normal();
  return t;
}

const outputs = (o: PairOutputs): number[][] => [o.main, ...(o.digits ?? []), ...(o.auxMain ? [o.auxMain] : [])].map((t) => Array.from(t.data));
const state = (m: PairModel): number[][] =>
  [...m.params().map((p) => p.grad.data), ...m.buffers().map((b) => b.value.data)].map((a) => Array.from(a));

function expectClose(got: number[][], want: number[][], what: string): void {
  expect(got.map((a) => a.length), what).toEqual(want.map((a) => a.length));
  let worst = 0;
  got.forEach((a, i) => a.forEach((v, j) => (worst = Math.max(worst, Math.abs(v - want[i][j]) / (1 + Math.abs(want[i][j]))))));
  expect(worst, what).toBeLessThanOrEqual(TOL);
}

export function checkZooPlan(name: string): void {
  const [reference, model] = [buildModel(name, {}, new Rng(7)), buildModel(name, {}, new Rng(7))];
  const plan = model.compile();
  try {
    const rng = new Rng(3);
    const b = 6;
    for (let step = 0; step < 2; step++) {
      const x = normal(rng, [b, 2, 14, 14]);
      const want = reference.forward(x, true);
      const got = plan.forward(x, true);
      expectClose(outputs(got), outputs(want), `${name} step ${step} outputs`);
      const grads: PairGrads = { main: normal(rng, want.main.shape) };
      if (want.digits) grads.digits = [normal(rng, [b, 10]), normal(rng, [b, 10])];
      if (want.auxMain) grads.auxMain = normal(rng, want.auxMain.shape);
      for (const m of [reference, model]) for (const p of m.params()) p.grad.data.fill(0);
      reference.backward(grads);
      plan.backward(grads);
      expect(state(model).some((a) => a.some((v) => v !== 0))).toBe(true);
      expectClose(state(model), state(reference), `${name} step ${step} gradients and buffers`);
    }
    const x = normal(rng, [2 * b + 1, 2, 14, 14]);
    expectClose(outputs(plan.forward(x, false)), outputs(reference.forward(x, false)), `${name} evaluation`);
  } finally {
    plan.dispose();
  }
}
