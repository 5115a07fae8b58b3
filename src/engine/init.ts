import type { Rng } from './rng.js';
import type { Tensor } from './tensor.js';

/**
 * Weight initialisation with PyTorch's formulas (torch.nn.init), all drawn from the run's Rng.
 * Fans follow torch.nn.init._calculate_fan_in_and_fan_out: weight [out, in, ...kernel] has
 * fan_in = in * prod(kernel), fan_out = out * prod(kernel).
 */
export function fans(shape: readonly number[]): { fanIn: number; fanOut: number } {
  if (shape.length < 2) {
    throw new Error(`init: fan in and fan out need a tensor of at least 2 dimensions, got [${shape.join(', ')}]`);
  }
  let receptive = 1;
  for (let i = 2; i < shape.length; i++) receptive *= shape[i];
  return { fanIn: shape[1] * receptive, fanOut: shape[0] * receptive };
}

export type Nonlinearity = 'linear' | 'sigmoid' | 'tanh' | 'relu' | 'leaky_relu';

/** torch.nn.init.calculate_gain. `param` is the negative slope for leaky_relu (default 0.01). */
export function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  switch (nonlinearity) {
    case 'linear':
    case 'sigmoid':
      return 1;
    case 'tanh':
      return 5 / 3;
    case 'relu':
      return Math.SQRT2;
    case 'leaky_relu': {
      const slope = param ?? 0.01;
      return Math.sqrt(2 / (1 + slope * slope));
    }
  }
}

export function uniformFill(t: Tensor, rng: Rng, lo: number, hi: number): void {
  const d = t.data;
  for (let i = 0; i < d.length; i++) d[i] = rng.range(lo, hi);
}

export function normalFill(t: Tensor, rng: Rng, mean: number, std: number): void {
  const d = t.data;
  for (let i = 0; i < d.length; i++) d[i] = mean + std * rng.normal();
}

export function xavierUniform(t: Tensor, rng: Rng, gain = 1): void {
  const { fanIn, fanOut } = fans(t.shape);
  const bound = gain * Math.sqrt(6 / (fanIn + fanOut));
  uniformFill(t, rng, -bound, bound);
}

export function xavierNormal(t: Tensor, rng: Rng, gain = 1): void {
  const { fanIn, fanOut } = fans(t.shape);
  normalFill(t, rng, 0, gain * Math.sqrt(2 / (fanIn + fanOut)));
}

export interface KaimingOptions {
  /** Negative slope of the rectifier after this layer (only used with leaky_relu). */
  a?: number;
  mode?: 'fan_in' | 'fan_out';
  nonlinearity?: Nonlinearity;
}

function kaimingStd(shape: readonly number[], { a = 0, mode = 'fan_in', nonlinearity = 'leaky_relu' }: KaimingOptions): number {
  const { fanIn, fanOut } = fans(shape);
  const gain = calculateGain(nonlinearity, a);
  return gain / Math.sqrt(mode === 'fan_in' ? fanIn : fanOut);
}

export function kaimingUniform(t: Tensor, rng: Rng, opts: KaimingOptions = {}): void {
  const bound = Math.sqrt(3) * kaimingStd(t.shape, opts);
  uniformFill(t, rng, -bound, bound);
}

export function kaimingNormal(t: Tensor, rng: Rng, opts: KaimingOptions = {}): void {
  normalFill(t, rng, 0, kaimingStd(t.shape, opts));
}

/**
 * PyTorch's default for nn.Linear and nn.Conv2d (reset_parameters): kaiming_uniform with a = sqrt(5), which gives
 * weights U(-1/sqrt(fan_in), 1/sqrt(fan_in)), and bias U(-1/sqrt(fan_in), 1/sqrt(fan_in)). Weight first, then bias.
 */
export function pytorchDefaultInit(weight: Tensor, bias: Tensor | undefined, rng: Rng): void {
  kaimingUniform(weight, rng, { a: Math.sqrt(5) });
  if (bias) {
    const bound = 1 / Math.sqrt(fans(weight.shape).fanIn);
    uniformFill(bias, rng, -bound, bound);
  }
}
