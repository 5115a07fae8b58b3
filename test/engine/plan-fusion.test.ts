import { describe, expect, it } from 'vitest';
import type { Module } from '../../src/engine/module.js';
import { ReLU } from '../../src/engine/modules/activations.js';
import { BatchNorm1d, BatchNorm2d } from '../../src/engine/modules/batchnorm.js';
import { PairShared, Residual, Sequential } from '../../src/engine/modules/containers.js';
import { Conv2d } from '../../src/engine/modules/conv.js';
import { MaxPool2d } from '../../src/engine/modules/pool.js';
import { Flatten } from '../../src/engine/modules/shape.js';
import { Rng } from '../../src/engine/rng.js';
import { zeros, type Tensor } from '../../src/engine/tensor.js';
import { compile, type Plan } from '../../src/engine/plan/index.js';

/** The module's execution plan, with the module's parameter API: what these tests compare to the modules' own passes. */
type Planned<M extends Module> = Plan & Pick<M, 'zeroGrad' | 'params' | 'buffers' | 'inputIsData'>;
function planned<M extends Module>(m: M): Planned<M> {
  return Object.assign(compile(m), {
    zeroGrad: () => m.zeroGrad(),
    params: () => m.params(),
    buffers: () => m.buffers(),
    inputIsData: () => m.inputIsData(),
  });
}

const rng = new Rng(5);
/** Small integers: every sum is exact, so the fused and the layer-by-layer passes must agree bit for bit. */
function ints(shape: number[]): Tensor {
  const t = zeros(shape);
  for (let i = 0; i < t.data.length; i++) t.data[i] = rng.int(5) - 2;
  return t;
}

function integerWeights(conv: Conv2d): Conv2d {
  conv.weight.value.data.set(ints(conv.weight.value.shape).data);
  conv.bias?.value.data.set(ints([conv.outChannels]).data);
  return conv;
}

/** The children's own forward/backward, one after the other (what the plan's fused step replaces). */
function layerByLayer(modules: Module[], x: Tensor, gy: Tensor, training = true): { y: Float32Array; dx: Float32Array } {
  let y = x;
  for (const m of modules) y = m.forward(y, training);
  const out = y.data.slice();
  let g = gy;
  for (let i = modules.length - 1; i >= 0; i--) g = modules[i].backward(g);
  return { y: out, dx: g.data.slice() };
}

describe('The plan fuses Conv2d -> ReLU (-> MaxPool2d)', () => {
  it.each([
    ['conv, relu, pool 2', [2, 3, 10, 9], { padding: 0 }, new MaxPool2d(2)],
    ['conv, relu, overlapping pool', [2, 3, 9, 9], { padding: 1, stride: 2 }, new MaxPool2d(3, 1)],
    ['conv, relu', [3, 2, 7, 8], { padding: 1 }, undefined],
  ] as const)('%s: same output, input gradient and parameter gradients as layer by layer', (_, shape, opts, pool) => {
    const conv = integerWeights(new Conv2d(shape[1], 5, 3, rng, opts));
    const relu = new ReLU();
    const modules = pool ? [conv, relu, pool] : [conv, relu];
    const seq = planned(Sequential.named(modules.map((m, i) => [`m${i}`, m])));
    const x = ints([...shape]);
    const yFused = seq.forward(x, true);
    const gy = ints(yFused.shape);
    seq.zeroGrad();
    const dxFused = seq.backward(gy).data.slice();
    const dwFused = conv.weight.grad.data.slice();
    const dbFused = conv.bias?.grad.data.slice();
    const yFusedCopy = yFused.data.slice();
    seq.zeroGrad();
    const plain = layerByLayer(modules, x, gy);
    expect(Array.from(yFusedCopy)).toEqual(Array.from(plain.y));
    expect(Array.from(dxFused)).toEqual(Array.from(plain.dx));
    expect(Array.from(dwFused)).toEqual(Array.from(conv.weight.grad.data));
    expect(Array.from(dbFused ?? [])).toEqual(Array.from(conv.bias?.grad.data ?? []));
  });

  it.each([
    ['ConvSepNet-like: conv, relu, conv, relu, pool 2 (Winograd)', [3, 1, 14, 14], 12, 32, {}, new MaxPool2d(2)],
    ['padded convs, overlapping pool', [2, 2, 9, 8], 3, 5, { padding: 1 }, new MaxPool2d(3, 2)],
    ['two convs, no pool', [2, 2, 8, 8], 4, 3, {}, undefined],
  ] as const)('%s: a chain of blocks matches layer by layer, in training and evaluation', (_, shape, c1, c2, opts, pool) => {
    const conv1 = integerWeights(new Conv2d(shape[1], c1, 3, rng, opts));
    const conv2 = integerWeights(new Conv2d(c1, c2, 3, rng, opts));
    const [relu1, relu2] = [new ReLU(), new ReLU()];
    const modules = pool ? [conv1, relu1, conv2, relu2, pool] : [conv1, relu1, conv2, relu2];
    const seq = planned(Sequential.named(modules.map((m, i) => [`m${i}`, m])));
    const x = ints([...shape]);
    const evalOut = seq.forward(x, false).data.slice();
    const y = seq.forward(x, true).data.slice();
    const gy = ints(seq.forward(x, true).shape);
    seq.zeroGrad();
    const dx = seq.backward(gy).data.slice();
    const grads = seq.params().map((p) => Array.from(p.grad.data));
    seq.zeroGrad();
    const plain = layerByLayer(modules, x, gy);
    expect(Array.from(y)).toEqual(Array.from(plain.y));
    expect(Array.from(evalOut)).toEqual(Array.from(plain.y));
    expect(Array.from(dx)).toEqual(Array.from(plain.dx));
    expect(grads).toEqual(seq.params().map((p) => Array.from(p.grad.data)));
  });

  it('names the pool when the conv output is too small for its window', () => {
    const seq = planned(Sequential.named([['conv', new Conv2d(1, 2, 3, rng)], ['relu', new ReLU()], ['pool', new MaxPool2d(4)]]));
    expect(() => seq.forward(zeros([1, 1, 5, 5]), true)).toThrow(/^pool: MaxPool2d\(4\): expected input/);
  });
});

