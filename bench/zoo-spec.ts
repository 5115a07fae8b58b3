/**
 * A zoo model's module tree as the JSON module spec of tools/golden/torch_specs.py (plus the zoo's own containers:
 * AuxTap, PairSeparate, View, ProbabilisticComparison), from which bench/zoo_torch.py builds its PyTorch twin.
 */
import {
  AvgPool2d, BatchNorm, BatchNorm1d, Conv2d, Dropout, Flatten, LeakyReLU, Linear, LogSoftmax, MaxPool2d, PairShared, ReLU,
  Residual, Sequential, Sigmoid, Softmax, Tanh, type Module,
} from '../src/engine/index.js';
import { AuxTap } from '../src/models/aux-tap.js';
import { PairSeparate } from '../src/models/pair-separate.js';
import { ProbabilisticComparison } from '../src/models/probabilistic-head.js';
import { View } from '../src/models/view.js';

export interface ModuleSpec {
  type: string;
  [key: string]: unknown;
}

const PLAIN: [new (...args: never[]) => Module, string][] = [
  [ReLU, 'ReLU'], [Tanh, 'Tanh'], [Sigmoid, 'Sigmoid'], [Flatten, 'Flatten'], [Softmax, 'Softmax'], [LogSoftmax, 'LogSoftmax'],
  [ProbabilisticComparison, 'ProbabilisticComparison'],
];

export function moduleSpec(m: Module): ModuleSpec {
  if (m instanceof Linear) return { type: 'Linear', in: m.inFeatures, out: m.outFeatures, bias: m.bias !== undefined };
  if (m instanceof Conv2d) {
    return { type: 'Conv2d', in: m.inChannels, out: m.outChannels, kernel: m.kernelSize, stride: m.stride, padding: m.padding, bias: m.bias !== undefined };
  }
  if (m instanceof MaxPool2d || m instanceof AvgPool2d) {
    return { type: m instanceof MaxPool2d ? 'MaxPool2d' : 'AvgPool2d', kernel: m.kernel, stride: m.stride };
  }
  if (m instanceof BatchNorm) {
    return { type: m instanceof BatchNorm1d ? 'BatchNorm1d' : 'BatchNorm2d', features: m.features, momentum: m.momentum, eps: m.eps };
  }
  if (m instanceof Dropout) return { type: 'Dropout', p: m.p };
  if (m instanceof LeakyReLU) return { type: 'LeakyReLU', slope: m.negativeSlope };
  if (m instanceof Sequential) return { type: 'Sequential', children: m.namedChildren().map(([, c]) => moduleSpec(c)) };
  if (m instanceof Residual) {
    const spec: ModuleSpec = { type: 'Residual', body: moduleSpec(m.body) };
    if (m.shortcut) spec.shortcut = moduleSpec(m.shortcut);
    if (m.after) spec.after = moduleSpec(m.after);
    return spec;
  }
  if (m instanceof PairShared) return { type: 'PairShared', branch: moduleSpec(m.branch) };
  if (m instanceof PairSeparate) return { type: 'PairSeparate', first: moduleSpec(m.first), second: moduleSpec(m.second) };
  if (m instanceof AuxTap) return m.head ? { type: 'AuxTap', head: moduleSpec(m.head) } : { type: 'AuxTap' };
  if (m instanceof View) return { type: 'View', shape: m.shape, batchFactor: m.batchFactor };
  const plain = PLAIN.find(([cls]) => m instanceof cls);
  if (plain) return { type: plain[1] };
  throw new Error(`moduleSpec: no spec for ${m.describe()}`);
}
