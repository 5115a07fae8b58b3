import {
  compile, ensure, shapeString, type Buffer, type Module, type Param, type Pass, type Plan, type PlanOptions, type Tensor,
} from '../engine/index.js';
import type { AuxTap } from './aux-tap.js';
import type { CompiledPairModel, MainLossKind, PairGrads, PairModel, PairOutputs } from './model.js';

/**
 * Where a model's digit logits come from:
 * - 'columns': a tap on a [B, 20] tensor, columns 0..9 = first digit, 10..19 = second (after PairShared, or a
 *   20-unit hidden layer of a non-shared net);
 * - 'rows': a tap inside a PairShared branch, [2B, 10], rows 0..B-1 = first images, B..2B-1 = second;
 * - 'pair': two taps, one per separate (non-shared) branch, each [B, 10].
 */
export type DigitTaps =
  | { layout: 'columns'; tap: AuxTap }
  | { layout: 'rows'; tap: AuxTap }
  | { layout: 'pair'; taps: [AuxTap, AuxTap] };

export interface PairNetworkSpec {
  name: string;
  /** The whole network: [B, 2, 14, 14] -> main output. Taps sit inside it. */
  body: Module;
  mainLoss: MainLossKind;
  digits?: DigitTaps;
  /** A tap whose head predicts the comparison target (001's AUX1). */
  auxMain?: AuxTap;
}

/** A PairModel made of one module tree plus auxiliary taps. */
export class PairNetwork implements PairModel {
  readonly name: string;
  readonly mainLoss: MainLossKind;
  readonly module: Module;
  private readonly digitTaps: DigitTaps | undefined;
  private readonly auxMainTap: AuxTap | undefined;
  private digitOut: [Tensor | undefined, Tensor | undefined] = [undefined, undefined];
  private digitGrad: Tensor | undefined;
  /** What runs the module tree: the modules themselves, or a plan compiled from them (compile()). */
  private readonly runner: Pass;

  constructor(
    private readonly spec: PairNetworkSpec,
    runner?: Pass,
  ) {
    this.name = spec.name;
    this.mainLoss = spec.mainLoss;
    this.module = spec.body;
    // backward() discards the gradient w.r.t. the pair images: the first layer need not compute it.
    this.module.inputIsData();
    this.digitTaps = spec.digits;
    this.auxMainTap = spec.auxMain;
    this.runner = runner ?? this.module;
  }

  compile(options?: PlanOptions): CompiledPairModel {
    return new CompiledNetwork(this.spec, compile(this.module, options));
  }

  get hasDigits(): boolean {
    return this.digitTaps !== undefined;
  }

  get hasAuxMain(): boolean {
    return this.auxMainTap !== undefined;
  }

  forward(x: Tensor, training: boolean): PairOutputs {
    if (x.shape.length !== 4 || x.shape[1] !== 2) {
      throw new Error(`${this.name}: expected input [B, 2, 14, 14], got ${shapeString(x.shape)}`);
    }
    this.module.train(training);
    const main = this.runner.forward(x, training);
    const out: PairOutputs = { main };
    if (this.digitTaps) out.digits = this.readDigits(this.digitTaps, x.shape[0]);
    if (this.auxMainTap) out.auxMain = this.auxMainTap.output as Tensor;
    return out;
  }

  backward(grads: PairGrads): void {
    if (grads.digits && this.digitTaps) this.writeDigitGrads(this.digitTaps, grads.digits);
    if (grads.auxMain && this.auxMainTap) this.auxMainTap.pending = grads.auxMain;
    this.runner.backward(grads.main);
  }

  params(): Param[] {
    return this.module.params();
  }

  buffers(): Buffer[] {
    return this.module.buffers();
  }

  parameterCount(): number {
    return this.module.parameterCount();
  }

  private readDigits(taps: DigitTaps, b: number): [Tensor, Tensor] {
    if (taps.layout === 'pair') return [tapOutput(taps.taps[0], [b, 10]), tapOutput(taps.taps[1], [b, 10])];
    const d0 = (this.digitOut[0] = ensure(this.digitOut[0], [b, 10]));
    const d1 = (this.digitOut[1] = ensure(this.digitOut[1], [b, 10]));
    if (taps.layout === 'columns') {
      const t = tapOutput(taps.tap, [b, 20]).data;
      for (let i = 0; i < b; i++) {
        d0.data.set(t.subarray(i * 20, i * 20 + 10), i * 10);
        d1.data.set(t.subarray(i * 20 + 10, i * 20 + 20), i * 10);
      }
    } else {
      const t = tapOutput(taps.tap, [2 * b, 10]).data;
      d0.data.set(t.subarray(0, b * 10));
      d1.data.set(t.subarray(b * 10, 2 * b * 10));
    }
    return [d0, d1];
  }

  private writeDigitGrads(taps: DigitTaps, g: [Tensor, Tensor]): void {
    if (taps.layout === 'pair') {
      taps.taps[0].pending = g[0];
      taps.taps[1].pending = g[1];
      return;
    }
    const b = g[0].shape[0];
    if (taps.layout === 'columns') {
      const t = (this.digitGrad = ensure(this.digitGrad, [b, 20]));
      for (let i = 0; i < b; i++) {
        t.data.set(g[0].data.subarray(i * 10, i * 10 + 10), i * 20);
        t.data.set(g[1].data.subarray(i * 10, i * 10 + 10), i * 20 + 10);
      }
      taps.tap.pending = t;
    } else {
      const t = (this.digitGrad = ensure(this.digitGrad, [2 * b, 10]));
      t.data.set(g[0].data, 0);
      t.data.set(g[1].data, b * 10);
      taps.tap.pending = t;
    }
  }
}

/** A PairNetwork whose module tree runs on an execution plan. */
class CompiledNetwork extends PairNetwork implements CompiledPairModel {
  constructor(
    spec: PairNetworkSpec,
    private readonly plan: Plan,
  ) {
    super(spec, plan);
  }

  dispose(): void {
    this.plan.dispose();
  }
}

function tapOutput(tap: AuxTap, shape: number[]): Tensor {
  const t = tap.output;
  if (!t || t.data.length !== shape[0] * shape[1]) {
    throw new Error(`${tap.describe()}: expected an auxiliary output ${shapeString(shape)}, got ${t ? shapeString(t.shape) : 'none'}`);
  }
  return t.shape.length === 2 ? t : { data: t.data, shape };
}