/** BatchNorm2d with non-trivial affine parameters (some outputs below zero, so a ReLU after it masks). */
function affineBn(c: number): BatchNorm2d {
  const bn = new BatchNorm2d(c);
  bn.weight.value.data.set(ints([c]).data.map((v) => v + 0.5));
  bn.bias.value.data.set(ints([c]).data.map((v) => v / 4));
  return bn;
}

/** Equal, or (tol > 0) within tol relative to the magnitude. */
function expectClose(got: number[][], want: number[][], tol: number): void {
  if (tol === 0) return void expect(got).toEqual(want);
  expect(got.map((a) => a.length)).toEqual(want.map((a) => a.length));
  got.forEach((a, i) => a.forEach((v, j) => expect(Math.abs(v - want[i][j])).toBeLessThanOrEqual(tol * (1 + Math.abs(want[i][j])))));
}

describe('The plan chains Conv2d -> BatchNorm2d (-> ReLU) blocks', () => {
  const conv = (r: Rng, i: number, o: number): Conv2d => integerWeights(new Conv2d(i, o, 3, r, { padding: 1 }));
  it.each([
    ['a ResNet body: conv, bn, relu, conv, bn', [3, 4, 6, 6],
      (r: Rng) => [conv(r, 4, 4), affineBn(4), new ReLU(), conv(r, 4, 4), affineBn(4)], false, 0],
    ['a ResNet stem on data: conv, bn, relu', [2, 1, 6, 5], (r: Rng) => [conv(r, 1, 4), affineBn(4), new ReLU()], true, 0],
    // The fused Conv2d -> ReLU -> MaxPool2d backward sums the (non-integer) gradients in another order: a few ulps.
    ['mixed blocks: conv, relu, pool, conv, bn, relu', [2, 2, 9, 8],
      (r: Rng) => [conv(r, 2, 4), new ReLU(), new MaxPool2d(2), conv(r, 4, 5), affineBn(5), new ReLU()], false, 1e-5],
  ] as const)('%s: same outputs, gradients and running statistics as layer by layer', (_, shape, build, data, tol) => {
    const [modules, reference] = [build(new Rng(3)), build(new Rng(3))];
    reference.forEach((m, i) => m.params().forEach((p, j) => p.value.data.set(modules[i].params()[j].value.data)));
    const seq = planned(Sequential.named(modules.map((m, i) => [`m${i}`, m])));
    if (data) [seq, reference[0]].forEach((m) => m.inputIsData());
    const state = (ms: Module[]): number[][] =>
      ms.flatMap((m) => [...m.params().map((p) => Array.from(p.grad.data)), ...m.buffers().map((b) => Array.from(b.value.data))]);
    const x = ints([...shape]);
    for (let step = 0; step < 2; step++) {
      const y = seq.forward(x, true);
      const gy = ints(y.shape);
      const yFused = y.data.slice();
      seq.zeroGrad();
      const dx = seq.backward(gy).data.slice();
      reference.forEach((m) => m.zeroGrad());
      const plain = layerByLayer(reference, x, gy);
      expect(yFused.some((v) => v < 0 || v === 0)).toBe(true);
      const [got, want] = [[yFused, dx], [plain.y, plain.dx]].map((a) => a.map((t) => Array.from(t)));
      expectClose([...got, ...state(modules)], [...want, ...state(reference)], tol);
    }
    // Evaluation keeps nothing in the chain: a backward after it (a gradient check) runs the modules again.
    const evalOut = seq.forward(x, false).data.slice();
    const gy = ints(seq.forward(x, false).shape);
    [seq, ...reference].forEach((m) => m.zeroGrad());
    const dx = Array.from(seq.backward(gy).data);
    const plain = layerByLayer(reference, x, gy, false);
    expectClose([Array.from(evalOut), dx, ...state(modules)], [Array.from(plain.y), Array.from(plain.dx), ...state(reference)], tol);
  });

  it('evaluates a batch larger than one chunk (1 MB activations) as layer by layer', () => {
    const build = (): Module[] => {
      const r = new Rng(8);
      return [integerWeights(new Conv2d(8, 8, 3, r, { padding: 1 })), affineBn(8), new ReLU(), new Conv2d(8, 4, 3, r), new ReLU(), new MaxPool2d(2)];
    };
    const [modules, reference] = [build(), build()];
    const seq = planned(Sequential.named(modules.map((m, i) => [`m${i}`, m])));
    reference.forEach((m, i) => m.params().forEach((p, j) => p.value.data.set(modules[i].params()[j].value.data)));
    const x = ints([11, 8, 64, 64]);
    const want = reference.reduce((t, m) => m.forward(t, false), x).data;
    expect(Array.from(seq.forward(x, false).data)).toEqual(Array.from(want));
  });
});

