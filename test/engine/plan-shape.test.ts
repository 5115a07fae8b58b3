// The plan's shape: which kernels one forward (and backward) of each fused pattern calls, and how often. The numeric
// tests cannot see a fusion that stopped happening (the layer-by-layer path gives the same numbers, only slower);
// these counts can. Update a row when a fusion changes on purpose.
import { describe, expect, it } from 'vitest';
import { kernelVariant, WasmBackend, type Backend } from '../../src/engine/kernels/index.js';
import type { Module } from '../../src/engine/module.js';
import { LeakyReLU, ReLU } from '../../src/engine/modules/activations.js';
import { BatchNorm1d, BatchNorm2d } from '../../src/engine/modules/batchnorm.js';
import { Residual, Sequential } from '../../src/engine/modules/containers.js';
import { Conv2d } from '../../src/engine/modules/conv.js';
import { Linear } from '../../src/engine/modules/linear.js';
import { MaxPool2d } from '../../src/engine/modules/pool.js';
import { Flatten } from '../../src/engine/modules/shape.js';
import { compile } from '../../src/engine/plan/index.js';
import { Rng } from '../../src/engine/rng.js';
import { zeros, type Tensor } from '../../src/engine/tensor.js';

/** The default build's backend, counting each method called on it. */
function recording(): { backend: Backend; calls: Record<string, number> } {
  const target = new WasmBackend(kernelVariant());
  const calls: Record<string, number> = {};
  const backend = new Proxy(target, {
    get(t, prop) {
      const v = Reflect.get(t, prop, t);
      if (typeof v !== 'function' || typeof prop !== 'string') return v;
      return (...args: unknown[]) => {
        calls[prop] = (calls[prop] ?? 0) + 1;
        return (v as (...a: unknown[]) => unknown).apply(t, args);
      };
    },
  });
  return { backend, calls };
}
const rng = new Rng(9);
const input = (shape: number[]): Tensor => {
  const t = zeros(shape);
  t.data.forEach((_, i) => (t.data[i] = Math.sin(i)));
  return t;
};
/** Kernel calls of one forward (and backward, training) of a fresh plan, without memory bookkeeping. */
function profile(net: Module, shape: number[], mode: 'train' | 'eval'): Record<string, number> {
  const { backend, calls } = recording();
  const plan = compile(net, { backend });
  const y = plan.forward(input(shape), mode === 'train');
  if (mode === 'train') plan.backward(input(y.shape));
  plan.dispose();
  return Object.fromEntries(Object.entries(calls).filter(([k]) => !['layout', 'heap', 'dispose'].includes(k)).sort());
}
const nets = {
  convReluPool2: [() => Sequential.named([['c1', new Conv2d(2, 4, 3, rng)], ['r1', new ReLU()], ['p1', new MaxPool2d(2)], ['c2', new Conv2d(4, 4, 3, rng)], ['r2', new ReLU()], ['f', new Flatten()], ['fc', new Linear(4 * 3 * 3, 2, rng)]]), [2, 2, 12, 12]],
  convBn: [() => Sequential.named([['c1', new Conv2d(2, 4, 3, rng, { padding: 1 })], ['b1', new BatchNorm2d(4)], ['r1', new ReLU()], ['c2', new Conv2d(4, 4, 3, rng, { padding: 1 })], ['b2', new BatchNorm2d(4)]]), [2, 2, 6, 6]],
  mlpBn: [() => Sequential.named([['fc', new Linear(8, 6, rng)], ['bn', new BatchNorm1d(6)], ['r', new ReLU()], ['fc2', new Linear(6, 6, rng)], ['bn2', new BatchNorm1d(6)], ['lr', new LeakyReLU(0.1)]]), [4, 8]],
  residual: [() => new Residual(Sequential.named([['c1', new Conv2d(4, 4, 3, rng, { padding: 1 })], ['b1', new BatchNorm2d(4)], ['r', new ReLU()], ['c2', new Conv2d(4, 4, 3, rng, { padding: 1 })], ['b2', new BatchNorm2d(4)]]), { after: new ReLU() }), [2, 4, 5, 5]],
  residualNoAfter: [() => new Residual(Sequential.named([['c1', new Conv2d(4, 4, 3, rng, { padding: 1 })], ['r', new ReLU()]])), [2, 4, 5, 5]],
  residualShortcut: [() => new Residual(Sequential.named([['c1', new Conv2d(4, 4, 3, rng, { padding: 1 })], ['r', new ReLU()]]), { shortcut: new Conv2d(4, 4, 1, rng), after: new ReLU() }), [2, 4, 5, 5]],
  residualLeaky: [() => new Residual(Sequential.named([['c1', new Conv2d(4, 4, 3, rng, { padding: 1 })], ['r', new ReLU()]]), { after: new LeakyReLU(0.1) }), [2, 4, 5, 5]],
} satisfies Record<string, [() => Module, number[]]>;
describe('the plan fuses below the modules', () => {
  it.each([
    // Two conv -> relu (-> pool) blocks in one chain, resident between them; the Linear on its own.
    ['convReluPool2', 'train', { allocate: 1, convReluBackwardAt: 2, convReluForwardAt: 2, gemm: 3, release: 1 }],
    ['convReluPool2', 'eval', { convReluForwardAt: 2, gemm: 1 }],
    // conv -> batchnorm (-> relu) blocks: the norm runs on the chain's resident activations.
    ['convBn', 'train', { allocate: 1, batchnormBackwardAt: 2, batchnormForwardAt: 2, conv2dBackwardAt: 2, conv2dForwardAt: 2, release: 1 }],
    ['convBn', 'eval', { batchnormForwardAt: 2, conv2dForwardAt: 2 }],
    // BatchNorm1d -> ReLU in one pass (no relu call); a LeakyReLU after a norm runs on its own.
    ['mlpBn', 'train', { allocate: 2, batchnormBackward: 2, batchnormForward: 2, gemm: 6, leakyRelu: 1, leakyReluBackward: 1, release: 2 }],
    ['mlpBn', 'eval', { batchnormForward: 2, gemm: 2, leakyRelu: 1 }],
    // A ResNet block: the sum and its ReLU on the body's chain.
    ['residual', 'train', { addReluAt: 1, allocate: 1, batchnormBackwardAt: 2, batchnormForwardAt: 2, conv2dBackwardAt: 2, conv2dForwardAt: 2, release: 1, reluBackwardAt: 1 }],
    ['residual', 'eval', { addReluAt: 1, batchnormForwardAt: 2, conv2dForwardAt: 2 }],
    ['residualNoAfter', 'train', { addReluAt: 2, allocate: 1, convReluBackwardAt: 1, convReluForwardAt: 1, release: 1 }],
    ['residualNoAfter', 'eval', { addReluAt: 1, convReluForwardAt: 1 }],
    // A shortcut module or another activation after the sum: the Residual's own routing around the chained body.
    ['residualShortcut', 'train', { addRelu: 2, allocate: 1, conv2dBackward: 1, conv2dForward: 1, convReluBackwardAt: 1, convReluForwardAt: 1, release: 1, relu: 1, reluBackward: 1 }],
    ['residualShortcut', 'eval', { addRelu: 1, conv2dForward: 1, convReluForwardAt: 1, relu: 1 }],
    ['residualLeaky', 'train', { addRelu: 2, allocate: 1, convReluBackwardAt: 1, convReluForwardAt: 1, leakyRelu: 1, leakyReluBackward: 1, release: 1 }],
    ['residualLeaky', 'eval', { addRelu: 1, convReluForwardAt: 1, leakyRelu: 1 }],
  ] as const)('%s (%s)', (name, mode, calls) => {
    const [make, shape] = nets[name];
    expect(profile(make(), shape, mode)).toEqual(calls);
  });

  it('evaluates a large batch in chunks of at most 1 MB of activations: 3000 images of 288 floats in 4 chunks', () => {
    const [make] = nets.convReluPool2;
    expect(profile(make(), [3000, 2, 12, 12], 'eval')).toEqual({ convReluForwardAt: 8, gemm: 1 });
    expect(profile(make(), [910, 2, 12, 12], 'eval')).toEqual({ convReluForwardAt: 2, gemm: 1 });
    expect(profile(make(), [911, 2, 12, 12], 'eval')).toEqual({ convReluForwardAt: 4, gemm: 1 });
  });

});

