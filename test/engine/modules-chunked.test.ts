import { describe, expect, it } from 'vitest';
import { maxPool2dReference, reluReference } from '../../src/engine/kernels/index.js';
import { ReLU } from '../../src/engine/modules/activations.js';
import { MaxPool2d } from '../../src/engine/modules/pool.js';
import { Rng } from '../../src/engine/rng.js';

// Tensors over the modules' 2^18-element kernel chunk, so they go through in several kernel calls.
const rng = new Rng(5);
const rand = (n: number): Float32Array => Float32Array.from({ length: n }, () => rng.normal());

describe('ReLU and MaxPool2d on inputs larger than one kernel call', () => {
  it('ReLU forward and backward equal the reference over every chunk', () => {
    const n = 3 * (1 << 18) + 5;
    const x = { data: rand(n), shape: [n] };
    const relu = new ReLU();
    const y = relu.forward(x).data;
    const want = new Float32Array(n);
    reluReference(x.data, want);
    expect(y).toEqual(want);
    const dy = rand(n);
    const dx = relu.backward({ data: dy, shape: [n] }).data;
    for (let i = 0; i < n; i += 9973) expect(dx[i]).toBe(want[i] !== 0 ? dy[i] : 0);
    expect(dx[n - 1]).toBe(want[n - 1] !== 0 ? dy[n - 1] : 0);
  });

  it('MaxPool2d forward equals the reference and backward sends each gradient to its window maximum', () => {
    const [N, C, H, W] = [3, 7, 130, 130]; // 21 planes of 16,900 floats: 15 planes per call
    const x = { data: rand(N * C * H * W), shape: [N, C, H, W] };
    const pool = new MaxPool2d(2);
    const y = pool.forward(x);
    const want = new Float32Array(y.data.length);
    const arg = new Int32Array(y.data.length);
    maxPool2dReference(N * C, H, W, 2, 2, x.data, want, arg);
    expect(y.data).toEqual(want);
    const dx = pool.backward({ data: new Float32Array(y.data.length).fill(1), shape: y.shape }).data;
    for (const i of [0, 1, 12345, arg.length - 1]) expect(dx[arg[i]]).toBe(1);
    expect(dx.reduce((s, v) => s + v, 0)).toBe(arg.length);
  });
});
