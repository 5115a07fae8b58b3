/**
 * Conv and activation kernels section of `npm run bench`: ms per call of the engine's kernels
 * (WebAssembly, 'kernel') and the TypeScript references ('reference') for im2col, col2im, whole
 * Conv2d passes, max pooling and ReLU on ConvSepNet's sizes (batch of 25 pairs = 50 images). CPU time of this
 * process, best of several rounds.
 */
import {
  col2im, col2imReference, conv2dBackward, conv2dBackwardReference, conv2dForward, conv2dForwardReference, convOutSize,
  im2col, im2colReference, maxPool2d, maxPool2dReference, relu, reluBackward, reluBackwardReference, reluReference, type ConvShape,
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
  const figures: KernelFigure[] = [];
  const time = (name: string, kernel: () => void, reference: () => void) =>
    figures.push({ name, ms: { kernel: bestMs(kernel, minMs, rounds), reference: bestMs(reference, minMs, 1) } });
  for (const [name, [N, C, H, W, k, s, p]] of GEOMETRIES) {
    const rows = N * convOutSize(H, k, s, p) * convOutSize(W, k, s, p);
    const x = Float32Array.from({ length: N * C * H * W }, () => Math.random());
    const cols = new Float32Array(rows * C * k * k);
    const dx = new Float32Array(x.length);
    time(`im2col ${name}`, () => im2col(x, N, C, H, W, k, s, p, cols), () => im2colReference(x, N, C, H, W, k, s, p, cols));
    time(`col2im ${name}`, () => col2im(cols, N, C, H, W, k, s, p, dx), () => col2imReference(cols, N, C, H, W, k, s, p, dx));
    const shape: ConvShape = { N, C, H, W, Cout: COUT[name], k, stride: s, pad: p };
    const w = Float32Array.from({ length: shape.Cout * C * k * k }, () => Math.random() - 0.5);
    const bias = new Float32Array(shape.Cout);
    const out = new Float32Array(rows * shape.Cout);
    const dw = new Float32Array(w.length);
    const db = new Float32Array(shape.Cout);
    time(`conv2dForward ${name} -> ${shape.Cout}`, () => conv2dForward(shape, x, w, bias, out), () => conv2dForwardReference(shape, x, w, bias, out));
    time(
      `conv2dBackward ${name} -> ${shape.Cout}`,
      () => conv2dBackward(shape, x, out, w, dw, db, dx),
      () => conv2dBackwardReference(shape, x, out, w, dw, db, dx),
    );
  }
  const n = 50 * 32 * 10 * 10; // conv2's output
  const x = Float32Array.from({ length: n }, () => Math.random() - 0.5);
  const y = new Float32Array(n);
  const dy = Float32Array.from({ length: n }, () => Math.random() - 0.5);
  const dx = new Float32Array(n);
  relu(x, y);
  const pooled = new Float32Array(n / 4);
  const argmax = new Int32Array(n / 4);
  time('maxPool2d 2x2 (50,32,10,10)', () => maxPool2d(1600, 10, 10, 2, 2, x, pooled, argmax), () => maxPool2dReference(1600, 10, 10, 2, 2, x, pooled, argmax));
  time(`relu ${n}`, () => relu(x, y), () => reluReference(x, y));
  time(`reluBackward ${n}`, () => reluBackward(y, dy, dx), () => reluBackwardReference(y, dy, dx));
  return figures;
}

export function formatKernelTable(figures: KernelFigure[]): string {
  const head = ['kernel', 'wasm ms', 'reference ms'];
  const rows = figures.map((f) => [f.name, f.ms.kernel.toFixed(3), f.ms.reference.toFixed(3)]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(head), ...rows.map(line)].join('\n');
}
