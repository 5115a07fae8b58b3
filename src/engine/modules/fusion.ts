import type { Module } from '../module.js';
import type { Tensor } from '../tensor.js';
import { ReLU } from './activations.js';
import { Conv2d } from './conv.js';
import { ModuleError } from './module-error.js';
import { MaxPool2d } from './pool.js';

/** One step of a Sequential: one child, or several run as one. Errors come out prefixed with the child's name. */
export interface Step {
  forward(x: Tensor, training: boolean): Tensor;
  backward(gradOut: Tensor): Tensor;
}

/** Runs a child's pass, prefixing the child's name to any error it throws. */
export function inChild<T>(name: string, run: () => T): T {
  try {
    return run();
  } catch (e) {
    if (e instanceof ModuleError) throw new ModuleError([name, ...e.path], e.detail, e.cause);
    if (e instanceof Error) throw new ModuleError([name], e.message, e);
    throw e;
  }
}

function single(name: string, m: Module): Step {
  return {
    forward: (x, training) => inChild(name, () => m.forward(x, training)),
    backward: (g) => inChild(name, () => m.backward(g)),
  };
}

/**
 * Conv2d -> ReLU (-> MaxPool2d) as one step: Conv2d.forwardRelu, one fused kernel call per chunk each way (the conv
 * and ReLU outputs stay in WebAssembly memory; pooled, the backward pass is sparse). The ReLU and MaxPool2d modules
 * are not called (they hold no state the result depends on) and compute exactly what the fused kernel does.
 */
function convRelu(convName: string, conv: Conv2d, reluName: string, pool: [string, MaxPool2d] | undefined): Step {
  const poolShape = pool && { k: pool[1].kernel, stride: pool[1].stride };
  return {
    forward: (x) => {
      const convShape = inChild(convName, () => conv.outputShape(x));
      const pooled = pool && inChild(pool[0], () => pool[1].shapeFor(convShape));
      return inChild(convName, () => conv.forwardRelu(x, poolShape, pooled));
    },
    backward: (g) => inChild(pool ? pool[0] : reluName, () => conv.backward(g)),
  };
}

/** The steps of a Sequential's children: every Conv2d directly followed by ReLU (and MaxPool2d) is fused. */
export function planSteps(children: [string, Module][]): Step[] {
  const steps: Step[] = [];
  for (let i = 0; i < children.length; i++) {
    const [name, m] = children[i];
    const next = children[i + 1];
    if (m instanceof Conv2d && next && next[1] instanceof ReLU) {
      const after = children[i + 2];
      const pool = after && after[1] instanceof MaxPool2d ? (after as [string, MaxPool2d]) : undefined;
      steps.push(convRelu(name, m, next[0], pool));
      i += pool ? 2 : 1;
    } else {
      steps.push(single(name, m));
    }
  }
  return steps;
}
