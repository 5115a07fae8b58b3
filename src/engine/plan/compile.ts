/**
 * compile(module) turns a module tree into an execution plan: the same forward and backward as the modules' own
 * (src/engine/modules, the reference the plan is tested against), with patterns fused below the modules (fusion.ts:
 * conv -> relu -> pool, conv -> batchnorm -> relu chains whose activations stay in WebAssembly memory, a residual sum
 * in its body's chain) and evaluation in chunks. The modules hold the parameters and buffers; the plan holds what its
 * passes keep between forward and backward, and gives its WebAssembly memory back on dispose().
 */
import { defaultBackend, ResidentRegion, type Backend } from '../kernels/index.js';
import type { Module, Pass } from '../module.js';
import { ReLU } from '../modules/activations.js';
import { Residual, Sequential } from '../modules/containers.js';
import type { Tensor } from '../tensor.js';
import { ConvChain } from './conv-chain.js';
import { planSteps } from './fusion.js';
import type { Planner } from './planner.js';
import { ChainedResidual } from './residual.js';

export interface PlanOptions {
  /** The backend the plan runs on, every module of it (default: defaultBackend()). */
  backend?: Backend;
}

/** A compiled module tree: forward(x, training) then backward(gradOut), as the module's. */
export interface Plan extends Pass {
  readonly backend: Backend;
  /** Releases what the plan holds in its backend's memory; the plan must not be used after. */
  dispose(): void;
}

/** A Sequential's compiled children, run in order. */
class SequentialSteps implements Pass {
  constructor(readonly steps: Pass[]) {}

  forward(x: Tensor, training: boolean): Tensor {
    let y = x;
    for (const step of this.steps) y = step.forward(y, training);
    return y;
  }

  backward(gradOut: Tensor): Tensor {
    let g = gradOut;
    for (let i = this.steps.length - 1; i >= 0; i--) g = this.steps[i].backward(g);
    return g;
  }

  /** The ConvChain that runs all the children, if they form one. */
  soleChain(): ConvChain | undefined {
    return this.steps.length === 1 && this.steps[0] instanceof ConvChain ? this.steps[0] : undefined;
  }
}

export function compile(module: Module, { backend = defaultBackend() }: PlanOptions = {}): Plan {
  const owned: { dispose(): void }[] = [];
  const planner: Planner = {
    backend,
    compile: (m) => compileModule(planner, m),
    own: (x) => {
      owned.push(x);
      return x;
    },
    region: () => planner.own(new ResidentRegion(backend)),
  };
  const root = compileModule(planner, module);
  return {
    backend,
    forward: (x, training) => root.forward(x, training),
    backward: (g) => root.backward(g),
    dispose: () => {
      for (const x of owned) x.dispose();
      owned.length = 0;
    },
  };
}

function compileModule(planner: Planner, m: Module): Pass {
  if (m instanceof Sequential) return new SequentialSteps(planSteps(planner, m.namedChildren()));
  if (m instanceof Residual) {
    const body = planner.compile(m.body);
    const plain = !m.shortcut && (!m.after || m.after instanceof ReLU);
    const chain = plain && body instanceof SequentialSteps ? body.soleChain() : undefined;
    if (chain) return new ChainedResidual(m, chain);
    return m.routed((child) => (child === m.body ? body : planner.compile(child)), planner.backend);
  }
  if (m.routed) return m.routed(planner.compile, planner.backend);
  return m.on ? m.on(planner.backend) : m;
}