describe('The plan fuses BatchNorm -> ReLU', () => {
  it.each([
    ['BatchNorm2d', () => new BatchNorm2d(3), [4, 3, 5, 6]],
    ['BatchNorm1d', () => new BatchNorm1d(5), [7, 5]],
  ] as const)('%s, ReLU: same outputs, gradients and running statistics as layer by layer', (_, make, shape) => {
    const [fused, plain] = [make(), make()];
    for (const bn of [fused, plain]) {
      bn.weight.value.data.set([0.5, -1, 2, 1.5, 1].slice(0, bn.features));
      bn.bias.value.data.set([0.25, 0, -0.5, 1, -1].slice(0, bn.features));
    }
    const seq = planned(Sequential.named([['bn', fused], ['relu', new ReLU()]]));
    const x = ints([...shape]);
    for (const training of [true, false]) {
      const y = seq.forward(x, training).data.slice();
      const gy = ints([...shape]);
      seq.zeroGrad();
      const dx = seq.backward(gy).data.slice();
      const relu = new ReLU();
      const ref = plain.forward(x, training);
      const want = relu.forward(ref).data;
      plain.zeroGrad();
      const dxWant = plain.backward(relu.backward(gy)).data;
      expect(y.some((v) => v === 0) && y.some((v) => v > 0)).toBe(true);
      expect(Array.from(y)).toEqual(Array.from(want));
      expect(Array.from(dx)).toEqual(Array.from(dxWant));
      expect(Array.from(fused.weight.grad.data)).toEqual(Array.from(plain.weight.grad.data));
      expect(Array.from(fused.bias.grad.data)).toEqual(Array.from(plain.bias.grad.data));
      expect(Array.from(fused.runningMean.data)).toEqual(Array.from(plain.runningMean.data));
      expect(Array.from(fused.runningVar.data)).toEqual(Array.from(plain.runningVar.data));
    }
  });
});

