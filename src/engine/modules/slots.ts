import { sameShape, zeros, type Tensor } from '../tensor.js';

/**
 * Buffers for the last two shapes (or lengths) a module saw. Training and evaluation alternate between two batch
 * sizes (e.g. 25 pairs and 500); with one buffer per role every switch would allocate again, and first-touching tens
 * of MB of fresh memory measured 70-230 ms for 100 MB here, per epoch. A returned buffer is overwritten by the next
 * call that asks for the same shape.
 */
export class TensorSlots {
  private recent: Tensor | undefined;
  private older: Tensor | undefined;

  get(shape: readonly number[]): Tensor {
    const r = this.recent;
    if (r && sameShape(r.shape, shape)) return r;
    const o = this.older;
    const t = o && sameShape(o.shape, shape) ? o : zeros(shape);
    this.older = r;
    this.recent = t;
    return t;
  }
}

/** The same for plain scratch arrays, keyed by length. */
export class ArraySlots<T extends Float32Array | Int32Array> {
  private recent: T | undefined;
  private older: T | undefined;

  constructor(private readonly make: (length: number) => T) {}

  get(length: number): T {
    const r = this.recent;
    if (r && r.length === length) return r;
    const o = this.older;
    const a = o && o.length === length ? o : this.make(length);
    this.older = r;
    this.recent = a;
    return a;
  }
}

export const float32Slots = (): ArraySlots<Float32Array> => new ArraySlots((n) => new Float32Array(n));
export const int32Slots = (): ArraySlots<Int32Array> => new ArraySlots((n) => new Int32Array(n));
