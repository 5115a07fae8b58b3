// The README's engine example, run for real: a small conv net learns a toy task with the modules, a loss and Adam.
import { describe, expect, it } from 'vitest';
import {
  Adam,
  Conv2d,
  CrossEntropyLoss,
  Flatten,
  Linear,
  MaxPool2d,
  ReLU,
  Rng,
  Sequential,
} from '../../src/engine/index.js';

/** 14x14 images with one bright 7x7 quadrant; the class is the quadrant. */
function quadrants(n: number, rng: Rng): { x: { data: Float32Array; shape: number[] }; y: Int32Array } {
  const data = new Float32Array(n * 196);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const q = rng.int(4);
    y[i] = q;
    for (let p = 0; p < 196; p++) {
      const r = Math.floor(p / 14);
      const c = p % 14;
      const inside = (r < 7 ? 0 : 2) + (c < 7 ? 0 : 1) === q;
      data[i * 196 + p] = (inside ? 1 : 0) + 0.3 * rng.normal();
    }
  }
  return { x: { data, shape: [n, 1, 14, 14] }, y };
}

describe('engine example', () => {
  it('trains a conv net with forward, loss, backward and an optimizer step', () => {
    const rng = new Rng(42);
    const net = Sequential.named([
      ['conv', new Conv2d(1, 8, 3, rng)], // [N, 1, 14, 14] -> [N, 8, 12, 12]
      ['relu', new ReLU()],
      ['pool', new MaxPool2d(2)], //          -> [N, 8, 6, 6]
      ['flat', new Flatten()], //             -> [N, 288]
      ['fc', new Linear(8 * 6 * 6, 4, rng)],
    ]);
    const loss = new CrossEntropyLoss();
    const opt = new Adam(net.params(), { lr: 1e-2 });
    const { x, y } = quadrants(32, rng);

    const losses: number[] = [];
    for (let step = 0; step < 30; step++) {
      opt.zeroGrad();
      losses.push(loss.forward(net.forward(x, true), y));
      net.backward(loss.backward()); // accumulates into every p.grad
      opt.step();
    }
    expect(losses[0]).toBeGreaterThan(1);
    expect(losses[29]).toBeLessThan(0.1 * losses[0]);

    const test = quadrants(64, rng);
    const logits = net.eval().forward(test.x).data;
    let correct = 0;
    for (let i = 0; i < 64; i++) {
      const row = Array.from(logits.subarray(i * 4, i * 4 + 4));
      if (row.indexOf(Math.max(...row)) === test.y[i]) correct++;
    }
    expect(correct / 64).toBeGreaterThan(0.9);
  });
});
