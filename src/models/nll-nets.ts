/**
 * Report 002 (Hakobyan, Mahdi, Nguyen): Net1 and Net2, ReLU, max pooling, dropout 0.2 after the second
 * convolution, softmax outputs with the negative log-likelihood loss, SGD lr 0.01.
 *
 * The report gives the layer kinds and the totals (Net1 6,592, Net2 10,362) but no widths. The widths below are
 * the ones that give both totals exactly with one shared convolution stack (10 and 20 channels, kernel 3,
 * 14 -> 12 -> pool 6 -> 4 -> pool 2, so 20*2*2 = 80 features):
 * - Net1: convs on the 2-channel pair, then 80 -> 50 -> 10 -> 2 with ReLUs, LogSoftmax;
 * - Net2: the same convs on each image (shared weights), 80 -> 80 -> 10 digit logits (the digit sub-network),
 *   then the comparison sub-network 20 -> 50 -> 2 on the concatenated logits, LogSoftmax.
 * Discrepancy: the report rescales with Softmax and then applies NLL, which is not a log-likelihood; we use
 * LogSoftmax + NLL (the intended loss). Net2's "sum of two losses" is loss.main 1, loss.aux 1 (the digit loss of
 * each image counts once).
 */
import { Conv2d, Dropout, Flatten, Linear, LogSoftmax, MaxPool2d, PairShared, ReLU, type Rng } from '../engine/index.js';
import { AuxTap } from './aux-tap.js';
import { layers, type Entry } from './layers.js';
import type { ModelOptions, PairModel } from './model.js';
import { PairNetwork } from './pair-network.js';
import { comparison } from './comparator.js';

function convs(inChannels: number, p: number, rng: Rng): Entry[] {
  return [
    ['conv1', new Conv2d(inChannels, 10, 3, rng)],
    ['relu1', new ReLU()],
    ['pool1', new MaxPool2d(2)],
    ['conv2', new Conv2d(10, 20, 3, rng)],
    ['relu2', new ReLU()],
    ['drop', new Dropout(p, rng.fork('dropout'))],
    ['pool2', new MaxPool2d(2)],
    ['flatten', new Flatten()],
  ];
}

export function buildNllConvNet(o: ModelOptions, rng: Rng): PairModel {
  const body = layers([
    ...convs(2, o.dropout as number, rng),
    ['fc1', new Linear(80, 50, rng)],
    ['relu3', new ReLU()],
    ['fc2', new Linear(50, 10, rng)],
    ['relu4', new ReLU()],
    ['fc3', new Linear(10, 2, rng)],
    ['logsoftmax', new LogSoftmax()],
  ]);
  return new PairNetwork({ name: 'nll-convnet', body, mainLoss: 'nll' });
}

export function buildNllSiamese(o: ModelOptions, rng: Rng): PairModel {
  const digitNet = layers([...convs(1, o.dropout as number, rng), ['fc1', new Linear(80, 80, rng)], ['relu3', new ReLU()], ['fc2', new Linear(80, 10, rng)]]);
  const tap = new AuxTap();
  const head = comparison(
    o,
    () => [
      ['fc1', new Linear(20, 50, rng)],
      ['relu', new ReLU()],
      ['fc2', new Linear(50, 2, rng)],
      ['logsoftmax', new LogSoftmax()],
    ],
    'nll',
  );
  const body = layers([['digitnet', new PairShared(digitNet)], ['digits', tap], ['comparison', layers(head.entries)]]);
  return new PairNetwork({ name: 'nll-siamese', body, mainLoss: 'nll', digits: { layout: 'columns', tap } });
}
