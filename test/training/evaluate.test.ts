import { describe, expect, it } from 'vitest';
import { prepareRunData } from '../../src/data/index.js';
import { Rng } from '../../src/engine/rng.js';
import { buildModel } from '../../src/models/registry.js';
import { Batch } from '../../src/training/batches.js';
import { defaultRunConfig } from '../../src/training/defaults.js';
import { argmax10, evaluate } from '../../src/training/evaluate.js';
import { predictTarget } from '../../src/training/pair-loss.js';
import { cachedLoadMnist } from '../../src/training/run.js';

describe('evaluate', () => {
  // A model with both dropout and BatchNorm, whose outputs differ between the two modes.
  const config = defaultRunConfig();
  const data = prepareRunData(cachedLoadMnist(config.data.source), { ...config.data, trainPairs: 200, testPairs: 300 }, 5);
  const model = buildModel('digitcnn-ws-bn-dropout', {}, new Rng(3));
  const batch = new Batch();
  const order = Int32Array.from({ length: 300 }, (_, i) => i);
  // Two training-mode passes give BatchNorm running statistics other than their initial 0 and 1.
  for (let k = 0; k < 2; k++) model.forward(batch.fill(data.train, order, 0, 200), true);
  const buffers = (): number[][] => model.buffers().map((b) => Array.from(b.value.data));

  /** Accuracy and digit accuracy of one forward pass over the whole test set in the given mode. */
  function byHand(training: boolean): [number, number] {
    const out = model.forward(batch.fill(data.test, order, 0, 300), training);
    const { target, first, second } = batch.targets;
    let correct = 0;
    let digits = 0;
    for (let j = 0; j < 300; j++) {
      correct += Number(predictTarget(model.mainLoss, out.main, j) === target[j]);
      digits += Number(argmax10(out.digits![0].data, j) === first[j]) + Number(argmax10(out.digits![1].data, j) === second[j]);
    }
    return [correct / 300, digits / 600];
  }

  it('reads a digit as the first of tied largest logits, as torch.argmax', () => {
    const d = Float32Array.from([0, 5, 5, 1, 0, 0, 0, 0, 0, 5, /* row 1 */ 9, 9, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(argmax10(d, 0)).toBe(1);
    expect(argmax10(d, 1)).toBe(0);
  });

  it('runs the model in eval mode: no running-statistics update, no dropout, the eval-mode outputs', () => {
    const before = buffers();
    expect(before.some((b) => b.some((v) => v !== 0 && v !== 1))).toBe(true);
    const a = evaluate(model, data.test);
    expect(buffers()).toEqual(before);
    expect(evaluate(model, data.test)).toEqual(a);
    expect([a.accuracy, a.digitAccuracy]).toEqual(byHand(false));
    // The check has teeth: this model scores differently in training mode.
    const saved = buffers();
    expect(byHand(true)).not.toEqual(byHand(false));
    model.buffers().forEach((b, i) => b.value.data.set(saved[i]));
  });
});
