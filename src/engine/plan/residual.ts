import type { Pass } from '../module.js';
import { ReLU } from '../modules/activations.js';
import type { Residual } from '../modules/containers.js';
import { inChild } from '../modules/module-error.js';
import { expectGradShape } from '../modules/shape-check.js';
import { TensorSlots } from '../modules/slots.js';
import type { Tensor } from '../tensor.js';
import type { ConvChain } from './conv-chain.js';

/**
 * A Residual whose body is one ConvChain and whose shortcut is the identity (after: none or ReLU): the sum and its
 * ReLU run in WebAssembly memory with the chain's activations, and only x and the sum cross to JS (the ReLU module is
 * not called). A backward after an evaluation forward runs the module as it is.
 */
export class ChainedResidual implements Pass {
  private readonly relu: boolean;
  private sum: Tensor | undefined;
  private readonly sumSlots = new TensorSlots();
  private readonly gradInSlots = new TensorSlots();
  /** The input of the last forward in evaluation (undefined after one in training). */
  private evalInput: Tensor | undefined;

  constructor(
    private readonly residual: Residual,
    private readonly chain: ConvChain,
  ) {
    this.relu = residual.after instanceof ReLU;
  }

  forward(x: Tensor, training: boolean): Tensor {
    const chain = this.chain;
    this.residual.checkShapes(inChild('body', () => chain.outputShape(x.shape, training)), x.shape);
    const sum = (this.sum = this.sumSlots.get(x.shape));
    inChild('body', () => chain.forwardResidual(x, this.relu, sum, training));
    this.evalInput = training ? undefined : x;
    return sum;
  }

  backward(gradOut: Tensor): Tensor {
    const x = this.evalInput;
    if (x) {
      this.residual.forward(x, false);
      return this.residual.backward(gradOut);
    }
    expectGradShape(this.residual, gradOut.shape, this.sum?.shape);
    return inChild('body', () => this.chain.backwardResidual(gradOut, this.gradInSlots.get(gradOut.shape)));
  }
}
