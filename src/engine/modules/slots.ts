import { sameShape, zeros, type Tensor } from '../tensor.js';

/** How many shapes a module keeps buffers for: the training batch, its last partial batch and the evaluation batch. */
const SLOTS = 3;

/**
 * Buffers for the last few shapes (or lengths) a module saw, most recent first. Training and evaluation alternate
 * between batch sizes (e.g. 64 pairs, a last partial batch of 40, and 500 for evaluation); with one buffer per role
 * every switch would allocate again, and first-touching fresh memory costs time every epoch.
 * A returned buffer is overwritten by the next call that asks for the same shape.
 */
class Slots<T> {
  private readonly items: T[] = [];

  constructor(
    private readonly matches: (item: T) => boolean,
    private readonly make: () => T,
  ) {}

  get(): T {
    const items = this.items;
    if (items.length > 0 && this.matches(items[0])) return items[0];
    const i = items.findIndex(this.matches);
    const item = i >= 0 ? items.splice(i, 1)[0] : this.make();
    items.unshift(item);
    if (items.length > SLOTS) items.pop();
    return item;
  }
}

export class TensorSlots {
  private shape: readonly number[] = [];
  private readonly slots = new Slots<Tensor>(
    (t) => sameShape(t.shape, this.shape),
    () => zeros(this.shape),
  );

  get(shape: readonly number[]): Tensor {
    this.shape = shape;
    return this.slots.get();
  }
}

/** The same for plain scratch arrays, keyed by length. */
export class ArraySlots<T extends Float32Array | Int32Array> {
  private length = 0;
  private readonly slots: Slots<T>;

  constructor(make: (length: number) => T) {
    this.slots = new Slots<T>(
      (a) => a.length === this.length,
      () => make(this.length),
    );
  }

  get(length: number): T {
    this.length = length;
    return this.slots.get();
  }
}

export const float32Slots = (): ArraySlots<Float32Array> => new ArraySlots<Float32Array>((n) => new Float32Array(n));
export const int32Slots = (): ArraySlots<Int32Array> => new ArraySlots<Int32Array>((n) => new Int32Array(n));
