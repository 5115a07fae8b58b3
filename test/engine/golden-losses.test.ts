// Losses against PyTorch 1.13 (mean reduction): value and gradient w.r.t. the prediction
// (fixture: tools/golden/make_fixtures.py -> losses.json).
import { describe, expect, it } from 'vitest';
import { BCEWithLogitsLoss, CrossEntropyLoss, MSELoss, NLLLoss } from '../../src/engine/losses.js';
import { type FixtureTensor, expectAllClose, expectClose, readFixture, toTensor } from './golden-fixture.js';

interface LossCase {
  name: string;
  loss: 'MSELoss' | 'CrossEntropyLoss' | 'NLLLoss' | 'BCEWithLogitsLoss';
  pred: FixtureTensor;
  target: FixtureTensor;
  targetKind: 'float' | 'int';
  value: number;
  grad: FixtureTensor;
}

const { cases } = readFixture<{ cases: LossCase[] }>('losses.json');

function run(c: LossCase, scale: number): { value: number; grad: Float32Array } {
  const pred = toTensor(c.pred);
  const floats = Float32Array.from(c.target.data);
  const ints = Int32Array.from(c.target.data);
  let value: number;
  let grad: Float32Array;
  switch (c.loss) {
    case 'MSELoss': {
      const loss = new MSELoss();
      value = loss.forward(pred, toTensor(c.target));
      grad = loss.backward(scale).data;
      break;
    }
    case 'CrossEntropyLoss':
    case 'NLLLoss': {
      const loss = c.loss === 'NLLLoss' ? new NLLLoss() : new CrossEntropyLoss();
      value = loss.forward(pred, ints);
      grad = loss.backward(scale).data;
      break;
    }
    case 'BCEWithLogitsLoss': {
      const loss = new BCEWithLogitsLoss();
      value = loss.forward(pred, floats);
      grad = loss.backward(scale).data;
      break;
    }
  }
  return { value, grad: Float32Array.from(grad) };
}

describe('losses match PyTorch 1.13', () => {
  it('covers the four losses of the engine API', () => {
    expect(new Set(cases.map((c) => c.loss))).toEqual(
      new Set(['MSELoss', 'CrossEntropyLoss', 'NLLLoss', 'BCEWithLogitsLoss']),
    );
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s', (_, c) => {
    const { value, grad } = run(c, 1);
    expectAllClose(`${c.name} value`, [value], [c.value]);
    expectClose(`${c.name} gradient`, grad, c.grad);
    // backward(scale) is the gradient of scale * loss (how the weighted auxiliary losses are combined).
    const scaled = run(c, 0.25).grad.map((g) => g * 4);
    expectClose(`${c.name} gradient at scale 0.25`, scaled, c.grad);
  });
});
