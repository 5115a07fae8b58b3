import { describe, expect, it } from 'vitest';
import { assertGradcheck, gradcheckLoss, gradcheckModule } from '../../src/engine/gradcheck.js';
import { MSELoss } from '../../src/engine/losses.js';
import { Linear } from '../../src/engine/modules/linear.js';
import { Rng } from '../../src/engine/rng.js';
import type { Tensor } from '../../src/engine/tensor.js';

/** A Linear whose weight gradient is 10% too large: the checker must catch it. */
class WrongWeightGrad extends Linear {
  override backward(gradOut: Tensor): Tensor {
    const before = Float32Array.from(this.weight.grad.data);
    const dx = super.backward(gradOut);
    const g = this.weight.grad.data;
    for (let i = 0; i < g.length; i++) g[i] = before[i] + 1.1 * (g[i] - before[i]);
    return dx;
  }
}

/** A Linear that returns a slightly wrong input gradient. */
class WrongInputGrad extends Linear {
  override backward(gradOut: Tensor): Tensor {
    const dx = super.backward(gradOut);
    dx.data[0] += 0.5;
    return dx;
  }
}

class WrongLoss extends MSELoss {
  override backward(scale = 1): Tensor {
    const g = super.backward(scale);
    for (let i = 0; i < g.data.length; i++) g.data[i] *= 0.5;
    return g;
  }
}

describe('gradcheck', () => {
  it('accepts a correct module and reports every tensor', () => {
    const r = gradcheckModule(new Linear(4, 3, new Rng(1)), [2, 4]);
    expect(r.ok).toBe(true);
    expect(r.entries.map((e) => [e.name, e.checked])).toEqual([['input', 8], ['weight', 12], ['bias', 3]]);
    expect(r.worst).toBeLessThan(1e-3);
  });

  it('catches a 10% error in a parameter gradient and names the tensor', () => {
    const r = gradcheckModule(new WrongWeightGrad(4, 3, new Rng(1)), [2, 4]);
    expect(r.ok).toBe(false);
    expect(r.entries.find((e) => e.name === 'weight')!.relError).toBeGreaterThan(0.05);
    expect(r.entries.find((e) => e.name === 'bias')!.relError).toBeLessThan(1e-2);
    expect(() => assertGradcheck(r, 'WrongWeightGrad')).toThrow(/gradcheck failed for WrongWeightGrad[\s\S]*weight: rel/);
  });

  it('catches a wrong input gradient', () => {
    const r = gradcheckModule(new WrongInputGrad(4, 3, new Rng(1)), [2, 4]);
    expect(r.ok).toBe(false);
    expect(r.entries[0].name).toBe('input');
    expect(r.entries[0].relError).toBeGreaterThan(0.05);
  });

  it('catches a wrong loss gradient', () => {
    const pred = { data: Float32Array.from([1, 2, 3]), shape: [3] };
    const target = Float32Array.from([0, 0, 0]);
    expect(gradcheckLoss(new MSELoss(), pred, target).ok).toBe(true);
    expect(gradcheckLoss(new WrongLoss(), pred, target).ok).toBe(false);
  });

  it('samples at most maxChecks entries per tensor and leaves the parameters as they were', () => {
    const lin = new Linear(30, 20, new Rng(2));
    const before = Float32Array.from(lin.weight.value.data);
    const r = gradcheckModule(lin, [3, 30], { maxChecks: 10 });
    expect(r.ok).toBe(true);
    expect(r.entries.map((e) => e.checked)).toEqual([10, 10, 10]);
    expect(lin.weight.value.data).toEqual(before);
  });
});
