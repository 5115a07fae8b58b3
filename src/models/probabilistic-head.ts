import { ensure, Module, shapeString, type Tensor } from '../engine/index.js';

/**
 * The comparison head with no learned parameters. Input [B, 20]: digit logits of the first image (columns 0..9)
 * and the second (10..19). With p = softmax(first), q = softmax(second) and independent digits,
 *   P(first <= second) = sum_{i <= j} p_i q_j,   P(first > second) = sum_{i > j} p_i q_j.
 * Output [B, 2] = [log P(first > second), log P(first <= second)]: log-probabilities for the NLL main loss
 * (class 1 = "first <= second", the task's target).
 *
 * Backward by hand. With upstream g0 = dL/dlog Q, g1 = dL/dlog P (Q = P(first > second)):
 *   dL/dp_i = g1/P * sum_{j >= i} q_j + g0/Q * sum_{j < i} q_j
 *   dL/dq_j = g1/P * sum_{i <= j} p_i + g0/Q * sum_{i > j} p_i
 * then through each softmax: dL/dz_k = p_k (dL/dp_k - sum_l p_l dL/dp_l).
 * Both probabilities are summed directly (not as 1 - the other) so neither loses precision near 0.
 */
export class ProbabilisticComparison extends Module {
  private p = new Float64Array(10);
  private q = new Float64Array(10);
  private probs: Float64Array = new Float64Array(0);
  /** [Q, P] per row, clamped away from 0 so log and 1/x stay finite. */
  private pq: Float64Array = new Float64Array(0);
  private out: Tensor | undefined;
  private gradIn: Tensor | undefined;

  describe(): string {
    return 'ProbabilisticComparison()';
  }

  forward(x: Tensor): Tensor {
    if (x.shape.length !== 2 || x.shape[1] !== 20) {
      throw new Error(`${this.describe()}: expected input [B, 20], got ${shapeString(x.shape)}`);
    }
    const b = x.shape[0];
    if (this.probs.length !== b * 20) {
      this.probs = new Float64Array(b * 20);
      this.pq = new Float64Array(b * 2);
    }
    const out = (this.out = ensure(this.out, [b, 2]));
    for (let r = 0; r < b; r++) {
      const p = this.probs.subarray(r * 20, r * 20 + 10);
      const q = this.probs.subarray(r * 20 + 10, r * 20 + 20);
      softmax(x.data, r * 20, p);
      softmax(x.data, r * 20 + 10, q);
      let le = 0;
      let gt = 0;
      for (let j = 0; j < 10; j++) {
        le += q[j] * headSum(p, j + 1);
        gt += q[j] * tailSum(p, j + 1);
      }
      this.pq[r * 2] = Math.max(gt, TINY);
      this.pq[r * 2 + 1] = Math.max(le, TINY);
      out.data[r * 2] = Math.log(this.pq[r * 2]);
      out.data[r * 2 + 1] = Math.log(this.pq[r * 2 + 1]);
    }
    return out;
  }

  backward(gradOut: Tensor): Tensor {
    const out = this.out as Tensor;
    if (gradOut.shape.length !== 2 || gradOut.shape[0] !== out.shape[0] || gradOut.shape[1] !== 2) {
      throw new Error(`${this.describe()}: gradient ${shapeString(gradOut.shape)} does not match output ${shapeString(out.shape)}`);
    }
    const b = out.shape[0];
    const gradIn = (this.gradIn = ensure(this.gradIn, [b, 20]));
    const dp = this.p;
    const dq = this.q;
    for (let r = 0; r < b; r++) {
      const p = this.probs.subarray(r * 20, r * 20 + 10);
      const q = this.probs.subarray(r * 20 + 10, r * 20 + 20);
      const a0 = gradOut.data[r * 2] / this.pq[r * 2];
      const a1 = gradOut.data[r * 2 + 1] / this.pq[r * 2 + 1];
      for (let i = 0; i < 10; i++) dp[i] = a1 * tailSum(q, i) + a0 * headSum(q, i);
      for (let j = 0; j < 10; j++) dq[j] = a1 * headSum(p, j + 1) + a0 * tailSum(p, j + 1);
      softmaxBackward(p, dp, gradIn.data, r * 20);
      softmaxBackward(q, dq, gradIn.data, r * 20 + 10);
    }
    return gradIn;
  }
}

const TINY = 1e-30;

function softmax(x: Float32Array, offset: number, out: Float64Array): void {
  let max = -Infinity;
  for (let k = 0; k < 10; k++) max = Math.max(max, x[offset + k]);
  let sum = 0;
  for (let k = 0; k < 10; k++) {
    out[k] = Math.exp(x[offset + k] - max);
    sum += out[k];
  }
  for (let k = 0; k < 10; k++) out[k] /= sum;
}

/** sum_{k < to} v_k */
function headSum(v: Float64Array, to: number): number {
  let s = 0;
  for (let k = 0; k < to; k++) s += v[k];
  return s;
}

/** sum_{k >= from} v_k */
function tailSum(v: Float64Array, from: number): number {
  let s = 0;
  for (let k = from; k < 10; k++) s += v[k];
  return s;
}

function softmaxBackward(p: Float64Array, dp: Float64Array, dst: Float32Array, offset: number): void {
  let dot = 0;
  for (let k = 0; k < 10; k++) dot += p[k] * dp[k];
  for (let k = 0; k < 10; k++) dst[offset + k] = p[k] * (dp[k] - dot);
}
