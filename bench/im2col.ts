/**
 * im2col / col2im section of `npm run bench`: ms per call of the engine's kernels (WebAssembly) and
 * the TypeScript references on ConvSepNet's two convolutions (batch of 25 pairs = 50 images).
 * CPU time of this process, best of several rounds.
 */
import { col2im, col2imReference, convOutSize, im2col, im2colReference } from '../src/engine/kernels/index.js';

export interface Im2colFigure {
  name: string;
  /** [N, C, H, W, k, stride, pad] */
  geometry: number[];
  ms: Record<string, number>;
}

type Geometry = [number, number, number, number, number, number, number];

const GEOMETRIES: [string, Geometry][] = [
  ['conv1 1->12 k3 on 14x14', [50, 1, 14, 14, 3, 1, 0]],
  ['conv2 12->32 k3 on 12x12', [50, 12, 12, 12, 3, 1, 0]],
];

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

function bestMs(fn: () => void, minMs: number, rounds: number): number {
  fn();
  let best = Infinity;
  for (let r = 0; r < rounds; r++) {
    let calls = 0;
    const t0 = cpuMs();
    let t = t0;
    while (t - t0 < minMs || calls === 0) {
      fn();
      calls++;
      t = cpuMs();
    }
    best = Math.min(best, (t - t0) / calls);
  }
  return best;
}

export function benchIm2col(minMs = 30, rounds = 8): Im2colFigure[] {
  return GEOMETRIES.map(([name, g]) => {
    const [N, C, H, W, k, s, p] = g;
    const rows = N * convOutSize(H, k, s, p) * convOutSize(W, k, s, p);
    const x = Float32Array.from({ length: N * C * H * W }, () => Math.random());
    const cols = new Float32Array(rows * C * k * k);
    const dx = new Float32Array(x.length);
    return {
      name,
      geometry: g,
      ms: {
        im2col: bestMs(() => im2col(x, N, C, H, W, k, s, p, cols), minMs, rounds),
        'im2col reference': bestMs(() => im2colReference(x, N, C, H, W, k, s, p, cols), minMs, 2),
        col2im: bestMs(() => col2im(cols, N, C, H, W, k, s, p, dx), minMs, rounds),
        'col2im reference': bestMs(() => col2imReference(cols, N, C, H, W, k, s, p, dx), minMs, 2),
      },
    };
  });
}

export function formatIm2colTable(figures: Im2colFigure[]): string {
  const cols = [...new Set(figures.flatMap((f) => Object.keys(f.ms)))];
  const head = ['geometry', ...cols.map((c) => `${c} ms`)];
  const rows = figures.map((f) => [f.name, ...cols.map((c) => f.ms[c].toFixed(3))]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(head), ...rows.map(line)].join('\n');
}
