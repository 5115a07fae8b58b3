import { BCEWithLogitsLoss, CrossEntropyLoss, NLLLoss, reshape, type Tensor } from '../engine/index.js';
import type { MainLossKind, PairGrads, PairOutputs } from '../models/model.js';

/** Loss weights of one step: total = main * L_main + aux * (L_aux1 + L_aux2) (+ aux * L_auxMain for 001's AUX1). */
export interface LossWeights {
  main: number;
  aux: number;
}

export interface LossValues {
  total: number;
  main: number;
  /** L_aux1 + L_aux2 (+ L_auxMain); 0 when the weight is 0 (not computed). */
  aux: number;
}

/** Targets of a batch: comparison target [B], first and second digit classes [B] each. */
export interface BatchTargets {
  target: Int32Array;
  first: Int32Array;
  second: Int32Array;
}

/** The main loss of one model output kind, with PyTorch's mean reduction and a scaled backward. */
class MainLoss {
  private readonly ce = new CrossEntropyLoss();
  private readonly nll = new NLLLoss();
  private readonly bce = new BCEWithLogitsLoss();
  private floatTarget = new Float32Array(0);
  private shape: number[] = [];

  constructor(readonly kind: MainLossKind) {}

  forward(pred: Tensor, target: Int32Array): number {
    this.shape = pred.shape;
    if (this.kind === 'ce') return this.ce.forward(pred, target);
    if (this.kind === 'nll') return this.nll.forward(pred, target);
    const b = target.length;
    if (this.kind === 'bce') {
      if (this.floatTarget.length !== b) this.floatTarget = new Float32Array(b);
      for (let i = 0; i < b; i++) this.floatTarget[i] = target[i];
      return this.bce.forward(pred, this.floatTarget);
    }
    // 'bce-onehot': both sigmoid outputs against [1 - t, t], averaged over the 2B values like torch's BCELoss.
    if (pred.shape.length !== 2 || pred.shape[1] !== 2) throw new Error(`main loss bce-onehot: expected [B, 2], got [${pred.shape.join(', ')}]`);
    if (this.floatTarget.length !== 2 * b) this.floatTarget = new Float32Array(2 * b);
    for (let i = 0; i < b; i++) {
      this.floatTarget[2 * i] = 1 - target[i];
      this.floatTarget[2 * i + 1] = target[i];
    }
    return this.bce.forward(reshape(pred, [2 * b]), this.floatTarget);
  }

  backward(scale: number): Tensor {
    if (this.kind === 'ce') return this.ce.backward(scale);
    if (this.kind === 'nll') return this.nll.backward(scale);
    return reshape(this.bce.backward(scale), this.shape);
  }
}

/** Predicted comparison target of row i of a main output. */
export function predictTarget(kind: MainLossKind, main: Tensor, i: number): number {
  if (kind === 'bce') return main.data[i] > 0 ? 1 : 0;
  return main.data[2 * i + 1] > main.data[2 * i] ? 1 : 0;
}

/**
 * The combined training loss of a PairModel's outputs: covers report 000's (1 - f) L + f/2 (L1 + L2)
 * (main 1 - f, aux f/2), 003's BCE + alpha CE (main 1, aux alpha) and 002's plain sum (main 1, aux 1).
 * Digit losses are cross-entropies on the digit logits (= NLL on their log-softmax).
 */
export class PairLoss {
  private readonly main: MainLoss;
  private readonly auxMain: MainLoss;
  private readonly digit1 = new CrossEntropyLoss();
  private readonly digit2 = new CrossEntropyLoss();
  private out: PairOutputs | undefined;
  private weights: LossWeights = { main: 1, aux: 0 };

  constructor(kind: MainLossKind) {
    this.main = new MainLoss(kind);
    this.auxMain = new MainLoss(kind);
  }

  forward(out: PairOutputs, t: BatchTargets, weights: LossWeights): LossValues {
    this.out = out;
    this.weights = weights;
    const main = this.main.forward(out.main, t.target);
    let aux = 0;
    if (weights.aux > 0) {
      if (out.digits) aux += this.digit1.forward(out.digits[0], t.first) + this.digit2.forward(out.digits[1], t.second);
      if (out.auxMain) aux += this.auxMain.forward(out.auxMain, t.target);
    }
    return { total: weights.main * main + weights.aux * aux, main, aux };
  }

  /** Gradients of the weighted total with respect to the outputs of the last forward. */
  backward(): PairGrads {
    const out = this.out;
    if (!out) throw new Error('PairLoss: backward called before forward');
    const { main, aux } = this.weights;
    const grads: PairGrads = { main: this.main.backward(main) };
    if (aux > 0) {
      if (out.digits) grads.digits = [this.digit1.backward(aux), this.digit2.backward(aux)];
      if (out.auxMain) grads.auxMain = this.auxMain.backward(aux);
    }
    return grads;
  }
}
