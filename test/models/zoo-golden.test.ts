// Zoo models against PyTorch 1.13 (fixtures/make_zoo_golden.py): the same weights (loaded by parameter name), one
// training-mode forward and backward of the combined loss. Covers separate branches with per-branch taps, one
// digit classifier shared by two trunks (View), BatchNorm over both images of every pair, and the early digit head.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Rng, fromArray } from '../../src/engine/index.js';
import { loadSafetensors } from '../../src/engine/safetensors.js';
import { buildModel } from '../../src/models/registry.js';
import { PairLoss } from '../../src/training/pair-loss.js';
import { expectAllClose } from '../engine/golden-fixture.js';

interface Fixture {
  model: string;
  options: Record<string, string | number | boolean>;
  weights: { main: number; aux: number };
  input: number[];
  classes: number[];
  target: number[];
  main: number[];
  digits: [number[], number[]];
  loss: number;
  grads: Record<string, { head: number[]; norm: number }>;
  buffersAfter: Record<string, number[]>;
}

const read = (name: string): Buffer => readFileSync(new URL(`./fixtures/${name}`, import.meta.url));

describe('zoo models match PyTorch 1.13', () => {
  for (const name of ['bce-cnn-aux', 'bce-resnet-aux', 'digitcnn-ws-bn']) {
    it(`${name}: outputs, loss, parameter gradients, BatchNorm buffers`, () => {
      const f = JSON.parse(read(`${name}.json`).toString('utf8')) as Fixture;
      const model = buildModel(f.model, f.options, new Rng(0));
      loadSafetensors(model.module, new Uint8Array(read(`${name}.initial.safetensors`)), `${name}.initial.safetensors`);
      const b = f.target.length;
      const out = model.forward(fromArray([b, 2, 14, 14], f.input), true);
      expectAllClose('main output', out.main.data, f.main);
      expectAllClose('first digit logits', out.digits![0].data, f.digits[0]);
      expectAllClose('second digit logits', out.digits![1].data, f.digits[1]);
      const targets = {
        target: Int32Array.from(f.target),
        first: Int32Array.from(f.classes.filter((_, i) => i % 2 === 0)),
        second: Int32Array.from(f.classes.filter((_, i) => i % 2 === 1)),
      };
      const loss = new PairLoss(model.mainLoss);
      expectAllClose('loss', [loss.forward(out, targets, f.weights).total], [f.loss]);
      model.backward(loss.backward());
      const params = new Map(model.params().map((p) => [p.name, p.grad.data]));
      expect([...params.keys()].sort()).toEqual(Object.keys(f.grads).sort());
      for (const [pname, g] of Object.entries(f.grads)) {
        const ours = params.get(pname)!;
        const norm = Math.sqrt(ours.reduce((acc, v) => acc + v * v, 0));
        expectAllClose(`${pname} gradient norm`, [norm], [g.norm]);
        expectAllClose(`${pname} gradient`, ours.subarray(0, g.head.length), g.head);
      }
      const buffers = new Map(model.buffers().map((x) => [x.name, x.value.data]));
      for (const [bname, v] of Object.entries(f.buffersAfter)) expectAllClose(bname, buffers.get(bname)!, v);
    });
  }
});
