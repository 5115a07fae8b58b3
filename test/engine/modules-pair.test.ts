import { describe, expect, it } from 'vitest';
import { assertGradcheck, gradcheckModule } from '../../src/engine/gradcheck.js';
import { CrossEntropyLoss } from '../../src/engine/losses.js';
import { ReLU } from '../../src/engine/modules/activations.js';
import { BatchNorm2d } from '../../src/engine/modules/batchnorm.js';
import { PairShared, Sequential } from '../../src/engine/modules/containers.js';
import { Conv2d } from '../../src/engine/modules/conv.js';
import { Dropout } from '../../src/engine/modules/dropout.js';
import { Linear } from '../../src/engine/modules/linear.js';
import { AvgPool2d, MaxPool2d } from '../../src/engine/modules/pool.js';
import { Flatten } from '../../src/engine/modules/shape.js';
import { Rng } from '../../src/engine/rng.js';
import { zeros } from '../../src/engine/tensor.js';
import { normal } from './module-checks.js';

describe('PairShared with BatchNorm inside', () => {
  it('takes BatchNorm statistics over both images of every pair (one batch of 2B)', () => {
    const bn = new BatchNorm2d(1);
    const pair = new PairShared(new Sequential(bn, new Flatten()));
    const x = normal([4, 2, 3, 3], new Rng(1));
    // Shift the second images so that per-image statistics would differ from joint ones.
    for (let b = 0; b < 4; b++) for (let i = 0; i < 9; i++) x.data[(2 * b + 1) * 9 + i] += 3;
    const y = pair.forward(x, true).data;
    let all = 0;
    let first = 0;
    for (let b = 0; b < 4; b++) for (let j = 0; j < 18; j++) {
      all += y[b * 18 + j];
      if (j < 9) first += y[b * 18 + j];
    }
    expect(all / 72).toBeCloseTo(0, 5);
    expect(first / 36).toBeLessThan(-0.5);
    let mean = 0;
    for (const v of x.data) mean += v;
    expect(bn.runningMean.data[0]).toBeCloseTo((0.1 * mean) / 72, 5);
  });

  it('passes a gradient check with conv + BatchNorm2d + pool + linear in the branch (training mode)', () => {
    const rng = new Rng(2);
    const pair = new PairShared(
      Sequential.named([
        ['conv', new Conv2d(1, 2, 3, rng, { padding: 1 })],
        ['bn', new BatchNorm2d(2)],
        ['pool', new AvgPool2d(2)],
        ['flat', new Flatten()],
        ['fc', new Linear(8, 3, rng)],
      ]),
    );
    // Smooth layers only: after BatchNorm many values sit near ReLU's kink or MaxPool ties (checked on their own).
    // The conv bias gradient is 0 in theory here (BatchNorm removes per-channel constants); the floor handles it.
    assertGradcheck(gradcheckModule(pair, [2, 2, 4, 4], { rng: new Rng(3) }), 'PairShared(conv, bn, pool, fc)');
    expect(pair.buffers().map((b) => b.name)).toEqual([
      'branch.bn.running_mean',
      'branch.bn.running_var',
      'branch.bn.num_batches_tracked',
    ]);
  });
});

describe('a ConvSepNet-sized model', () => {
  const digitNet = (rng: Rng) =>
    Sequential.named([
      ['conv1', new Conv2d(1, 12, 3, rng)],
      ['relu1', new ReLU()],
      ['conv2', new Conv2d(12, 32, 3, rng)],
      ['relu2', new ReLU()],
      ['pool', new MaxPool2d(2)],
      ['drop1', new Dropout(0.5, rng.fork('dropout1'))],
      ['flat', new Flatten()],
      ['fc1', new Linear(800, 100, rng)],
      ['relu3', new ReLU()],
      ['drop2', new Dropout(0.5, rng.fork('dropout2'))],
      ['fc2', new Linear(100, 10, rng)],
    ]);

  it('names parameters of an unnamed Sequential branch branch.0.weight, ...', () => {
    const rng = new Rng(4);
    const pair = new PairShared(new Sequential(new Conv2d(1, 2, 3, rng), new ReLU(), new Flatten(), new Linear(2 * 4 * 4, 5, rng)));
    expect(pair.params().map((p) => p.name)).toEqual(['branch.0.weight', 'branch.0.bias', 'branch.3.weight', 'branch.3.bias']);
    expect(pair.forward(zeros([3, 2, 6, 6])).shape).toEqual([3, 10]);
  });

  it('has the parameter names and count of the PyTorch model', () => {
    const pair = new PairShared(digitNet(new Rng(1)));
    expect(pair.parameterCount()).toBe(120 + 3_488 + 80_100 + 1_010);
    expect(pair.params().map((p) => p.name)).toEqual([
      'branch.conv1.weight',
      'branch.conv1.bias',
      'branch.conv2.weight',
      'branch.conv2.bias',
      'branch.fc1.weight',
      'branch.fc1.bias',
      'branch.fc2.weight',
      'branch.fc2.bias',
    ]);
  });

  it('reuses every output and gradient buffer once warm, also across train/eval batch sizes', () => {
    const pair = new PairShared(digitNet(new Rng(1)));
    const loss = new CrossEntropyLoss();
    const x = normal([5, 2, 14, 14], new Rng(2));
    const classes = Int32Array.from({ length: 5 }, (_, i) => i);
    const step = () => {
      const y = pair.forward(x, true);
      const logits = { data: y.data, shape: [10, 10] }; // [B, 2*10] viewed as 2B rows of 10 digit logits
      loss.forward(logits, Int32Array.from([...classes, ...classes]));
      const g = loss.backward();
      return [y, g, pair.backward({ data: g.data, shape: y.shape })];
    };
    const first = step();
    const second = step();
    second.forEach((t, i) => expect(t).toBe(first[i]));
    // An evaluation batch of another size in between keeps both sets of buffers (no reallocation per epoch).
    const evalX = normal([7, 2, 14, 14], new Rng(3));
    const evalOut = pair.forward(evalX, false);
    step().forEach((t, i) => expect(t).toBe(first[i]));
    expect(pair.forward(evalX, false)).toBe(evalOut);
    expect(pair.params().every((p) => p.grad.data.some((v) => v !== 0))).toBe(true);
  });

  it('fails with a message naming the layer and its path when the image size does not fit fc1', () => {
    const pair = new PairShared(digitNet(new Rng(1)));
    expect(() => pair.forward(zeros([2, 2, 28, 28]))).toThrow(
      'branch.fc1: Linear(800, 100): expected input [N, 800], got [4, 4608]',
    );
  });
});
