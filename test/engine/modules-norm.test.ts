import { describe, expect, it } from 'vitest';
import { assertGradcheck, gradcheckModule } from '../../src/engine/gradcheck.js';
import { ReLU } from '../../src/engine/modules/activations.js';
import { BatchNorm1d, BatchNorm2d } from '../../src/engine/modules/batchnorm.js';
import { Sequential } from '../../src/engine/modules/containers.js';
import { LogSoftmax, Softmax } from '../../src/engine/modules/softmax.js';
import { Rng } from '../../src/engine/rng.js';
import { fromArray, zeros } from '../../src/engine/tensor.js';
import { normal } from './module-checks.js';

/** Random affine parameters, so the check does not only exercise gamma = 1, beta = 0. */
function randomAffine(bn: BatchNorm1d | BatchNorm2d, rng: Rng): void {
  for (const p of bn.params()) for (let i = 0; i < p.value.data.length; i++) p.value.data[i] = 0.5 + rng.uniform();
}

describe('BatchNorm1d', () => {
  it('normalises with the biased batch variance and updates running stats with the unbiased one', () => {
    const bn = new BatchNorm1d(2, { momentum: 0.1, eps: 1e-5 });
    // channel 0: 1, 2, 3, 6 (mean 3, biased var 3.5, unbiased 14/3); channel 1: constant 5
    const x = fromArray([4, 2], [1, 5, 2, 5, 3, 5, 6, 5]);
    const y = bn.forward(x, true).data;
    const inv = 1 / Math.sqrt(3.5 + 1e-5);
    [1, 2, 3, 6].forEach((v, i) => expect(y[2 * i]).toBeCloseTo((v - 3) * inv, 5));
    [0, 1, 2, 3].forEach((i) => expect(y[2 * i + 1]).toBe(0));
    expect(bn.runningMean.data[0]).toBeCloseTo(0.3, 6);
    expect(bn.runningMean.data[1]).toBeCloseTo(0.5, 6);
    expect(bn.runningVar.data[0]).toBeCloseTo(0.9 + 0.1 * (14 / 3), 6);
    expect(bn.runningVar.data[1]).toBeCloseTo(0.9, 6);
    expect(bn.numBatchesTracked.data[0]).toBe(1);
    bn.forward(x, true);
    expect(bn.runningMean.data[0]).toBeCloseTo(0.9 * 0.3 + 0.3, 6);
    expect(bn.numBatchesTracked.data[0]).toBe(2);
  });

  it('uses the running statistics in eval mode and leaves them unchanged', () => {
    const bn = new BatchNorm1d(1, { eps: 0 });
    bn.runningMean.data[0] = 2;
    bn.runningVar.data[0] = 4;
    bn.weight.value.data[0] = 3;
    bn.bias.value.data[0] = 1;
    bn.eval();
    expect(Array.from(bn.forward(fromArray([2, 1], [4, 0])).data)).toEqual([4, -2]);
    expect(bn.runningMean.data[0]).toBe(2);
    expect(bn.numBatchesTracked.data[0]).toBe(0);
    expect(Array.from(bn.backward(fromArray([2, 1], [1, 2])).data)).toEqual([1.5, 3]);
  });

  it('passes gradient checks in training mode ([N, C] and [N, C, L]) and in eval mode', () => {
    const rng = new Rng(1);
    const a = new BatchNorm1d(3);
    randomAffine(a, rng);
    assertGradcheck(gradcheckModule(a, [5, 3], { input: normal([5, 3], rng, 2, 1) }), 'BatchNorm1d train');
    const b = new BatchNorm1d(2);
    randomAffine(b, rng);
    assertGradcheck(gradcheckModule(b, [3, 2, 4], { rng }), 'BatchNorm1d [N,C,L] train');
    const c = new BatchNorm1d(3);
    randomAffine(c, rng);
    c.runningVar.data.set([0.5, 2, 1.5]);
    assertGradcheck(gradcheckModule(c, [4, 3], { training: false }), 'BatchNorm1d eval');
  });

  it('names its buffers and parameters like PyTorch and rejects bad input', () => {
    const bn = new BatchNorm1d(100);
    expect(bn.params().map((p) => p.name)).toEqual(['weight', 'bias']);
    expect(bn.buffers().map((b) => b.name)).toEqual(['running_mean', 'running_var', 'num_batches_tracked']);
    expect(bn.parameterCount()).toBe(200);
    expect(bn.numBatchesTracked.shape).toEqual([]);
    expect(() => bn.forward(zeros([4, 50]))).toThrow('BatchNorm1d(100): expected input [N, 100] or [N, 100, L], got [4, 50]');
    expect(() => bn.forward(zeros([1, 100]), true)).toThrow('BatchNorm1d(100): expected more than 1 value per channel when training');
    expect(() => bn.forward(zeros([1, 100]), false)).not.toThrow();
    expect(() => bn.backward(zeros([2, 100]))).toThrow('BatchNorm1d(100): expected gradient of output shape [1, 100], got [2, 100]');
    expect(() => new BatchNorm1d(4, { momentum: 2 })).toThrow('BatchNorm1d: momentum must be in [0, 1], got 2');
    expect(() => new BatchNorm2d(4, { eps: -1 })).toThrow('BatchNorm2d: eps must be >= 0, got -1');
  });
});

