import { describe, expect, it } from 'vitest';
import { assertGradcheck, gradcheckModule } from '../../src/engine/gradcheck.js';
import { ReLU, Tanh } from '../../src/engine/modules/activations.js';
import { PairShared, Residual, Sequential } from '../../src/engine/modules/containers.js';
import { Conv2d } from '../../src/engine/modules/conv.js';
import { Dropout } from '../../src/engine/modules/dropout.js';
import { Linear } from '../../src/engine/modules/linear.js';
import { AvgPool2d, MaxPool2d } from '../../src/engine/modules/pool.js';
import { Flatten } from '../../src/engine/modules/shape.js';
import { Rng } from '../../src/engine/rng.js';
import { fromArray, zeros, type Tensor } from '../../src/engine/tensor.js';
import { normal } from './module-checks.js';

/** Distinct values at least 0.1 apart in random order: max-pooling has no ties and no near-ties. */
function distinct(shape: number[], rng: Rng): Tensor {
  const t = zeros(shape);
  const perm = rng.permutation(t.data.length);
  for (let i = 0; i < perm.length; i++) t.data[i] = (perm[i] - perm.length / 2) * 0.1;
  return t;
}

/** Direct 7-loop convolution, the definition Conv2d's im2col + GEMM must match. */
function naiveConv(x: Tensor, conv: Conv2d): Float32Array {
  const [n, c, h, w] = x.shape;
  const { kernelSize: k, stride: s, padding: p, outChannels: o } = conv;
  const oh = Math.floor((h + 2 * p - k) / s) + 1;
  const ow = Math.floor((w + 2 * p - k) / s) + 1;
  const W = conv.weight.value.data;
  const out = new Float32Array(n * o * oh * ow);
  for (let b = 0; b < n; b++)
    for (let f = 0; f < o; f++)
      for (let i = 0; i < oh; i++)
        for (let j = 0; j < ow; j++) {
          let sum = conv.bias ? conv.bias.value.data[f] : 0;
          for (let ch = 0; ch < c; ch++)
            for (let u = 0; u < k; u++)
              for (let v = 0; v < k; v++) {
                const y = i * s - p + u;
                const xx = j * s - p + v;
                if (y >= 0 && y < h && xx >= 0 && xx < w) sum += x.data[((b * c + ch) * h + y) * w + xx] * W[((f * c + ch) * k + u) * k + v];
              }
          out[((b * o + f) * oh + i) * ow + j] = sum;
        }
  return out;
}

describe('Conv2d', () => {
  const configs = [
    { c: 1, o: 4, k: 3, stride: 1, padding: 0, shape: [2, 1, 6, 5] },
    { c: 3, o: 2, k: 3, stride: 2, padding: 1, shape: [2, 3, 5, 6] },
    { c: 2, o: 3, k: 2, stride: 1, padding: 2, shape: [1, 2, 4, 4] },
    { c: 2, o: 5, k: 1, stride: 3, padding: 0, shape: [3, 2, 7, 7] },
  ];
  for (const { c, o, k, stride, padding, shape } of configs) {
    const make = () => new Conv2d(c, o, k, new Rng(1), { stride, padding });
    it(`${make().describe()} matches a direct convolution and passes a gradient check on ${JSON.stringify(shape)}`, () => {
      const conv = make();
      const x = normal(shape, new Rng(2));
      const y = conv.forward(x);
      const ref = naiveConv(x, conv);
      expect(y.data.length).toBe(ref.length);
      y.data.forEach((v, i) => expect(v).toBeCloseTo(ref[i], 5));
      assertGradcheck(gradcheckModule(make(), shape, { rng: new Rng(3) }), conv.describe());
    });
  }

  it('without bias passes a gradient check', () => {
    const conv = new Conv2d(2, 2, 3, new Rng(1), { bias: false, padding: 1 });
    expect(conv.params().map((p) => p.name)).toEqual(['weight']);
    assertGradcheck(gradcheckModule(conv, [2, 2, 4, 4]), conv.describe());
  });

  it('counts parameters like PyTorch', () => {
    expect(new Conv2d(12, 32, 3, new Rng(0)).parameterCount()).toBe(3_488);
    expect(new Conv2d(1, 12, 3, new Rng(0)).parameterCount()).toBe(120);
  });

  it('convolves a large evaluation batch in chunks with the same result, and backward still works after it', () => {
    const conv = new Conv2d(12, 32, 3, new Rng(7)); // 10,800 column floats per image: chunks of 97 images
    const x = normal([110, 12, 12, 12], new Rng(8));
    const train = Float32Array.from(conv.forward(x, true).data);
    const g = normal([110, 32, 10, 10], new Rng(9));
    const dxTrain = Float32Array.from(conv.backward(g).data);
    const dwTrain = Float32Array.from(conv.weight.grad.data);
    conv.zeroGrad();
    const evaluated = conv.forward(x, false).data;
    // Chunks may change the GEMM's blocking, hence a tolerance rather than bit equality.
    const maxDiff = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
    expect(maxDiff(evaluated, train)).toBeLessThan(1e-5);
    expect(maxDiff(conv.backward(g).data, dxTrain)).toBeLessThan(1e-5);
    expect(maxDiff(conv.weight.grad.data, dwTrain)).toBeLessThan(1e-3);
    const ref = naiveConv({ data: x.data.subarray(105 * 1728, 106 * 1728), shape: [1, 12, 12, 12] }, conv);
    ref.forEach((v, i) => expect(evaluated[105 * 3200 + i]).toBeCloseTo(v, 4));
  });

  it('names channel and size mismatches', () => {
    const conv = new Conv2d(12, 32, 3, new Rng(0));
    expect(() => conv.forward(zeros([25, 1, 12, 12]))).toThrow('Conv2d(12, 32, 3): expected input [N, 12, H, W], got [25, 1, 12, 12]');
    expect(() => conv.forward(zeros([25, 12, 12]))).toThrow('got [25, 12, 12]');
    expect(() => conv.forward(zeros([1, 12, 2, 2]))).toThrow('Conv2d(12, 32, 3): expected input spatial size of at least 3 x 3, got [1, 12, 2, 2]');
    expect(() => new Conv2d(1, 2, 0, new Rng(0))).toThrow('Conv2d: kernelSize must be an integer >= 1, got 0');
  });
});

