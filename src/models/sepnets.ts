/**
 * Report 000 (Lugeon, Benkley, Berdoz): FCNet, ConvNet, ConvSepNet, FinalNet (Tables III-VI). Every model has a
 * 20-unit layer on which the two auxiliary digit losses act (Fig. 1 and section III): the 20-node hidden layer of
 * FCNet and ConvNet (columns 0..9 = first digit, 10..19 = second, before its ReLU), the concatenated 10 + 10
 * outputs of the shared DigitNet in ConvSepNet and FinalNet. This placement adds no parameters, and with it the
 * counts equal Table I exactly: 82,662 / 85,878 / 84,950 / 365,350. Main loss: 2-class cross-entropy.
 * With and without auxiliary losses is the trainer's loss weighting (f = 0.5: loss.main 0.5, loss.aux 0.25).
 */
import { Conv2d, Dropout, Flatten, Linear, MaxPool2d, PairShared, ReLU, type Module, type Rng } from '../engine/index.js';
import { AuxTap } from './aux-tap.js';
import { layers, type Entry } from './layers.js';
import type { ModelOptions, OptionSpec, PairModel } from './model.js';
import { PairNetwork } from './pair-network.js';
import { comparison } from './comparator.js';

export const DROPOUT_OPTION: OptionSpec = { default: 0.5, min: 0, max: 1, description: 'dropout probability (report: 0.5)' };

export function buildFcNet(o: ModelOptions, rng: Rng): PairModel {
  const tap = new AuxTap();
  const front: Entry[] = [
    ['flatten', new Flatten()],
    ['fc1', new Linear(392, 200, rng)],
    ['relu1', new ReLU()],
    ['drop1', new Dropout(o.dropout as number, rng.fork('dropout'))],
    ['fc2', new Linear(200, 20, rng)],
    ['digits', tap],
  ];
  const head = comparison(o, () => [['relu2', new ReLU()], ['fc3', new Linear(20, 2, rng)]], 'ce');
  const body = layers([...front, ...head.entries]);
  return new PairNetwork({ name: 'fcnet', body, mainLoss: head.mainLoss, digits: { layout: 'columns', tap } });
}

export function buildConvNet(o: ModelOptions, rng: Rng): PairModel {
  const tap = new AuxTap();
  const drop = rng.fork('dropout');
  const p = o.dropout as number;
  const front: Entry[] = [
    ...convStack(2, p, drop, rng),
    ['fc1', new Linear(800, 100, rng)],
    ['relu3', new ReLU()],
    ['drop2', new Dropout(p, drop)],
    ['fc2', new Linear(100, 20, rng)],
    ['digits', tap],
  ];
  const head = comparison(o, () => [['relu4', new ReLU()], ['fc3', new Linear(20, 2, rng)]], 'ce');
  const body = layers([...front, ...head.entries]);
  return new PairNetwork({ name: 'convnet', body, mainLoss: head.mainLoss, digits: { layout: 'columns', tap } });
}

/** The convolutions shared by ConvNet (2 channels) and DigitNet (1): 12 and 32 channels, k 3, pool 2 -> 800. */
function convStack(inChannels: number, p: number, drop: Rng, rng: Rng): Entry[] {
  return [
    ['conv1', new Conv2d(inChannels, 12, 3, rng)],
    ['relu1', new ReLU()],
    ['conv2', new Conv2d(12, 32, 3, rng)],
    ['relu2', new ReLU()],
    ['pool', new MaxPool2d(2)],
    ['drop1', new Dropout(p, drop)],
    ['flatten', new Flatten()],
  ];
}

/** DigitNet (Table V) or FinalDigitNet (Table VI, hidden = [400, 100]) on one 1x14x14 image -> 10 logits. */
function digitNet(hidden: number[], p: number, rng: Rng): Module {
  const drop = rng.fork('dropout');
  const entries = convStack(1, p, drop, rng);
  let width = 800;
  hidden.forEach((h, i) => {
    entries.push([`fc${i + 1}`, new Linear(width, h, rng)], [`relu${i + 3}`, new ReLU()], [`drop${i + 2}`, new Dropout(p, drop)]);
    width = h;
  });
  entries.push([`fc${hidden.length + 1}`, new Linear(width, 10, rng)]);
  return layers(entries);
}

function sepNet(name: string, hidden: number[], o: ModelOptions, rng: Rng): PairModel {
  const tap = new AuxTap();
  const shared = new PairShared(digitNet(hidden, o.dropout as number, rng));
  const head = comparison(o, () => [['fc1', new Linear(20, 10, rng)], ['relu', new ReLU()], ['fc2', new Linear(10, 2, rng)]], 'ce');
  const body = layers([['digitnet', shared], ['digits', tap], ...head.entries]);
  return new PairNetwork({ name, body, mainLoss: head.mainLoss, digits: { layout: 'columns', tap } });
}

export const buildConvSepNet = (o: ModelOptions, rng: Rng): PairModel => sepNet('convsepnet', [100], o, rng);
export const buildFinalNet = (o: ModelOptions, rng: Rng): PairModel => sepNet('finalnet', [400, 100], o, rng);
