import type { Buffer, Module, Param, PlanOptions, Rng, Tensor } from '../engine/index.js';

/**
 * How a model's main output is scored against the comparison target (1 if first digit <= second):
 * - 'ce': logits [B, 2], 2-class cross-entropy (reports 000, 001, 004);
 * - 'nll': log-probabilities [B, 2] (LogSoftmax or the probabilistic head), negative log-likelihood (002);
 * - 'bce': one logit [B, 1], binary cross-entropy on its sigmoid;
 * - 'bce-onehot': logits [B, 2], each through a sigmoid, BCE against the one-hot target (003's n*2 sigmoid output).
 */
export type MainLossKind = 'ce' | 'nll' | 'bce' | 'bce-onehot';

export interface PairOutputs {
  /** Comparison output, per `mainLoss`. */
  main: Tensor;
  /** Digit logits of the first and the second image [B, 10], when the model has a digit layer. */
  digits?: [Tensor, Tensor];
  /** An auxiliary comparison output (001's AUX1), scored like `main`. */
  auxMain?: Tensor;
}

/** Gradients of the (weighted) loss with respect to the outputs of the last forward. */
export interface PairGrads {
  main: Tensor;
  digits?: [Tensor, Tensor];
  auxMain?: Tensor;
}

/** A network for the pair task: input [B, 2, 14, 14]. */
export interface PairModel {
  readonly name: string;
  readonly mainLoss: MainLossKind;
  /** True when forward() returns digits (the auxiliary digit losses can be applied). */
  readonly hasDigits: boolean;
  /** True when forward() returns auxMain. */
  readonly hasAuxMain: boolean;
  /** The module tree: its params()/buffers() carry PyTorch-style names, used for safetensors files. */
  readonly module: Module;
  forward(x: Tensor, training: boolean): PairOutputs;
  /** Accumulates parameter gradients (call after forward; zero them with the optimizer). */
  backward(grads: PairGrads): void;
  params(): Param[];
  buffers(): Buffer[];
  parameterCount(): number;
  /**
   * The same model run through an execution plan (src/engine/plan: fused kernels, activations kept in WebAssembly
   * memory), sharing this one's parameters; forward and backward above are the modules' own, the plan's reference.
   */
  compile(options?: PlanOptions): CompiledPairModel;
}

/** A PairModel on an execution plan; dispose() gives the plan's WebAssembly memory back. */
export interface CompiledPairModel extends PairModel {
  dispose(): void;
}

export type ModelOptionValue = number | string | boolean;
export type ModelOptions = Record<string, ModelOptionValue>;

/** One model option a zoo entry accepts, with its default and the values allowed. */
export interface OptionSpec {
  default: ModelOptionValue;
  description: string;
  /** Allowed strings (for string options). */
  choices?: string[];
  /** Inclusive bounds (for number options). */
  min?: number;
  max?: number;
  integer?: boolean;
}

export type ModelBuilder = (options: ModelOptions, rng: Rng) => PairModel;