describe('pooling', () => {
  it('MaxPool2d takes window maxima, routes the gradient to them, and passes a gradient check', () => {
    const pool = new MaxPool2d(2);
    const x = fromArray([1, 1, 2, 4], [1, 5, 2, 0, 3, 4, 8, 7]);
    expect(Array.from(pool.forward(x).data)).toEqual([5, 8]);
    expect(Array.from(pool.backward(fromArray([1, 1, 1, 2], [10, 20])).data)).toEqual([0, 10, 0, 0, 0, 0, 20, 0]);
    assertGradcheck(gradcheckModule(new MaxPool2d(2), [2, 3, 5, 4], { input: distinct([2, 3, 5, 4], new Rng(1)) }), 'MaxPool2d(2)');
    const overlapping = new MaxPool2d(3, 2);
    expect(overlapping.describe()).toBe('MaxPool2d(3, stride=2)');
    assertGradcheck(gradcheckModule(overlapping, [1, 2, 7, 6], { input: distinct([1, 2, 7, 6], new Rng(2)) }), 'MaxPool2d(3, 2)');
  });

  it('MaxPool2d sends the gradient of a tie to the first maximum and propagates NaN (k = 2 and k = 3 paths)', () => {
    for (const k of [2, 3]) {
      const pool = new MaxPool2d(k);
      const x = zeros([1, 1, k, k]);
      x.data.fill(1);
      pool.forward(x);
      const g = pool.backward(fromArray([1, 1, 1, 1], [5])).data;
      expect(Array.from(g)).toEqual([5, ...new Array(k * k - 1).fill(0)]);
      for (let at = 0; at < k * k; at++) {
        x.data.fill(-1);
        x.data[at] = NaN;
        expect(Number.isNaN(pool.forward(x).data[0])).toBe(true);
      }
      x.data.fill(-Infinity);
      x.data[k * k - 1] = -5;
      expect(pool.forward(x).data[0]).toBe(-5);
    }
  });

  it('AvgPool2d averages windows and passes a gradient check', () => {
    const x = fromArray([1, 1, 2, 4], [1, 5, 2, 0, 3, 4, 8, 6]);
    expect(Array.from(new AvgPool2d(2).forward(x).data)).toEqual([13 / 4, 4]);
    assertGradcheck(gradcheckModule(new AvgPool2d(2), [2, 2, 4, 5]), 'AvgPool2d(2)');
    assertGradcheck(gradcheckModule(new AvgPool2d(3, 1), [1, 2, 5, 5]), 'AvgPool2d(3, 1)');
  });

  it('names bad input', () => {
    expect(() => new MaxPool2d(2).forward(zeros([4, 4]))).toThrow('MaxPool2d(2): expected input [N, C, H, W], got [4, 4]');
    expect(() => new AvgPool2d(3).forward(zeros([1, 1, 2, 5]))).toThrow('AvgPool2d(3): expected input');
  });
});

describe('Dropout', () => {
  it('zeroes about p of the elements in training, scales survivors by 1/(1-p), and is the identity in eval', () => {
    const d = new Dropout(0.25, new Rng(1));
    const x = zeros([100, 100]);
    x.data.fill(1);
    const y = d.forward(x, true).data;
    const zeroed = y.filter((v) => v === 0).length / y.length;
    expect(zeroed).toBeGreaterThan(0.23);
    expect(zeroed).toBeLessThan(0.27);
    expect(y.every((v) => v === 0 || Math.abs(v - 1 / 0.75) < 1e-6)).toBe(true);
    d.eval();
    expect(d.forward(x)).toBe(x);
    const g = zeros([100, 100]);
    expect(d.backward(g)).toBe(g);
    expect(() => new Dropout(1.5, new Rng(0))).toThrow('Dropout: p must be in [0, 1], got 1.5');
    expect(Array.from(new Dropout(1, new Rng(0)).forward(fromArray([2], [1, 2]), true).data)).toEqual([0, 0]);
  });

  it('draws its mask from the rng: same seed, same mask; another seed, another mask', () => {
    const x = zeros([10, 20]);
    x.data.fill(1);
    const run = (seed: number) => Array.from(new Dropout(0.5, new Rng(seed)).forward(x, true).data);
    expect(run(3)).toEqual(run(3));
    expect(run(3)).not.toEqual(run(4));
    const d = new Dropout(0.5, new Rng(3));
    const a = Array.from(d.forward(x, true).data);
    expect(Array.from(d.forward(x, true).data)).not.toEqual(a);
  });

  it('passes a gradient check with a fixed mask (re-seeded before every forward)', () => {
    const d = new Dropout(0.5, new Rng(0));
    assertGradcheck(gradcheckModule(d, [4, 6], { beforeForward: () => (d.rng = new Rng(9)) }), 'Dropout');
  });
});

