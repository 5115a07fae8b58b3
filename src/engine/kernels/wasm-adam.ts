/**
 * Adam's moment estimates kept in the kernels' WebAssembly memory for the optimizer's lifetime: a step then copies
 * only the weights and gradients in and the weights out (3 arrays instead of 7).
 */
import type { AdamStepOptions } from './reference.js';
import { ResidentRegion } from './resident.js';
import type { WasmKernels } from './wasm-kernels.js';

export class AdamMoments {
  private readonly region: ResidentRegion;
  private readonly offset: number;
  /** Element offset of parameter p's m within the region (its v follows at + sizes[p]). */
  private readonly starts: number[] = [];

  constructor(
    private readonly kernels: WasmKernels,
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
