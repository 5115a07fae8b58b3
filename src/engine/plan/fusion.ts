import type { Module, Pass } from '../module.js';
import { ReLU } from '../modules/activations.js';
import { BatchNorm, BatchNorm2d } from '../modules/batchnorm.js';
import { Conv2d } from '../modules/conv.js';
import { inChild } from '../modules/module-error.js';
import { MaxPool2d } from '../modules/pool.js';
import { ConvChain } from './conv-chain.js';
import type { ConvBlock } from './conv-chain-blocks.js';
import { NormAt, NormStep } from './norm.js';
import type { Planner } from './planner.js';

/** A child run as it was compiled, errors prefixed with its name. */
function single(name: string, m: Pass): Pass {
  return {
    forward: (x, training) => inChild(name, () => m.forward(x, training)),
    backward: (g) => inChild(name, () => m.backward(g)),
  };
}

/**
 * The steps of a Sequential's children: every Conv2d directly followed by ReLU (and MaxPool2d) is one block on the
 * fused backend, a Conv2d directly followed by BatchNorm2d (and ReLU) is a block too, and consecutive blocks run as
 * one ConvChain (their activations stay in WebAssembly memory); any other BatchNorm runs with a ReLU directly after
 * it in one pass (NormStep); every other child is compiled on its own.
 */
export function planSteps(planner: Planner, children: [string, Module][]): Pass[] {
  const steps: Pass[] = [];
  let chain: ConvBlock[] = [];
  const flush = (): void => {
    if (chain.length > 0) steps.push(planner.own(new ConvChain(planner.backend, chain)));
    chain = [];
  };
  for (let i = 0; i < children.length; i++) {
    const [name, m] = children[i];
    const next = children[i + 1];
    if (m instanceof Conv2d && next && next[1] instanceof ReLU) {
      const after = children[i + 2];
      const pool = after && after[1] instanceof MaxPool2d ? (after as [string, MaxPool2d]) : undefined;
      const modules = children.slice(i, i + (pool ? 3 : 2));
      chain.push({ convName: name, conv: m, reluName: next[0], pool, modules });
      i += modules.length - 1;
    } else if (m instanceof Conv2d && next && next[1] instanceof BatchNorm2d) {
      const after = children[i + 2];
      const relu = after && after[1] instanceof ReLU ? after[0] : undefined;
      const modules = children.slice(i, i + (relu ? 3 : 2));
      const bn = next as [string, BatchNorm2d];
      chain.push({ convName: name, conv: m, bn, norm: new NormAt(bn[1]), reluName: relu, modules });
      i += modules.length - 1;
    } else if (m instanceof BatchNorm) {
      flush();
      const relu = next !== undefined && next[1] instanceof ReLU;
      steps.push(new NormStep(planner.backend, name, m, relu, planner.region()));
      if (relu) i += 1;
    } else {
      flush();
      steps.push(single(name, planner.compile(m)));
    }
  }
  flush();
  return steps;
}
