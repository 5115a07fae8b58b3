/** A dense float32 tensor: flat row-major data plus a shape. Images are NCHW. */
export interface Tensor {
  data: Float32Array;
  shape: number[];
}

export function numel(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function shapeString(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

export function zeros(shape: readonly number[]): Tensor {
  return { data: new Float32Array(numel(shape)), shape: [...shape] };
}

export function fromArray(shape: readonly number[], values: ArrayLike<number>): Tensor {
  if (values.length !== numel(shape)) {
    throw new Error(`fromArray: ${values.length} values do not fill shape ${shapeString(shape)}`);
  }
  return { data: Float32Array.from(values), shape: [...shape] };
}

/** Same data, new shape (no copy). */
export function reshape(t: Tensor, shape: readonly number[]): Tensor {
  if (numel(shape) !== t.data.length) {
    throw new Error(`reshape: cannot view ${shapeString(t.shape)} as ${shapeString(shape)}`);
  }
  return { data: t.data, shape: [...shape] };
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/**
 * Returns `buf` if it already has `shape`, else a fresh zeroed tensor of that shape.
 * Modules keep their output and gradient buffers in fields and pass them through this,
 * so the training hot path allocates only when the batch size changes.
 */
export function ensure(buf: Tensor | undefined, shape: readonly number[]): Tensor {
  if (buf && sameShape(buf.shape, shape)) return buf;
  return zeros(shape);
}
