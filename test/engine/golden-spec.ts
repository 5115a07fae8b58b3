// Builds pairnet modules from the JSON module specs of the golden fixtures; tools/golden/torch_specs.py
// builds the PyTorch twin from the same spec.
import type { Module } from '../../src/engine/module.js';
import {
  AvgPool2d,
  BatchNorm1d,
  BatchNorm2d,
  Conv2d,
  Dropout,
  Flatten,
  LeakyReLU,
  Linear,
  LogSoftmax,
  MaxPool2d,
  PairShared,
  ReLU,
  Residual,
  Rng,
  Sequential,
  Sigmoid,
  Softmax,
  Tanh,
} from '../../src/engine/index.js';

export interface ModuleSpec {
  type: string;
  [key: string]: unknown;
}

export function buildModule(spec: ModuleSpec, rng: Rng = new Rng(0)): Module {
  const n = (key: string): number => spec[key] as number;
  const opt = <T>(key: string, fallback: T): T => (spec[key] === undefined ? fallback : (spec[key] as T));
  const child = (key: string): Module | undefined =>
    spec[key] === undefined ? undefined : buildModule(spec[key] as ModuleSpec, rng);
  switch (spec.type) {
    case 'Linear':
      return new Linear(n('in'), n('out'), rng, { bias: opt('bias', true) });
    case 'Conv2d':
      return new Conv2d(n('in'), n('out'), n('kernel'), rng, {
        stride: opt('stride', 1),
        padding: opt('padding', 0),
        bias: opt('bias', true),
      });
    case 'MaxPool2d':
      return new MaxPool2d(n('kernel'), opt('stride', n('kernel')));
    case 'AvgPool2d':
      return new AvgPool2d(n('kernel'), opt('stride', n('kernel')));
    case 'BatchNorm1d':
    case 'BatchNorm2d': {
      const Norm = spec.type === 'BatchNorm1d' ? BatchNorm1d : BatchNorm2d;
      return new Norm(n('features'), { momentum: opt('momentum', 0.1), eps: opt('eps', 1e-5) });
    }
    case 'Dropout':
      return new Dropout(n('p'), rng);
    case 'ReLU':
      return new ReLU();
    case 'LeakyReLU':
      return new LeakyReLU(opt('slope', 0.01));
    case 'Tanh':
      return new Tanh();
    case 'Sigmoid':
      return new Sigmoid();
    case 'Flatten':
      return new Flatten();
    case 'Softmax':
      return new Softmax();
    case 'LogSoftmax':
      return new LogSoftmax();
    case 'Sequential':
      return new Sequential(...(spec.children as ModuleSpec[]).map((c) => buildModule(c, rng)));
    case 'Residual':
      return new Residual(child('body') as Module, { shortcut: child('shortcut'), after: child('after') });
    case 'PairShared':
      return new PairShared(child('branch') as Module);
    default:
      throw new Error(`golden spec: unknown module type '${spec.type}'`);
  }
}
