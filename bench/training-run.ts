/**
 * The timed training loop of the training benchmark: the zoo's ConvSepNet with auxiliary losses on random pairs
 * of the course's shape (the data does not change the work done), batch 25, Adam 1e-3, loss
 * 0.5 * CE(main) + 0.25 * (CE(digit 1) + CE(digit 2)) — the same model, loss and loop as bench/training_torch.py.
 * model 'resnet' instead trains report 003's Siamese ResNet (bce-resnet-siamese), which has no digit outputs, on CE(main) alone.
 */
import { Adam, CrossEntropyLoss, Rng, zeros } from '../src/engine/index.js';
import { buildModel } from '../src/models/registry.js';

export type BenchModel = 'convsepnet' | 'resnet';

export interface TrainingSetup {
  pairs: number;
  batch: number;
  seed: number;
  model?: BenchModel;
}

export const DEFAULT_SETUP: TrainingSetup = { pairs: 1000, batch: 25, seed: 1 };
const ZOO_NAME: Record<BenchModel, string> = { convsepnet: 'convsepnet', resnet: 'bce-resnet-siamese' };

const IMAGE = 2 * 14 * 14;

/** A model, its data and optimizer, ready to run epochs; `epoch()` returns its wall time in ms. */
export function makeTrainer({ pairs, batch, seed, model: name = 'convsepnet' }: TrainingSetup): { epoch(): number } {
  const rng = new Rng(seed);
  const input = Float32Array.from({ length: pairs * IMAGE }, () => rng.normal());
  const classes = Int32Array.from({ length: pairs * 2 }, () => rng.int(10));
  const model = buildModel(ZOO_NAME[name], {}, rng.fork('model')).compile();
  const opt = new Adam(model.params(), { lr: 1e-3 });
  const [main, aux1, aux2] = [new CrossEntropyLoss(), new CrossEntropyLoss(), new CrossEntropyLoss()];
  const x = zeros([batch, 2, 14, 14]);
  const target = new Int32Array(batch);
  const first = new Int32Array(batch);
  const second = new Int32Array(batch);
  const order = rng.fork('order');
  return {
    epoch(): number {
      const start = performance.now();
      const perm = order.permutation(pairs);
      for (let b = 0; b + batch <= pairs; b += batch) {
        for (let i = 0; i < batch; i++) {
          const k = perm[b + i];
          x.data.set(input.subarray(k * IMAGE, (k + 1) * IMAGE), i * IMAGE);
          first[i] = classes[2 * k];
          second[i] = classes[2 * k + 1];
          target[i] = first[i] <= second[i] ? 1 : 0;
        }
        const out = model.forward(x, true);
        const digits = out.digits;
        const loss = digits
          ? 0.5 * main.forward(out.main, target) + 0.25 * (aux1.forward(digits[0], first) + aux2.forward(digits[1], second))
          : main.forward(out.main, target);
        if (!Number.isFinite(loss)) throw new Error(`training benchmark: loss ${loss} at batch ${b / batch}`);
        opt.zeroGrad();
        model.backward(digits ? { main: main.backward(0.5), digits: [aux1.backward(0.25), aux2.backward(0.25)] } : { main: main.backward(1) });
        opt.step();
      }
      return performance.now() - start;
    },
  };
}