describe('A Residual with a ReLU after its sum', () => {
  it('gives the outputs and gradients of the sum followed by a separate ReLU', () => {
    const build = (after: boolean): [Planned<Sequential>, Residual] => {
      const conv = integerWeights(new Conv2d(3, 3, 3, rng, { padding: 1 }));
      const res = new Residual(Sequential.named([['conv', conv]]), after ? { after: new ReLU() } : {});
      return [planned(Sequential.named(after ? [['res', res]] : [['res', res], ['relu', new ReLU()]])), res];
    };
    const [[fused, res], [plain]] = [build(true), build(false)];
    plain.params().forEach((p, i) => p.value.data.set(fused.params()[i].value.data));
    const x = ints([2, 3, 5, 5]);
    const y = fused.forward(x, true).data.slice();
    expect(Array.from(y)).toEqual(Array.from(plain.forward(x, true).data));
    expect(y.some((v) => v === 0) && y.some((v) => v > 0)).toBe(true);
    const gy = ints([2, 3, 5, 5]);
    const dx = fused.backward(gy).data.slice();
    expect(Array.from(dx)).toEqual(Array.from(plain.backward(gy).data));
    expect(fused.params().map((p) => Array.from(p.grad.data))).toEqual(plain.params().map((p) => Array.from(p.grad.data)));
    expect(() => fused.backward(zeros([2, 3, 5, 4]))).toThrow(/expected gradient of output shape \[2, 3, 5, 5\]/);
    expect(res).toBeInstanceOf(Residual);
  });
});

describe('Residual keeps its sum in the chain of its body', () => {
  it.each([true, false])('ResNet block (ReLU after the sum: %s): same as the sum taken in JS', (relu) => {
    const build = (chained: boolean): Planned<Residual> => {
      const r = new Rng(4);
      const conv = (): Conv2d => integerWeights(new Conv2d(3, 3, 3, r, { padding: 1 }));
      const body = Sequential.named([['conv1', conv()], ['bn1', affineBn(3)], ['relu', new ReLU()], ['conv2', conv()], ['bn2', affineBn(3)]]);
      // An explicit identity shortcut (an empty Sequential) keeps the sum out of the chain.
      return planned(new Residual(body, { shortcut: chained ? undefined : new Sequential(), after: relu ? new ReLU() : undefined }));
    };
    const [fused, plain] = [build(true), build(false)];
    plain.params().forEach((p, i) => p.value.data.set(fused.params()[i].value.data));
    const x = ints([2, 3, 6, 5]);
    for (let step = 0; step < 2; step++) {
      const y = fused.forward(x, true).data.slice();
      expect(Array.from(y)).toEqual(Array.from(plain.forward(x, true).data));
      const gy = ints([2, 3, 6, 5]);
      fused.zeroGrad();
      plain.zeroGrad();
      expect(Array.from(fused.backward(gy).data)).toEqual(Array.from(plain.backward(gy).data));
      const state = (m: Planned<Module>): number[][] => [...m.params().map((p) => p.grad.data), ...m.buffers().map((b) => b.value.data)].map((a) => Array.from(a));
      expect(state(fused)).toEqual(state(plain));
    }
    expect(Array.from(fused.forward(x, false).data)).toEqual(Array.from(plain.forward(x, false).data));
    const gy = ints([2, 3, 6, 5]);
    expect(Array.from(fused.backward(gy).data)).toEqual(Array.from(plain.backward(gy).data));
    expect(() => fused.forward(ints([2, 3, 6, 5]), true) && fused.backward(zeros([2, 3, 6, 4]))).toThrow(/expected gradient of output shape \[2, 3, 6, 5\]/);
  });
});

describe('inputIsData', () => {
  it('makes the first Conv2d skip its input gradient (zeros) and leaves the parameter gradients unchanged', () => {
    const build = (): Planned<PairShared> => {
      const r = new Rng(9);
      return planned(new PairShared(Sequential.named([['conv', new Conv2d(1, 4, 3, r)], ['relu', new ReLU()], ['flat', new Flatten()]])));
    };
    const x = ints([2, 2, 6, 6]);
    const [a, b] = [build(), build()];
    b.inputIsData();
    const ya = a.forward(x, true);
    const gy = ints(ya.shape);
    const dxa = a.backward(gy).data.slice();
    b.forward(x, true);
    const dxb = b.backward(gy).data;
    expect(dxa.some((v) => v !== 0)).toBe(true);
    expect(dxb.every((v) => v === 0)).toBe(true);
    expect(b.params().map((p) => Array.from(p.grad.data))).toEqual(a.params().map((p) => Array.from(p.grad.data)));
  });
});
