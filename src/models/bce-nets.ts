/**
 * Report 003 (Zhu, Jin, Shen): MLP, CNN and ResNet, each plain, Siamese (shared branch), Aux (digit losses,
 * separate branches) and AuxSiamese; two sigmoid outputs with BCE (main kind 'bce-onehot'), Adam, total loss
 * BCE + alpha * CE. Widths are solved from Table I; all twelve counts match it exactly:
 *   MLP 392-160-64-2 (73,314); branch 196-160-10 + Linear(20, 2): Siamese/AuxSiamese 33,172, Aux (2 branches) 66,302.
 *   CNN conv 32 k3 -> pool 2 -> conv 64 k3 -> pool 2 -> 256 -> 200 -> 10 (+ 10 -> 2 when plain): 72,536;
 *     Siamese/AuxSiamese 72,268; Aux (2 branches) 144,494.
 *   ResNet (practical 6, 32 channels, 4 blocks, avg pool 4 -> 32*3*3 = 288) -> Linear(288, 2): 75,746; branch
 *     -> Linear(288, 10) + Linear(20, 2): Siamese/AuxSiamese 77,812.
 * Discrepancy: AuxResNet's 152,692 equals two separate ResNet trunks with ONE Linear(288, 10) applied to both
 * (two separate classifiers would give 155,582), so that is what we build.
 * In the Aux models the digit logits pass through a Softmax before the comparison layer ("the second last layer is
 * followed by a Softmax in each path"); in the Siamese ones through a ReLU (option comparator: the probabilistic
 * head on the logits instead).
 */
import { Conv2d, Flatten, Linear, MaxPool2d, PairShared, ReLU, Softmax, type Module, type Rng } from '../engine/index.js';
import { AuxTap } from './aux-tap.js';
import { comparison } from './comparator.js';
import { layers, type Entry } from './layers.js';
import type { ModelOptions, PairModel } from './model.js';
import { PairNetwork, type DigitTaps } from './pair-network.js';
import { PairSeparate } from './pair-separate.js';
import { resnetFeatures, resnetTrunk } from './resnet.js';
import { View } from './view.js';

export type BceArch = 'mlp' | 'cnn' | 'resnet';
export type BceVariant = 'plain' | 'siamese' | 'aux' | 'aux-siamese';

/** The layers of one architecture on `inChannels` images, up to (not including) the output layer. */
function trunk(arch: BceArch, inChannels: number, o: ModelOptions, rng: Rng): { entries: Entry[]; width: number } {
  if (arch === 'mlp') {
    return { entries: [['flatten', new Flatten()], ['fc1', new Linear(196 * inChannels, 160, rng)], ['relu1', new ReLU()]], width: 160 };
  }
  if (arch === 'cnn') {
    return {
      entries: [
        ['conv1', new Conv2d(inChannels, 32, 3, rng)],
        ['pool1', new MaxPool2d(2)],
        ['relu1', new ReLU()],
        ['conv2', new Conv2d(32, 64, 3, rng)],
        ['pool2', new MaxPool2d(2)],
        ['relu2', new ReLU()],
        ['flatten', new Flatten()],
        ['fc1', new Linear(256, 200, rng)],
        ['relu3', new ReLU()],
      ],
      width: 200,
    };
  }
  const [c, blocks, pool] = [o.channels as number, o.blocks as number, o.pool as number];
  return { entries: [['resnet', resnetTrunk(inChannels, c, blocks, pool, rng)]], width: resnetFeatures(c, pool) };
}

function plain(arch: BceArch, o: ModelOptions, rng: Rng): Module {
  const { entries, width } = trunk(arch, 2, o, rng);
  if (arch === 'mlp') return layers([...entries, ['fc2', new Linear(160, 64, rng)], ['relu2', new ReLU()], ['fc3', new Linear(64, 2, rng)]]);
  if (arch === 'cnn') return layers([...entries, ['fc2', new Linear(200, 10, rng)], ['relu4', new ReLU()], ['fc3', new Linear(10, 2, rng)]]);
  return layers([...entries, ['fc', new Linear(width, 2, rng)]]);
}

export function buildBceNet(arch: BceArch, variant: BceVariant, o: ModelOptions, rng: Rng): PairModel {
  const name = `bce-${arch}${variant === 'plain' ? '' : `-${variant}`}`;
  if (variant === 'plain') return new PairNetwork({ name, body: plain(arch, o, rng), mainLoss: 'bce-onehot' });
  const aux = variant !== 'siamese';
  const branch = (digitTap: AuxTap | null, withFc = true): Module => {
    const { entries, width } = trunk(arch, 1, o, rng);
    const fc: Entry[] = withFc ? [['fc_digits', new Linear(width, 10, rng)]] : [];
    return layers([...entries, ...fc, ['digits', digitTap], ['softmax', digitTap ? new Softmax() : null]]);
  };
  let pair: Module;
  let digits: DigitTaps;
  if (variant === 'siamese' || variant === 'aux-siamese') {
    const tap = new AuxTap();
    pair = new PairShared(branch(aux ? tap : null));
    if (aux) digits = { layout: 'rows', tap };
    else {
      // Plain siamese: digit logits -> ReLU -> Linear(20, 2), or the probabilistic head on the logits.
      digits = { layout: 'columns', tap };
      const head = comparison(o, () => [['relu', new ReLU()], ['fc_out', new Linear(20, 2, rng)]], 'bce-onehot');
      return new PairNetwork({ name, body: layers([['branches', pair], ['digits', tap], ...head.entries]), mainLoss: head.mainLoss, digits });
    }
  } else if (arch === 'resnet') {
    // Two trunks, one digit classifier applied to each image's 288 features (see the discrepancy above).
    const tap = new AuxTap();
    const width = resnetFeatures(o.channels as number, o.pool as number);
    pair = layers([
      ['trunks', new PairSeparate(branch(null, false), branch(null, false))],
      ['per_image', new View([width])],
      ['fc_digits', new Linear(width, 10, rng)],
      ['pairs', new View([20], 0.5)],
      ['digits', tap],
      ['per_image2', new View([10])],
      ['softmax', new Softmax()],
      ['pairs2', new View([20], 0.5)],
    ]);
    digits = { layout: 'columns', tap };
  } else {
    const taps: [AuxTap, AuxTap] = [new AuxTap(), new AuxTap()];
    pair = new PairSeparate(branch(taps[0]), branch(taps[1]));
    digits = { layout: 'pair', taps };
  }
  const body = layers([['branches', pair], ['fc_out', new Linear(20, 2, rng)]]);
  return new PairNetwork({ name, body, mainLoss: 'bce-onehot', digits });
}