describe('Flatten', () => {
  it('views [N, C, H, W] as [N, C*H*W] without copying and passes a gradient check', () => {
    const x = normal([2, 3, 2, 2], new Rng(1));
    const f = new Flatten();
    const y = f.forward(x);
    expect(y.shape).toEqual([2, 12]);
    expect(y.data).toBe(x.data);
    expect(f.forward(x)).toBe(y);
    expect(f.backward(zeros([2, 12])).shape).toEqual([2, 3, 2, 2]);
    assertGradcheck(gradcheckModule(new Flatten(), [2, 3, 2, 2]), 'Flatten');
  });
});

describe('Residual', () => {
  it.each([5, 6, 7])('with a conv body, identity shortcut and ReLU after passes a gradient check (seed %i)', (seed) => {
    const rng = new Rng(seed);
    const block = new Residual(new Sequential(new Conv2d(2, 2, 3, rng, { padding: 1 }), new Tanh()), { after: new ReLU() });
    // The body's output is within (-1, 1) (Tanh): inputs at least 1.5 away from 0 keep every sum at least 0.5 from
    // the ReLU kink, whatever the draw.
    const input = normal([2, 2, 4, 4], rng);
    for (let i = 0; i < input.data.length; i++) input.data[i] += input.data[i] > 0 ? 1.5 : -1.5;
    assertGradcheck(gradcheckModule(block, [2, 2, 4, 4], { input }), block.describe());
    expect(block.params().map((p) => p.name)).toEqual(['body.0.weight', 'body.0.bias']);
  });

  it('with a conv shortcut passes a gradient check and checks the shapes agree', () => {
    const rng = new Rng(7);
    const block = new Residual(new Conv2d(2, 3, 3, rng, { padding: 1, stride: 2 }), { shortcut: new Conv2d(2, 3, 1, rng, { stride: 2 }) });
    assertGradcheck(gradcheckModule(block, [2, 2, 5, 5]), block.describe());
    expect(block.params().map((p) => p.name)).toEqual(['body.weight', 'body.bias', 'shortcut.weight', 'shortcut.bias']);
    const bad = new Residual(new Conv2d(2, 3, 3, rng));
    expect(() => bad.forward(zeros([1, 2, 4, 4]))).toThrow('body output [1, 3, 2, 2] and shortcut output [1, 2, 4, 4] differ');
  });
});

describe('PairShared', () => {
  const branch = (rng: Rng) =>
    Sequential.named([
      ['conv1', new Conv2d(1, 2, 3, rng)],
      ['act', new Tanh()],
      ['pool', new AvgPool2d(2)],
      ['flat', new Flatten()],
      ['fc', new Linear(2 * 2 * 2, 3, rng)],
    ]);

  it('applies the same branch to both images: columns 0..F-1 first image, F..2F-1 second', () => {
    const rng = new Rng(1);
    const pair = new PairShared(branch(rng));
    const x = normal([3, 2, 6, 6], new Rng(2));
    const y = Float32Array.from(pair.forward(x).data);
    const solo = branch(new Rng(1));
    for (let b = 0; b < 3; b++) {
      for (const [img, offset] of [[0, 0], [1, 3]]) {
        const one = { data: x.data.slice((2 * b + img) * 36, (2 * b + img + 1) * 36), shape: [1, 1, 6, 6] };
        const out = solo.forward(one).data;
        for (let j = 0; j < 3; j++) expect(y[b * 6 + offset + j]).toBeCloseTo(out[j], 5);
      }
    }
  });

  it('passes a gradient check and names parameters branch.*', () => {
    const pair = new PairShared(branch(new Rng(3)));
    assertGradcheck(gradcheckModule(pair, [2, 2, 6, 6]), 'PairShared');
    expect(pair.params().map((p) => p.name)).toEqual(['branch.conv1.weight', 'branch.conv1.bias', 'branch.fc.weight', 'branch.fc.bias']);
    expect(() => pair.forward(zeros([2, 1, 6, 6]))).toThrow('PairShared(branch: Sequential(');
    expect(() => pair.forward(zeros([2, 1, 6, 6]))).toThrow('expected input [B, 2, ...], got [2, 1, 6, 6]');
  });
});
