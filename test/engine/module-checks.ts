import { expect } from 'vitest';
import type { Module } from '../../src/engine/module.js';
import type { Rng } from '../../src/engine/rng.js';
import { zeros, type Tensor } from '../../src/engine/tensor.js';

/** Standard normal tensor (times scale, plus shift). */
export function normal(shape: number[], rng: Rng, scale = 1, shift = 0): Tensor {
  const t = zeros(shape);
  for (let i = 0; i < t.data.length; i++) t.data[i] = shift + scale * rng.normal();
  return t;
}

/** After one forward, two backward calls give twice the parameter gradients and the same input gradient. */
export function expectBackwardAccumulates(module: Module, x: Tensor, rng: Rng): void {
  module.zeroGrad();
  const y = module.forward(x, true);
  const g = normal(y.shape, rng);
  const dx1 = Float32Array.from(module.backward(g).data);
  const once = module.params().map((p) => Float32Array.from(p.grad.data));
  const dx2 = module.backward(g).data;
  expect(Array.from(dx2)).toEqual(Array.from(dx1));
  module.params().forEach((p, k) => {
    p.grad.data.forEach((v, i) => expect(Math.abs(v - 2 * once[k][i])).toBeLessThanOrEqual(1e-5 * (1 + Math.abs(v))));
  });
  module.zeroGrad();
  expect(module.params().every((p) => p.grad.data.every((v) => v === 0))).toBe(true);
}
