/**
 * A long-lived region of the kernels' WebAssembly memory owned by a JS object (an optimizer's state, a layer chain's
 * activations), for data only kernels read between calls: it stays there instead of being copied in and out per call.
 * Resizing releases the old region and dispose() the last one, for reuse by the next region of the same size (a
 * study's runs in one worker); the owner's dispose() must call it, or the region stays taken for the kernels' life.
 */
import type { WasmKernels } from './wasm-kernels.js';

export class ResidentRegion {
  private held: { offset: number; floats: number } | undefined;

  constructor(private readonly kernels: WasmKernels) {}

  /** The byte offset of a zeroed region of `floats` floats (the current one if it has that size, kept as it is). */
  ensure(floats: number): number {
    if (this.held?.floats === floats) return this.held.offset;
    this.dispose();
    this.held = { offset: this.kernels.allocate(floats), floats };
    return this.held.offset;
  }

  /** Releases the region (a later ensure allocates again). */
  dispose(): void {
    if (!this.held) return;
    this.kernels.release(this.held.offset, this.held.floats);
    this.held = undefined;
  }
}