describe('plan steps keep the modules contract', () => {
  it('a norm step counts training batches only, says when backward comes first, and passes an empty batch through', () => {
    const bn = new BatchNorm1d(3);
    const plan = compile(Sequential.named([['bn', bn], ['r', new ReLU()]]));
    expect(() => plan.backward(zeros([2, 3]))).toThrow('bn: BatchNorm1d(3): backward called before forward');
    plan.forward(input([4, 3]), true);
    plan.forward(input([4, 3]), false);
    plan.forward(input([2, 3]), true);
    expect(bn.numBatchesTracked.data[0]).toBe(2);
    expect(() => plan.backward(zeros([4, 3]))).toThrow('bn: BatchNorm1d(3): expected gradient of output shape [2, 3], got [4, 3]');
    expect(plan.forward(zeros([0, 3]), true).shape).toEqual([0, 3]);
    expect(plan.backward(zeros([0, 3])).shape).toEqual([0, 3]);
    expect(bn.numBatchesTracked.data[0]).toBe(2);
    plan.dispose();
  });

  it('a chained residual names its body in shape errors and says when backward comes first', () => {
    const [make] = nets.residual;
    const plan = compile(make());
    expect(() => plan.backward(zeros([2, 4, 5, 5]))).toThrow(/^Residual\(.*\): backward called before forward$/);
    expect(() => plan.forward(zeros([2, 3, 5, 5]), true)).toThrow(/^body\.c1: Conv2d\(4, 4, 3.*\): expected input \[N, 4, H, W\], got \[2, 3, 5, 5\]$/);
    plan.dispose();
  });
});
