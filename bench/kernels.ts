/**
 * Conv and activation kernels section of `npm run bench`: ms per call of the engine's kernels
 * (WebAssembly, 'kernel') and the TypeScript references ('reference') for im2col, col2im, whole
 * Conv2d passes, max pooling, ReLU and LeakyReLU on ConvSepNet's sizes (batch of 25 pairs = 50 images), then the fused
 * Conv2d -> ReLU (-> MaxPool2d) passes, dropout and BatchNorm -> ReLU that training runs (Sequential fuses those layers). CPU time of
 * this process, best of several rounds.
 */
import {
  batchnormBackwardReference, batchnormForwardReference, col2imReference, conv2dBackwardReference,
  conv2dForwardReference, convOutSize, convReluBackwardReference, convReluForwardReference, convReluPlane,
  type ConvShape, defaultBackend, dropoutForwardReference, im2colReference, leakyReluBackwardReference,
  leakyReluReference, maxPool2dReference, type PoolShape, reluBackwardReference, reluReference,
} from '../src/engine/kernels/index.js';
import { bestMs } from './timing.js';

export interface KernelFigure {
  name: string;
  ms: { kernel: number; reference: number };
}

type Geometry = [number, number, number, number, number, number, number];
const COUT: Record<string, number> = { 'conv1 (50,1,14,14) k3': 12, 'conv2 (50,12,12,12) k3': 32 };

const GEOMETRIES: [string, Geometry][] = [
  ['conv1 (50,1,14,14) k3', [50, 1, 14, 14, 3, 1, 0]],
  ['conv2 (50,12,12,12) k3', [50, 12, 12, 12, 3, 1, 0]],
];

export function benchKernels(minMs = 30, rounds = 8): KernelFigure[] {
  const backend = defaultBackend();
  const figures: KernelFigure[] = [];
  const time = (name: string, kernel: () => void, reference: () => void) =>
    figures.push({ name, ms: { kernel: bestMs(kernel, minMs, rounds), reference: bestMs(reference, minMs, 1) } });
  for (const [name, [N, C, H, W, k, s, p]] of GEOMETRIES) {
    const rows = N * convOutSize(H, k, s, p) * convOutSize(W, k, s, p);
    const x = Float32Array.from({ length: N * C * H * W }, () => Math.random());
    const cols = new Float32Array(rows * C * k * k);
    const dx = new Float32Array(x.length);
    time(`im2col ${name}`, () => backend.im2col(x, N, C, H, W, k, s, p, cols), () => im2colReference(x, N, C, H, W, k, s, p, cols));
    time(`col2im ${name}`, () => backend.col2im(cols, N, C, H, W, k, s, p, dx), () => col2imReference(cols, N, C, H, W, k, s, p, dx));
    const shape: ConvShape = { N, C, H, W, Cout: COUT[name], k, stride: s, pad: p };
    const w = Float32Array.from({ length: shape.Cout * C * k * k }, () => Math.random() - 0.5);
    const bias = new Float32Array(shape.Cout);
    const out = new Float32Array(rows * shape.Cout);
    const dw = new Float32Array(w.length);
    const db = new Float32Array(shape.Cout);
    time(`conv2dForward ${name} -> ${shape.Cout}`, () => backend.conv2dForward(shape, x, w, bias, out), () => conv2dForwardReference(shape, x, w, bias, out));
    time(
      `conv2dBackward ${name} -> ${shape.Cout}`,
      () => backend.conv2dBackward(shape, x, out, w, dw, db, dx),
      () => conv2dBackwardReference(shape, x, out, w, dw, db, dx),
    );
  }
  const n = 50 * 32 * 10 * 10; // conv2's output
  const x = Float32Array.from({ length: n }, () => Math.random() - 0.5);
  const y = new Float32Array(n);
  const dy = Float32Array.from({ length: n }, () => Math.random() - 0.5);
  const dx = new Float32Array(n);
  backend.relu(x, y);
  const pooled = new Float32Array(n / 4);
  const argmax = new Int32Array(n / 4);
  time('maxPool2d 2x2 (50,32,10,10)', () => backend.maxPool2d(1600, 10, 10, 2, 2, x, pooled, argmax), () => maxPool2dReference(1600, 10, 10, 2, 2, x, pooled, argmax));
  time(`relu ${n}`, () => backend.relu(x, y), () => reluReference(x, y));
  time(`reluBackward ${n}`, () => backend.reluBackward(y, dy, dx), () => reluBackwardReference(y, dy, dx));
  time(`leakyRelu ${n}`, () => backend.leakyRelu(0.01, x, y), () => leakyReluReference(0.01, x, y));
  time(`leakyReluBackward ${n}`, () => backend.leakyReluBackward(0.01, x, dy, dx), () => leakyReluBackwardReference(0.01, x, dy, dx));
  fusedFigures(time);
  batchnormFigures(time);
  return figures;
}

