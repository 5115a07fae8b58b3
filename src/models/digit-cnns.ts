/**
 * Report 004 (Chassagne, Peeters, Guerraoui): a basic CNN (two convolutions, two linear layers) and its complex
 * versions with weight sharing + auxiliary losses, + dropout (p = 0.1 and 0.2), + batch normalisation, + both
 * (76,846 parameters); a ResNet of 10 blocks with 32 channels. CrossEntropyLoss, Adadelta, batch 100, 25 epochs.
 *
 * The report states 256 features per image after the convolutions and 10 per image after the two linear layers,
 * two more linear layers on the pair, and 76,846 parameters for the complete model, but no widths. We use the
 * course's digit CNN (conv 32 k3 -> pool 2 -> conv 64 k3 -> pool 2 = 64*2*2 = 256) with BatchNorm after each
 * convolution, dropout 0.1 after the convolutions and 0.2 after the first linear layer, and solve the two free
 * widths from the count: 256 -> 204 -> 10 per image, 20 -> 146 -> 2 on the pair gives 76,846 exactly.
 * The early auxiliary loss (on the 256 features) needs its own Linear(256, 10) digit classifier: +2,570
 * parameters. The ResNet's input, pooling and head are not given: we use the same weight-shared, aux-late layout
 * with global average pooling (32 features) -> Linear(32, 10), then Linear(20, 2).
 */
import { BatchNorm2d, Conv2d, Dropout, Flatten, Linear, MaxPool2d, PairShared, ReLU, type Rng } from '../engine/index.js';
import { AuxTap } from './aux-tap.js';
import { layers, type Entry } from './layers.js';
import type { ModelOptions, PairModel } from './model.js';
import { PairNetwork } from './pair-network.js';
import { comparison } from './comparator.js';
import { resnetTrunk } from './resnet.js';

function convs(inChannels: number, bn: boolean, rng: Rng): Entry[] {
  return [
    ['conv1', new Conv2d(inChannels, 32, 3, rng)],
    ['bn1', bn ? new BatchNorm2d(32) : null],
    ['pool1', new MaxPool2d(2)],
    ['relu1', new ReLU()],
    ['conv2', new Conv2d(32, 64, 3, rng)],
    ['bn2', bn ? new BatchNorm2d(64) : null],
    ['pool2', new MaxPool2d(2)],
    ['relu2', new ReLU()],
    ['flatten', new Flatten()],
  ];
}

export function buildDigitCnnBasic(_o: ModelOptions, rng: Rng): PairModel {
  const body = layers([...convs(2, false, rng), ['fc1', new Linear(256, 204, rng)], ['relu3', new ReLU()], ['fc2', new Linear(204, 2, rng)]]);
  return new PairNetwork({ name: 'digitcnn-basic', body, mainLoss: 'ce' });
}

/** The learned comparison layers on the concatenated digit logits [B, 20]. */
function learned(rng: Rng): Entry[] {
  return [['fc3', new Linear(20, 146, rng)], ['relu4', new ReLU()], ['fc4', new Linear(146, 2, rng)]];
}

export function buildDigitCnnWs(o: ModelOptions, rng: Rng): PairModel {
  const drop = o.dropout ? rng.fork('dropout') : null;
  const early = o.auxAt === 'early';
  const earlyTap = early ? new AuxTap(new Linear(256, 10, rng)) : null;
  const branch = layers([
    ...convs(1, o.batchNorm as boolean, rng),
    ['drop1', drop ? new Dropout(0.1, drop) : null],
    ['aux_early', earlyTap],
    ['fc1', new Linear(256, 204, rng)],
    ['relu3', new ReLU()],
    ['drop2', drop ? new Dropout(0.2, drop) : null],
    ['fc2', new Linear(204, 10, rng)],
  ]);
  const lateTap = new AuxTap();
  const { entries, mainLoss } = comparison(o, () => learned(rng), 'ce');
  const body = layers([['branch', new PairShared(branch)], ['digits', lateTap], ...entries]);
  const name = `digitcnn-ws${o.batchNorm ? '-bn' : ''}${o.dropout ? '-dropout' : ''}${early ? '-early' : ''}`;
  const digits = earlyTap ? ({ layout: 'rows', tap: earlyTap } as const) : ({ layout: 'columns', tap: lateTap } as const);
  return new PairNetwork({ name, body, mainLoss, digits });
}

export function buildResNet10Ws(o: ModelOptions, rng: Rng): PairModel {
  const c = o.channels as number;
  const branch = layers([['trunk', resnetTrunk(1, c, o.blocks as number, 14, rng)], ['fc', new Linear(c, 10, rng)]]);
  const tap = new AuxTap();
  const head = comparison(o, () => [['relu', new ReLU()], ['fc_out', new Linear(20, 2, rng)]], 'ce');
  const body = layers([['branch', new PairShared(branch)], ['digits', tap], ...head.entries]);
  return new PairNetwork({ name: 'resnet10-ws', body, mainLoss: head.mainLoss, digits: { layout: 'columns', tap } });
}
