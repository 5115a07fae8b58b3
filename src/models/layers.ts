import { LeakyReLU, ReLU, Sequential, type Module } from '../engine/index.js';

/** Shorthands shared by the zoo builders. */
export type Activation = 'relu' | 'leaky-relu';

export function activation(kind: Activation): Module {
  return kind === 'relu' ? new ReLU() : new LeakyReLU(0.01);
}

/** A named layer; null marks an optional layer that is left out. */
export type Entry = [string, Module | null];

/** Sequential.named, skipping entries whose module is null (optional layers such as BatchNorm or Dropout). */
export function layers(entries: Entry[]): Sequential {
  return Sequential.named(entries.filter((e): e is [string, Module] => e[1] !== null));
}
