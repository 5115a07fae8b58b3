// The engine's argument checks with their messages, and the small formulas beside them (PyTorch's gains, fans, the
// normal fill's sign): what the engine-core mutation run found untested.
import { describe, expect, it } from 'vitest';
import { Adam, SGD, zeros } from '../../src/engine/index.js';
import type { Param } from '../../src/engine/index.js';
import { calculateGain, fans, normalFill } from '../../src/engine/init.js';
import { BCEWithLogitsLoss } from '../../src/engine/losses.js';
import { Rng } from '../../src/engine/rng.js';
import { fromArray, reshape } from '../../src/engine/tensor.js';

const params = (): Param[] => [{ name: 'w', value: zeros([3]), grad: zeros([3]) } as unknown as Param];

describe('optimizer arguments', () => {
  it('SGD: momentum and weight decay non-negative, nesterov only with momentum and no dampening', () => {
    expect(() => new SGD(params(), { lr: 1, momentum: -1 })).toThrow('SGD: invalid momentum -1 (must be >= 0)');
    expect(() => new SGD(params(), { lr: 1, weightDecay: -1 })).toThrow('SGD: invalid weightDecay -1 (must be >= 0)');
    const nesterov = 'SGD: nesterov momentum requires a momentum > 0 and zero dampening';
    expect(() => new SGD(params(), { lr: 1, nesterov: true })).toThrow(nesterov);
    expect(() => new SGD(params(), { lr: 1, nesterov: true, momentum: 0.9, dampening: 0.1 })).toThrow(nesterov);
    expect(new SGD(params(), { lr: 1, nesterov: true, momentum: 0.9 }).nesterov).toBe(true);
  });

  it('Adam: each beta in [0, 1), eps and weight decay non-negative', () => {
    expect(new Adam(params(), { betas: [0, 0] }).lr).toBe(1e-3);
    expect(() => new Adam(params(), { betas: [1, 0.9] })).toThrow('Adam: invalid betas[0] 1 (must be in [0, 1))');
    expect(() => new Adam(params(), { betas: [0.9, -0.1] })).toThrow('Adam: invalid betas[1] -0.1 (must be in [0, 1))');
    expect(() => new Adam(params(), { eps: -1 })).toThrow('Adam: invalid eps -1 (must be >= 0)');
    expect(() => new Adam(params(), { weightDecay: -1 })).toThrow('Adam: invalid weightDecay -1 (must be >= 0)');
  });
});

describe('tensors, init and losses', () => {
  it('refuse values that do not fill a shape, and views of another size', () => {
    expect(() => fromArray([2, 2], [1, 2, 3])).toThrow('fromArray: 3 values do not fill shape [2, 2]');
    expect(() => reshape(zeros([2, 3]), [4])).toThrow('reshape: cannot view [2, 3] as [4]');
    expect(reshape(zeros([2, 3]), [3, 2]).shape).toEqual([3, 2]);
  });

  it("follow torch.nn.init's gains and fans, and fill normals as mean + std z", () => {
    expect(['linear', 'sigmoid', 'tanh', 'relu'].map((n) => calculateGain(n as 'linear'))).toEqual([1, 1, 5 / 3, Math.SQRT2]);
    expect(calculateGain('leaky_relu')).toBe(Math.sqrt(2 / (1 + 1e-4)));
    expect(calculateGain('leaky_relu', 0.2)).toBe(Math.sqrt(2 / 1.04));
    expect(fans([8, 3, 5, 5])).toEqual({ fanIn: 75, fanOut: 200 });
    expect(() => fans([8])).toThrow('init: fan in and fan out need a tensor of at least 2 dimensions, got [8]');
    const t = zeros([4]);
    normalFill(t, new Rng(3), 10, 2);
    const z = new Rng(3);
    expect(Array.from(t.data)).toEqual(Array.from({ length: 4 }, () => Math.fround(10 + 2 * z.normal())));
  });

  it('BCEWithLogitsLoss checks its input shape and target length, and backward needs a forward', () => {
    const bce = new BCEWithLogitsLoss();
    expect(() => bce.backward()).toThrow('BCEWithLogitsLoss(): backward called before forward');
    expect(() => bce.forward(zeros([2, 2]), new Float32Array(2))).toThrow('BCEWithLogitsLoss(): expected input [N] or [N, 1], got [2, 2]');
    expect(() => bce.forward(zeros([3]), new Float32Array(2))).toThrow('BCEWithLogitsLoss(): input [3] has N = 3 but target has 2 entries');
    expect(bce.forward(zeros([2, 1]), new Float32Array([0, 1]))).toBeCloseTo(Math.log(2), 6);
    const g = bce.backward(2).data;
    expect(Array.from(g)).toEqual([0.5, -0.5]);
  });
});