/** The passes training runs: conv1 + ReLU (no input gradient), conv2 + ReLU + pool (Winograd forward, sparse backward). */
function fusedFigures(time: (name: string, kernel: () => void, reference: () => void) => void): void {
  const backend = defaultBackend();
  const cases: [string, ConvShape, PoolShape | undefined, boolean][] = [
    ['conv1+relu (50,1,14,14) -> 12', { N: 50, C: 1, H: 14, W: 14, Cout: 12, k: 3, stride: 1, pad: 0 }, undefined, false],
    ['conv2+relu+pool (50,12,12,12) -> 32', { N: 50, C: 12, H: 12, W: 12, Cout: 32, k: 3, stride: 1, pad: 0 }, { k: 2, stride: 2 }, true],
  ];
  for (const [name, s, pool, inputGradient] of cases) {
    const x = Float32Array.from({ length: s.N * s.C * s.H * s.W }, () => Math.random() - 0.5);
    const w = Float32Array.from({ length: s.Cout * s.C * s.k * s.k }, () => Math.random() - 0.5);
    const [b, dw, db] = [new Float32Array(s.Cout), new Float32Array(w.length), new Float32Array(s.Cout)];
    const out = new Float32Array(s.N * s.Cout * convReluPlane(s, pool));
    const arg = pool && new Int32Array(out.length);
    // Half the incoming gradient zero, as after ConvSepNet's dropout.
    const gy = Float32Array.from({ length: out.length }, () => (Math.random() < 0.5 ? 0 : Math.random() - 0.5));
    const dx = inputGradient ? new Float32Array(x.length) : undefined;
    time(`convReluForward ${name}`, () => backend.convReluForward(s, pool, x, w, b, out, arg), () => convReluForwardReference(s, pool, x, w, b, out, arg));
    time(
      `convReluBackward ${name}${inputGradient ? '' : ' (no dx)'}`,
      () => backend.convReluBackward(s, pool, x, gy, out, arg, w, dw, db, dx),
      () => convReluBackwardReference(s, pool, x, gy, out, arg, w, dw, db, dx),
    );
  }
  const n = 50 * 800;
  const x = Float32Array.from({ length: n }, () => Math.random() - 0.5);
  const [y, mask] = [new Float32Array(n), new Float32Array(n)];
  const seed = Array.from({ length: 16 }, (_, i) => (i + 1) * 2654435761);
  time(`dropoutForward ${n}`, () => backend.dropoutForward(seed, 2 ** 31, 2, x, y, mask), () => dropoutForwardReference(seed, 2 ** 31, 2, x, y, mask));
}

/** BatchNorm2d -> ReLU as the ResNets of reports 003/004 run it (batch of 16 pairs, 32 channels of 14x14). */
function batchnormFigures(time: (name: string, kernel: () => void, reference: () => void) => void): void {
  const backend = defaultBackend();
  const s = { N: 16, C: 32, S: 196 };
  const n = s.N * s.C * s.S;
  const rand = (k: number) => Float32Array.from({ length: k }, () => Math.random() - 0.5);
  const [x, gy, gamma, beta, dgamma, dbeta] = [rand(n), rand(n), rand(s.C), rand(s.C), rand(s.C), rand(s.C)];
  const [xhat, y, dx, invStd] = [new Float32Array(n), new Float32Array(n), new Float32Array(n), new Float32Array(s.C)];
  const [rm, rv] = [new Float32Array(s.C), new Float32Array(s.C).fill(1)];
  const o = { training: true, relu: true, momentum: 0.1, eps: 1e-5 };
  const name = 'batchnorm+relu (16,32,14,14)';
  time(`batchnormForward ${name}`, () => backend.batchnormForward(s, o, x, gamma, beta, rm, rv, xhat, y, invStd), () =>
    batchnormForwardReference(s, o, x, gamma, beta, rm, rv, xhat, y, invStd));
  time(`batchnormBackward ${name}`, () => backend.batchnormBackward(s, o, gy, xhat, gamma, beta, invStd, dgamma, dbeta, dx), () =>
    batchnormBackwardReference(s, o, gy, xhat, gamma, beta, invStd, dgamma, dbeta, dx));
}

export function formatKernelTable(figures: KernelFigure[]): string {
  const head = ['kernel', 'wasm ms', 'reference ms'];
  const rows = figures.map((f) => [f.name, f.ms.kernel.toFixed(3), f.ms.reference.toFixed(3)]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(head), ...rows.map(line)].join('\n');
}
