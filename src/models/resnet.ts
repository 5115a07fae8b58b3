import { AvgPool2d, BatchNorm2d, Conv2d, Flatten, ReLU, Residual, Sequential, type Module, type Rng } from '../engine/index.js';
import { layers } from './layers.js';

/**
 * The residual network of the course's practical 6 (shared by reports 003 and 004): conv 3x3 (padding 1) ->
 * BatchNorm -> ReLU, then `blocks` residual blocks [conv -> BN -> ReLU -> conv -> BN, + identity, ReLU], then
 * average pooling with kernel `pool` and flattening. Output: channels * floor(14 / pool)^2 features per image.
 */
export function resnetBlock(channels: number, rng: Rng): Module {
  const body = layers([
    ['conv1', new Conv2d(channels, channels, 3, rng, { padding: 1 })],
    ['bn1', new BatchNorm2d(channels)],
    ['relu', new ReLU()],
    ['conv2', new Conv2d(channels, channels, 3, rng, { padding: 1 })],
    ['bn2', new BatchNorm2d(channels)],
  ]);
  return new Residual(body, { after: new ReLU() });
}

export function resnetTrunk(inChannels: number, channels: number, blocks: number, pool: number, rng: Rng): Sequential {
  const stack = new Sequential(...Array.from({ length: blocks }, () => resnetBlock(channels, rng)));
  return layers([
    ['conv', new Conv2d(inChannels, channels, 3, rng, { padding: 1 })],
    ['bn', new BatchNorm2d(channels)],
    ['relu', new ReLU()],
    ['blocks', stack],
    ['pool', new AvgPool2d(pool)],
    ['flatten', new Flatten()],
  ]);
}

export function resnetFeatures(channels: number, pool: number): number {
  const side = Math.floor(14 / pool);
  return channels * side * side;
}
