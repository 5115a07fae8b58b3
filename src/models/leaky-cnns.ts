/**
 * Report 001 (Jaubert, Roquette, Soldatenkov): model_0 (MLP), model_1, model_2 with LeakyReLU, 2-output
 * softmax + cross-entropy; WS (one branch shared by both images), AUX2 (digit heads; without WS each image gets
 * its own branch), AUX1 (model_2 + a head on the comparison target branched after the second convolution).
 *
 * Discrepancies (the report's Table I does not follow from its own layer list):
 * - model_0: a two-hidden-layer MLP; 392-128-64-2 gives Table I's 58,690 exactly.
 * - model_1: Linear(1568, 16) needs 7x7 maps (32*7*7), which kernel-2 convolutions of a 14x14 input reach only
 *   with padding 1 on the first one (15 -> 14 -> pool 7); we pad it. 27,362 parameters vs Table I's 13,154.
 * - model_2: the layer list gives 247,110 parameters vs Table I's 113,506 (and the text's 337,216 for WS+AUX).
 * - The WS/AUX2 branches end in 10 digit logits feeding the comparison layers; WS+AUX is the WS network trained
 *   with digit losses (Table I lists different counts for WS and WS+AUX; one architecture serves both here).
 * - AUX1's head ("a classifier similar to model_1's"): MaxPool 2 -> LeakyReLU -> Linear(2304, 16) -> LeakyReLU ->
 *   Linear(16, 2); its loss uses the comparison target, weighted by loss.aux.
 * - The dropout in model_2 has no stated rate: option `dropout`, default 0.5 (PyTorch's default).
 */
import { Conv2d, Dropout, Flatten, Linear, MaxPool2d, PairShared, type Module, type Rng } from '../engine/index.js';
import { AuxTap } from './aux-tap.js';
import { comparison } from './comparator.js';
import { activation, layers, type Entry } from './layers.js';
import type { ModelOptions, PairModel } from './model.js';
import { PairNetwork } from './pair-network.js';
import { PairSeparate } from './pair-separate.js';

const lrelu = (): Module => activation('leaky-relu');

export function buildLeakyMlp(_o: ModelOptions, rng: Rng): PairModel {
  const body = layers([
    ['flatten', new Flatten()],
    ['fc1', new Linear(392, 128, rng)],
    ['act1', lrelu()],
    ['fc2', new Linear(128, 64, rng)],
    ['act2', lrelu()],
    ['fc3', new Linear(64, 2, rng)],
  ]);
  return new PairNetwork({ name: 'lrelu-mlp', body, mainLoss: 'ce' });
}

/** model_1's layers on `inChannels` images, ending in `out` units. */
function cnn1(inChannels: number, out: number, rng: Rng): Module {
  return layers([
    ['conv1', new Conv2d(inChannels, 16, 2, rng, { padding: 1 })],
    ['act1', lrelu()],
    ['conv2', new Conv2d(16, 32, 2, rng)],
    ['act2', lrelu()],
    ['pool', new MaxPool2d(2)],
    ['act3', lrelu()],
    ['flatten', new Flatten()],
    ['fc1', new Linear(1568, 16, rng)],
    ['act4', lrelu()],
    ['fc2', new Linear(16, out, rng)],
  ]);
}

/** model_2's convolutions (2 -> 32 -> 64, pool, -> 128) and classifier; `tap` after the second convolution. */
function cnn2(inChannels: number, out: number, rng: Rng, p: number, tap: AuxTap | null): Module {
  const tail: Entry[] =
    out === 2
      ? [
          ['fc2', new Linear(64, 12, rng)],
          ['drop', new Dropout(p, rng.fork('dropout'))],
          ['fc3', new Linear(12, 2, rng)],
        ]
      : [['fc2', new Linear(64, out, rng)]];
  return layers([
    ['conv1', new Conv2d(inChannels, 32, 2, rng)],
    ['act1', lrelu()],
    ['conv2', new Conv2d(32, 64, 2, rng)],
    ['act2', lrelu()],
    ['aux1', tap],
    ['pool', new MaxPool2d(2)],
    ['conv3', new Conv2d(64, 128, 2, rng)],
    ['act3', lrelu()],
    ['flatten', new Flatten()],
    ['fc1', new Linear(3200, 64, rng)],
    ['act4', lrelu()],
    ...tail,
  ]);
}

/** Comparison layers on the 10 + 10 digit logits: model_1 -> Linear(20, 2); model_2 -> 20 -> 12 -> dropout -> 2. */
function compare(deep: boolean, rng: Rng, p: number): Entry[] {
  if (!deep) return [['act', lrelu()], ['fc', new Linear(20, 2, rng)]];
  return [
    ['act', lrelu()],
    ['fc1', new Linear(20, 12, rng)],
    ['drop', new Dropout(p, rng.fork('dropout'))],
    ['fc2', new Linear(12, 2, rng)],
  ];
}

function variant(name: string, deep: boolean, mode: 'plain' | 'ws' | 'aux2' | 'aux1', o: ModelOptions, rng: Rng): PairModel {
  const p = (o.dropout as number | undefined) ?? 0.5;
  const branch = (inCh: number, out: number, tap: AuxTap | null = null): Module =>
    deep ? cnn2(inCh, out, rng, p, tap) : cnn1(inCh, out, rng);
  if (mode === 'plain') return new PairNetwork({ name, body: branch(2, 2), mainLoss: 'ce' });
  if (mode === 'aux1') {
    const head = layers([
      ['pool', new MaxPool2d(2)],
      ['act1', lrelu()],
      ['flatten', new Flatten()],
      ['fc1', new Linear(2304, 16, rng)],
      ['act2', lrelu()],
      ['fc2', new Linear(16, 2, rng)],
    ]);
    const tap = new AuxTap(head);
    return new PairNetwork({ name, body: branch(2, 2, tap), mainLoss: 'ce', auxMain: tap });
  }
  const tap = new AuxTap();
  const pair = mode === 'ws' ? new PairShared(branch(1, 10)) : new PairSeparate(branch(1, 10), branch(1, 10));
  const head = comparison(o, () => compare(deep, rng, p), 'ce');
  const body = layers([['branches', pair], ['digits', tap], ...head.entries]);
  return new PairNetwork({ name, body, mainLoss: head.mainLoss, digits: { layout: 'columns', tap } });
}

export const buildLeakyCnn1 = (o: ModelOptions, rng: Rng): PairModel => variant('lrelu-cnn1', false, 'plain', o, rng);
export const buildLeakyCnn1Ws = (o: ModelOptions, rng: Rng): PairModel => variant('lrelu-cnn1-ws', false, 'ws', o, rng);
export const buildLeakyCnn1Aux2 = (o: ModelOptions, rng: Rng): PairModel => variant('lrelu-cnn1-aux2', false, 'aux2', o, rng);
export const buildLeakyCnn2 = (o: ModelOptions, rng: Rng): PairModel => variant('lrelu-cnn2', true, 'plain', o, rng);
export const buildLeakyCnn2Ws = (o: ModelOptions, rng: Rng): PairModel => variant('lrelu-cnn2-ws', true, 'ws', o, rng);
export const buildLeakyCnn2Aux1 = (o: ModelOptions, rng: Rng): PairModel => variant('lrelu-cnn2-aux1', true, 'aux1', o, rng);
export const buildLeakyCnn2Aux2 = (o: ModelOptions, rng: Rng): PairModel => variant('lrelu-cnn2-aux2', true, 'aux2', o, rng);
