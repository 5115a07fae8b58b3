/** The blocks of a ConvChain (conv-chain.ts) and their passes on byte offsets of WebAssembly memory. */
import type { Backend, ConvShape, NormShape, PoolShape } from '../kernels/index.js';
import type { Module } from '../module.js';
import type { BatchNorm2d } from '../modules/batchnorm.js';
import type { Conv2d } from '../modules/conv.js';
import { inChild } from '../modules/module-error.js';
import type { MaxPool2d } from '../modules/pool.js';
import type { NormAt } from './norm.js';

/** Conv2d -> ReLU (-> MaxPool2d) or Conv2d -> BatchNorm2d (-> ReLU) children of a Sequential, with their names. */
export interface ConvBlock {
  convName: string;
  conv: Conv2d;
  /** The ReLU after the conv (or after the BatchNorm); only a block with a BatchNorm may have none. */
  reluName?: string;
  pool?: [string, MaxPool2d];
  bn?: [string, BatchNorm2d];
  /** The BatchNorm's passes on the backend's memory (with bn). */
  norm?: NormAt;
  /** The children the block stands for, in order (a backward after an evaluation forward runs them). */
  modules: [string, Module][];
}

/**
 * One block's geometry for the current batch, with the byte offsets of what its backward reads: its input, output,
 * pooling argmax (0: not pooled), and with a BatchNorm x_hat.
 */
export interface Planned {
  s: ConvShape;
  pool: PoolShape | undefined;
  outShape: number[];
  x: number;
  out: number;
  arg: number;
  norm: { shape: NormShape; xhat: number } | undefined;
}

/** A block's geometry for a batch, before its operands are laid out. */
export type Geometry = Omit<Planned, 'x' | 'out' | 'arg' | 'norm'> & { norm: NormShape | undefined };

const EMPTY = new Float32Array(0);

/** Each block's geometry for input `shape` (throws naming the child that does not fit). */
export function chainGeometry(blocks: ConvBlock[], shape: readonly number[], training: boolean): Geometry[] {
  const out: Geometry[] = [];
  let inShape = shape;
  for (const b of blocks) {
    const convShape = inChild(b.convName, () => b.conv.outputShape({ data: EMPTY, shape: [...inShape] }));
    const bn = b.bn;
    const norm = bn && inChild(bn[0], () => bn[1].normShape(convShape, training));
    const p = b.pool;
    const outShape = p ? inChild(p[0], () => p[1].shapeFor(convShape)) : convShape;
    const [N, C, H, W] = inShape;
    const s = { N, C, H, W, Cout: b.conv.outChannels, k: b.conv.kernelSize, stride: b.conv.stride, pad: b.conv.padding };
    out.push({ s, pool: p && { k: p[1].kernel, stride: p[1].stride }, outShape, norm });
    inShape = outShape;
  }
  return out;
}

/**
 * Byte offsets of one pass's transient operands, in the backend's scratch area (reused by every call, so they stay
 * in cache, unlike the chain's resident region): `pre` the conv output before a BatchNorm (its gradient in backward),
 * `from` where the backend's own scratch starts.
 */
export interface Transient {
  pre: number;
  from: number;
}

/** A block's gradient arrives at its last child (the pool, else the ReLU, else the BatchNorm): errors name that one. */
export const lastName = (b: ConvBlock): string => b.pool?.[0] ?? b.reluName ?? (b.bn as [string, BatchNorm2d])[0];

/** A residual sum taken in a block's BatchNorm pass: y = the block's output + the shortcut x, ReLU'd when relu. */
export interface ResidualAt {
  x: number;
  y: number;
  relu: boolean;
}

/** Whether blockForwardAt can take a residual sum: a BatchNorm with no ReLU of its own ends the block. */
export const takesResidual = (b: ConvBlock): boolean => b.bn !== undefined && b.reluName === undefined;

/**
 * One block: reads its input at p.x, writes its output (and argmax, x_hat) at p.out, or with `residual` (takesResidual
 * blocks only) the residual sum at residual.y instead of the output.
 */
export function blockForwardAt(
  backend: Backend, b: ConvBlock, p: Planned, t: Transient, training: boolean, residual?: ResidualAt,
): void {
  const [w, bias] = [b.conv.weight.value.data, b.conv.bias?.value.data];
  const [bn, state, norm] = [b.bn, b.norm, p.norm];
  if (!bn || !state || !norm) {
    inChild(b.convName, () => backend.convReluForwardAt(p.s, p.pool, p, w, bias, t.from));
    return;
  }
  inChild(b.convName, () => backend.conv2dForwardAt(p.s, { x: p.x, out: t.pre }, w, bias, t.from));
  const at = { x: t.pre, xhat: norm.xhat, y: residual ? residual.y : p.out, res: residual?.x };
  const relu = residual ? residual.relu : b.reluName !== undefined;
  inChild(bn[0], () => state.forward(backend, norm.shape, at, training, relu, t.from));
}

/** Backward of blockForwardAt from the output gradient at `gy`: the input gradient at `dx` (0: none). */
export function blockBackwardAt(backend: Backend, b: ConvBlock, p: Planned, t: Transient, gy: number, dx: number): void {
  const c = b.conv;
  const [w, dw, db] = [c.weight.value.data, c.weight.grad.data, c.bias?.grad.data];
  const [bn, state, norm] = [b.bn, b.norm, p.norm];
  if (!bn || !state || !norm) {
    inChild(b.convName, () => backend.convReluBackwardAt(p.s, p.pool, { x: p.x, gy, y: p.out, arg: p.arg, dx }, w, dw, db, t.from));
    return;
  }
  inChild(bn[0], () => state.backward(backend, { gy, xhat: norm.xhat, dx: t.pre }, t.from));
  inChild(b.convName, () => backend.conv2dBackwardAt(p.s, { x: p.x, gy: t.pre, dx }, w, dw, db, t.from));
}
