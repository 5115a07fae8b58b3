// The containers' names, descriptions and errors: each error names the path of children it came through.
import { describe, expect, it } from 'vitest';
import { Module } from '../../src/engine/module.js';
import { LeakyReLU, ReLU } from '../../src/engine/modules/activations.js';
import { PairShared, Residual, Sequential } from '../../src/engine/modules/containers.js';
import { Linear } from '../../src/engine/modules/linear.js';
import { Flatten } from '../../src/engine/modules/shape.js';
import { Rng } from '../../src/engine/rng.js';
import { zeros, type Tensor } from '../../src/engine/tensor.js';

/** A branch that halves its batch: what PairShared must refuse. */
class HalfBatch extends Module {
  describe(): string {
    return 'HalfBatch()';
  }
  forward(x: Tensor): Tensor {
    return zeros([x.shape[0] / 2, 3]);
  }
  backward(g: Tensor): Tensor {
    return g;
  }
}

describe('Sequential', () => {
  it('names children by position or by valid unique names, and says which index is missing', () => {
    for (const bad of ['', 'a.b']) expect(() => Sequential.named([[bad, new ReLU()]])).toThrow(`Sequential.named: invalid child name '${bad}'`);
    expect(() => Sequential.named([['a', new ReLU()], ['a', new ReLU()]])).toThrow("Sequential.named: duplicate child name 'a'");
    const s = Sequential.named([['act', new ReLU()], ['flat', new Flatten()]]);
    expect(s.describe()).toBe('Sequential(act: ReLU(), flat: Flatten())');
    expect(new Sequential(new ReLU(), new LeakyReLU(0.1)).namedChildren().map(([n]) => n)).toEqual(['0', '1']);
    expect(s.length).toBe(2);
    expect(s.at(1)).toBeInstanceOf(Flatten);
    expect(() => s.at(2)).toThrow('Sequential(act: ReLU(), flat: Flatten()): no child at index 2');
    expect(() => new Sequential().inputIsData()).not.toThrow();
  });
});

describe('Residual', () => {
  const rng = new Rng(1);
  it('describes and names its body, shortcut and activation after the sum', () => {
    const full = new Residual(new Linear(3, 3, rng), { shortcut: new Linear(3, 3, rng), after: new ReLU() });
    expect(full.describe()).toBe('Residual(body: Linear(3, 3), shortcut: Linear(3, 3), after: ReLU())');
    expect(full.namedChildren().map(([n]) => n)).toEqual(['body', 'shortcut', 'after']);
    const bare = new Residual(new Linear(3, 3, rng));
    expect(bare.describe()).toBe('Residual(body: Linear(3, 3))');
    expect(bare.namedChildren().map(([n]) => n)).toEqual(['body']);
    expect(new Residual(new ReLU(), { after: new ReLU() }).namedChildren().map(([n]) => n)).toEqual(['body', 'after']);
  });

  it('errors name the child they came from; backward first says so', () => {
    const net = Sequential.named([['block', new Residual(new Linear(3, 3, rng), { shortcut: new Linear(4, 3, rng), after: new ReLU() })]]);
    expect(() => net.forward(zeros([2, 3]), true)).toThrow(/^block\.shortcut: Linear\(4, 3\): expected input \[N, 4\], got \[2, 3\]$/);
    const plain = new Residual(new Linear(3, 3, rng), { after: new ReLU() });
    expect(() => plain.backward(zeros([2, 3]))).toThrow(/^after: ReLU\(\): backward called before forward$/);
    const noAfter = new Residual(new Linear(3, 3, rng));
    expect(() => noAfter.backward(zeros([2, 3]))).toThrow('Residual(body: Linear(3, 3)): backward called before forward');
    expect(() => noAfter.forward(zeros([2, 4]), true)).toThrow(/^body: Linear\(3, 3\): expected input \[N, 3\], got \[2, 4\]$/);
    noAfter.forward(zeros([2, 3]), true);
    expect(() => noAfter.backward(zeros([2, 4]))).toThrow('Residual(body: Linear(3, 3)): expected gradient of output shape [2, 3], got [2, 4]');
  });
});

describe('PairShared', () => {
  it('takes [B, 2, ...] (also [B, 2]), refuses a branch that changes the batch, and names its branch', () => {
    const shared = new PairShared(new Linear(1, 2, new Rng(2)));
    expect(shared.describe()).toBe('PairShared(branch: Linear(1, 2))');
    expect(shared.forward(zeros([3, 2]), true).shape).toEqual([3, 4]);
    expect(shared.backward(zeros([3, 4])).shape).toEqual([3, 2]);
    expect(() => shared.forward(zeros([6]), true)).toThrow('PairShared(branch: Linear(1, 2)): expected input [B, 2, ...], got [6]');
    expect(() => shared.forward(zeros([3, 3]), true)).toThrow('PairShared(branch: Linear(1, 2)): expected input [B, 2, ...], got [3, 3]');
    expect(() => new PairShared(new HalfBatch()).forward(zeros([4, 2, 5]), true)).toThrow('PairShared(branch: HalfBatch()): branch output [4, 3] does not keep the batch of 8');
    expect(() => new PairShared(new ReLU()).backward(zeros([1, 2]))).toThrow('PairShared(branch: ReLU()): backward called before forward');
    expect(() => new PairShared(new Linear(4, 2, new Rng(2))).forward(zeros([1, 2, 3]), true)).toThrow(/^branch: Linear\(4, 2\): expected input \[N, 4\], got \[2, 1, 3\]$/);
  });
});
