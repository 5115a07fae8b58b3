/**
 * Conv methods section of `npm run bench`: ms per call of conv2dForward / conv2dBackward by each method that fits the
 * pass (im2col, direct, winograd; convMethod picks the fastest) on the ResNets' convs: the blocks' 32 -> 32 3x3 pad 1
 * on 14x14 and the first conv from 1 or 2 channels (backward without input gradient, as a first layer). The methods
 * are timed in turn, round after round, in this process (CPU time, median of the rounds), so that a busy machine
 * slows them alike; the ratio is im2col's time over the method's. Where the native addon is built, a `native` row
 * times NativeBackend's conv (its own method: Winograd or direct, native/src/conv*.c) in the same rounds.
 */
import {
  conv2dBackwardWasm, conv2dForwardWasm, convMethodFits, kernelVariant, NativeBackend, nativeStatus, wasmKernels, type ConvMethod,
  type ConvShape,
} from '../src/engine/kernels/index.js';
import { msPerCall } from './timing.js';

export interface ConvFigure {
  name: string;
  method: ConvMethod | 'native';
  ms: number;
  /** im2col's ms over this method's, same rounds. */
  speedup: number;
}

const METHODS: ConvMethod[] = ['im2col', 'direct', 'winograd'];

const resnet = (N: number, C: number): ConvShape => ({ N, C, H: 14, W: 14, Cout: 32, k: 3, stride: 1, pad: 1 });
const SHAPES: ConvShape[] = [resnet(16, 32), resnet(32, 32), resnet(64, 32), resnet(32, 1), resnet(32, 2)];

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1];

export function benchConv(minMs = 30, rounds = 7): ConvFigure[] {
  const figures: ConvFigure[] = [];
  const rand = (n: number) => Float32Array.from({ length: n }, () => Math.random() - 0.5);
  const kernels = wasmKernels();
  const native = nativeStatus().available ? new NativeBackend(kernelVariant()) : undefined;
  for (const s of SHAPES) {
    const x = rand(s.N * s.C * s.H * s.W), w = rand(s.Cout * s.C * 9), b = rand(s.Cout);
    const out = new Float32Array(s.N * s.Cout * s.H * s.W), gy = rand(out.length);
    const [dw, db] = [new Float32Array(w.length), new Float32Array(s.Cout)];
    const dx = s.C > 2 ? new Float32Array(x.length) : undefined;
    type Method = ConvMethod | 'native';
    const passes = {
      forward: (m: Method) => () => (m === 'native' ? native?.conv2dForward(s, x, w, b, out) : conv2dForwardWasm(kernels, s, x, w, b, out, m)),
      backward: (m: Method) => () =>
        m === 'native' ? native?.conv2dBackward(s, x, gy, w, dw, db, dx) : conv2dBackwardWasm(kernels, s, x, gy, w, dw, db, dx, m),
    };
    for (const [pass, run] of Object.entries(passes) as ['forward' | 'backward', (m: Method) => () => void][]) {
      const methods: Method[] = [...METHODS.filter((m) => convMethodFits(s, pass, m)), ...(native ? ['native' as const] : [])];
      const ms = new Map(methods.map((m) => [m, [] as number[]]));
      for (const m of methods) run(m)();
      for (let r = 0; r < rounds; r++) for (const m of methods) ms.get(m)?.push(msPerCall(run(m), minMs));
      const base = median(ms.get('im2col') ?? []);
      const name = `${pass} (${s.N},${s.C},14,14) -> 32${pass === 'backward' && !dx ? ' (no dx)' : ''}`;
      for (const m of methods) {
        const t = median(ms.get(m) ?? []);
        figures.push({ name, method: m, ms: t, speedup: base / t });
      }
    }
  }
  native?.dispose();
  return figures;
}

export function formatConvTable(figures: ConvFigure[]): string {
  const head = ['pass', 'method', 'ms', 'vs im2col'];
  const rows = figures.map((f) => [f.name, f.method, f.ms.toFixed(3), `${f.speedup.toFixed(2)}x`]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(head), ...rows.map(line)].join('\n');
}
