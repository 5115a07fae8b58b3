import { Module, numel, reshape, shapeString, type Tensor } from '../engine/index.js';

/**
 * Reshapes [B, ...] to [B * rows, ...shape] or back without copying: `new View([10])` turns [B, 20] into
 * [2B, 10] (row 2i = first image of pair i, 2i + 1 = second) and `new View([20], 0.5)` turns it back. Lets one
 * Linear or Softmax act on each image's features of a concatenated pair.
 */
export class View extends Module {
  private inShape: number[] = [];

  constructor(
    readonly shape: number[],
    /** Batch multiplier: output batch = input batch * this. */
    readonly batchFactor = 2,
  ) {
    super();
  }

  describe(): string {
    return `View(${shapeString(this.shape)}, batch x${this.batchFactor})`;
  }

  forward(x: Tensor): Tensor {
    this.inShape = x.shape;
    const batch = x.shape[0] * this.batchFactor;
    if (!Number.isInteger(batch) || numel(this.shape) * batch !== x.data.length) {
      throw new Error(`${this.describe()}: cannot view input ${shapeString(x.shape)}`);
    }
    return reshape(x, [batch, ...this.shape]);
  }

  backward(gradOut: Tensor): Tensor {
    return reshape(gradOut, this.inShape);
  }
}