describe('BatchNorm2d', () => {
  it('takes statistics over N, H and W per channel', () => {
    const bn = new BatchNorm2d(2);
    const x = normal([3, 2, 4, 5], new Rng(2), 3, 2);
    const y = bn.forward(x, true).data;
    for (let ch = 0; ch < 2; ch++) {
      let s = 0;
      let s2 = 0;
      for (let b = 0; b < 3; b++) for (let i = 0; i < 20; i++) {
        const v = y[(b * 2 + ch) * 20 + i];
        s += v;
        s2 += v * v;
      }
      expect(s / 60).toBeCloseTo(0, 5);
      expect(s2 / 60).toBeCloseTo(1, 3);
    }
  });

  it('passes gradient checks in training and eval mode', () => {
    const rng = new Rng(3);
    const a = new BatchNorm2d(3);
    randomAffine(a, rng);
    assertGradcheck(gradcheckModule(a, [2, 3, 3, 3], { rng }), 'BatchNorm2d train');
    a.forward(normal([2, 3, 3, 3], rng), true); // move the running stats away from their initial values
    assertGradcheck(gradcheckModule(a, [2, 3, 3, 3], { rng, training: false }), 'BatchNorm2d eval');
    const b = new BatchNorm2d(3);
    randomAffine(b, rng);
    const fused = Sequential.named([['bn', b], ['relu', new ReLU()]]);
    assertGradcheck(gradcheckModule(fused, [2, 3, 3, 3], { rng }), 'BatchNorm2d -> ReLU (fused) train');
    assertGradcheck(gradcheckModule(fused, [2, 3, 3, 3], { rng, training: false }), 'BatchNorm2d -> ReLU (fused) eval');
  });

  it('behaves differently in train and eval mode', () => {
    const bn = new BatchNorm2d(1);
    const x = normal([2, 1, 3, 3], new Rng(4), 1, 5);
    const train = Float32Array.from(bn.forward(x).data);
    bn.eval();
    const evaluated = bn.forward(x).data;
    // Right after one step the running mean is only 0.1 * 5, so eval output is far from the train one.
    expect(Math.abs(evaluated[0] - train[0])).toBeGreaterThan(1);
    expect(() => bn.forward(zeros([2, 2, 3, 3]))).toThrow('BatchNorm2d(1): expected input [N, 1, H, W], got [2, 2, 3, 3]');
  });
});

describe('Softmax / LogSoftmax', () => {
  it('compute normalised (log-)probabilities over dim 1, stably', () => {
    const x = fromArray([2, 3], [1, 2, 3, 1000, 1000, -1000]);
    const p = new Softmax().forward(x).data;
    const z = Math.exp(1) + Math.exp(2) + Math.exp(3);
    expect(p[0]).toBeCloseTo(Math.exp(1) / z, 6);
    expect(Array.from(p.slice(3))).toEqual([0.5, 0.5, 0]);
    const lp = new LogSoftmax().forward(x).data;
    expect(lp[2]).toBeCloseTo(3 - Math.log(z), 5);
    expect(lp[5]).toBeCloseTo(-2000 - Math.log(2), 2);
    expect(lp.every(Number.isFinite)).toBe(true);
  });

  it('pass gradient checks and reject non-2-D input', () => {
    assertGradcheck(gradcheckModule(new Softmax(), [3, 5], { rng: new Rng(5) }), 'Softmax');
    assertGradcheck(gradcheckModule(new LogSoftmax(), [3, 5], { rng: new Rng(6) }), 'LogSoftmax');
    expect(() => new Softmax().forward(zeros([2, 3, 4]))).toThrow('Softmax(dim=1): expected input [N, C], got [2, 3, 4]');
  });
});
