/**
 * A long-lived region of the kernels' WebAssembly memory owned by a JS object (an optimizer's state, a layer chain's
 * activations), for data only kernels read between calls: it stays there instead of being copied in and out per call.
 * Resizing releases the old region; dispose() releases the last one (else it is released when the owner is
 * garbage-collected), for reuse by the next region of the same size (a study's runs in one worker).
 */
import type { WasmKernels } from './wasm-kernels.js';

interface Held {
  kernels: WasmKernels;
  offset: number;
  floats: number;
}

const registry = new FinalizationRegistry<Held>((r) => r.kernels.release(r.offset, r.floats));

export class ResidentRegion {
  private held: Held | undefined;

  constructor(private readonly kernels: WasmKernels) {}

  /** The byte offset of a zeroed region of `floats` floats (the current one if it has that size, kept as it is). */
  ensure(floats: number): number {
    if (this.held?.floats === floats) return this.held.offset;
    if (this.held) {
      registry.unregister(this);
      this.kernels.release(this.held.offset, this.held.floats);
    }
    this.held = { kernels: this.kernels, offset: this.kernels.allocate(floats), floats };
    registry.register(this, this.held, this);
    return this.held.offset;
  }

  /** Releases the region (a later ensure allocates again). */
  dispose(): void {
    if (!this.held) return;
    registry.unregister(this);
    this.kernels.release(this.held.offset, this.held.floats);
    this.held = undefined;
  }
}
