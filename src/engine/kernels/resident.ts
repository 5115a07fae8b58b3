/**
 * A long-lived region of a backend's memory (WebAssembly linear memory) owned by a JS object (an optimizer's state, a layer chain's
 * activations), for data only kernels read between calls: it stays there instead of being copied in and out per call.
 * Resizing releases the old region and dispose() the last one, for reuse by the next region of the same size (a
 * study's runs in one worker); the owner's dispose() must call it, or the region stays taken for the memory's life.
 */

/** Memory that hands out long-lived regions (a backend's: WebAssembly linear memory, or a native arena). */
export interface RegionMemory {
  /** The byte offset of a zeroed region of `floats` floats. */
  allocate(floats: number): number;
  /** Gives back a region of allocate(floats) for reuse. */
  release(offset: number, floats: number): void;
}

export class ResidentRegion {
  private held: { offset: number; floats: number } | undefined;

  constructor(private readonly memory: RegionMemory) {}

  /** The byte offset of a zeroed region of `floats` floats (the current one if it has that size, kept as it is). */
  ensure(floats: number): number {
    if (this.held?.floats === floats) return this.held.offset;
    this.dispose();
    this.held = { offset: this.memory.allocate(floats), floats };
    return this.held.offset;
  }

  /** Releases the region (a later ensure allocates again). */
  dispose(): void {
    if (!this.held) return;
    this.memory.release(this.held.offset, this.held.floats);
    this.held = undefined;
  }
}
