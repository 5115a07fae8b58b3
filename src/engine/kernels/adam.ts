/**
 * One Adam step (torch.optim.Adam 1.13, asm/adam.ts): the reference, the copying WebAssembly binding, and the resident
 * variant AdamMoments, which keeps the moment estimates in linear memory for the optimizer's lifetime: a step then
 * copies only the weights and gradients in and the weights out (3 arrays instead of 7).
 */
import { checkLength } from './check.js';
import { ResidentRegion } from './resident.js';
import type { WasmInstance } from './wasm/instance.js';

/** Adam's hyper-parameters for one step t: stepSize = lr / (1 - b1^t), invC2 = 1 / sqrt(1 - b2^t). */
export interface AdamStepOptions {
  beta1: number;
  beta2: number;
  stepSize: number;
  invC2: number;
  eps: number;
  weightDecay: number;
}

/**
 * One Adam step over w, in place with its state m and v (torch.optim.Adam 1.13): g' = g + wd*w,
 * m = b1*m + (1-b1)*g', v = b2*v + (1-b2)*g'^2, w -= stepSize * m / (sqrt(v)*invC2 + eps).
 */
export function adamStepReference(w: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, o: AdamStepOptions): void {
  for (let i = 0; i < w.length; i++) {
    const gi = g[i] + o.weightDecay * w[i];
    m[i] = o.beta1 * m[i] + (1 - o.beta1) * gi;
    v[i] = o.beta2 * v[i] + (1 - o.beta2) * gi * gi;
    w[i] -= (o.stepSize * m[i]) / (Math.sqrt(v[i]) * o.invC2 + o.eps);
  }
}

/** One Adam step in float32 SIMD, w, m and v (same length) updated in place from g (at least as long); as adamStepReference. */
export function adamStepWasm(
  kernels: WasmInstance, w: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, o: AdamStepOptions,
): void {
  const n = w.length;
  for (const [name, arr] of [['g', g], ['m', m], ['v', v]] as const) checkLength('adamStep', name, arr, n);
  const [offW, offG, offM, offV] = kernels.layout([n, n, n, n]);
  const f32 = kernels.heap;
  f32.set(w, offW >> 2);
  f32.set(g.subarray(0, n), offG >> 2);
  f32.set(m.subarray(0, n), offM >> 2);
  f32.set(v.subarray(0, n), offV >> 2);
  kernels.exports.adamStep(
    n, offW, offG, offM, offV, o.beta1, 1 - o.beta1, o.beta2, 1 - o.beta2, o.stepSize, o.invC2, o.eps, o.weightDecay,
  );
  w.set(f32.subarray(offW >> 2, (offW >> 2) + n));
  m.set(f32.subarray(offM >> 2, (offM >> 2) + n));
  v.set(f32.subarray(offV >> 2, (offV >> 2) + n));
}

export class AdamMoments {
  private readonly region: ResidentRegion;
  private readonly offset: number;
  /** Element offset of parameter p's m within the region (its v follows at + sizes[p]). */
  private readonly starts: number[] = [];

  constructor(
    private readonly kernels: WasmInstance,
    private readonly sizes: readonly number[],
  ) {
    this.region = new ResidentRegion(kernels);
    let total = 0;
    for (const n of sizes) {
      this.starts.push(total);
      // m and v of each parameter 16-byte aligned (the kernel works 4 lanes at a time).
      total += 2 * ((n + 3) & ~3);
    }
    this.offset = this.region.ensure(total);
  }

  /** Releases the moments' region. */
  dispose(): void {
    this.region.dispose();
  }

  /** One Adam step of parameter p (w updated in place from g); as adamStepReference with this parameter's m and v. */
  step(p: number, w: Float32Array, g: Float32Array, o: AdamStepOptions): void {
    const n = this.sizes[p];
    if (w.length !== n || g.length < n) throw new Error(`adamStep: parameter ${p} has ${n} elements, got w ${w.length}, g ${g.length}`);
    const k = this.kernels;
    const [offW, offG] = k.layout([n, n]);
    const heap = k.heap;
    heap.set(w, offW >> 2);
    heap.set(g.subarray(0, n), offG >> 2);
    const offM = this.offset + 4 * this.starts[p];
    const offV = offM + 4 * ((n + 3) & ~3);
    k.exports.adamStep(
      n, offW, offG, offM, offV, o.beta1, 1 - o.beta1, o.beta2, 1 - o.beta2, o.stepSize, o.invC2, o.eps, o.weightDecay,
    );
    w.set(heap.subarray(offW >> 2, (offW >> 2) + n));
  }
}
