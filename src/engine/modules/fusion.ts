import type { Module } from '../module.js';
import { ReLU } from './activations.js';
import { BatchNorm, BatchNorm2d } from './batchnorm.js';
import { Conv2d } from './conv.js';
import { ConvChain, type ConvBlock } from './conv-chain.js';
import { MaxPool2d } from './pool.js';
import { inChild, type Step } from './step.js';

function single(name: string, m: Module): Step {
  return {
    forward: (x, training) => inChild(name, () => m.forward(x, training)),
    backward: (g) => inChild(name, () => m.backward(g)),
  };
}

/** BatchNorm -> ReLU in one kernel each way (the ReLU module is not called: the kernel computes what it would). */
function batchNormRelu(name: string, bn: BatchNorm): Step {
  return {
    forward: (x, training) => inChild(name, () => bn.forwardRelu(x, training)),
    backward: (g) => inChild(name, () => bn.backward(g)),
  };
}

/**
 * The steps of a Sequential's children: every Conv2d directly followed by ReLU (and MaxPool2d) is fused, a Conv2d
 * directly followed by BatchNorm2d (and ReLU) is a block too, and consecutive blocks run as one ConvChain (their
 * activations stay in WebAssembly memory); any other BatchNorm directly followed by ReLU is fused.
 */
export function planSteps(children: [string, Module][]): Step[] {
  const steps: Step[] = [];
  let chain: ConvBlock[] = [];
  const flush = (): void => {
    if (chain.length > 0) steps.push(new ConvChain(chain));
    chain = [];
  };
  for (let i = 0; i < children.length; i++) {
    const [name, m] = children[i];
    const next = children[i + 1];
    if (m instanceof Conv2d && next && next[1] instanceof ReLU) {
      const after = children[i + 2];
      const pool = after && after[1] instanceof MaxPool2d ? (after as [string, MaxPool2d]) : undefined;
      chain.push({ convName: name, conv: m, reluName: next[0], pool });
      i += pool ? 2 : 1;
    } else if (m instanceof Conv2d && next && next[1] instanceof BatchNorm2d) {
      const after = children[i + 2];
      const relu = after && after[1] instanceof ReLU ? after[0] : undefined;
      chain.push({ convName: name, conv: m, bn: next as [string, BatchNorm2d], reluName: relu });
      i += relu ? 2 : 1;
    } else if (m instanceof BatchNorm && next && next[1] instanceof ReLU) {
      flush();
      steps.push(batchNormRelu(name, m));
      i += 1;
    } else {
      flush();
      steps.push(single(name, m));
    }
  }
  flush();
  return steps;
}
