/**
 * One training run of the disc task, written only against the public engine API (`pairnet/engine`):
 * forward, MSE loss, backward, SGD step, with no autograd anywhere.
 */
import { Linear, MSELoss, MultiStepLR, ReLU, Rng, SGD, Sequential, Tanh, ensure } from '../engine/index.js';
import type { Module, Tensor } from '../engine/index.js';
import { generateDiscSet, type DiscSet } from '../data/disc.js';
import { computeStandardization, standardizeValues, type Standardization } from '../data/standardize.js';
import { DISC_HIDDEN, type DiscActivation, type DiscConfig } from './config.js';

export interface DiscEpoch {
  epoch: number;
  /** Mean training MSE over the epoch's mini-batches (weighted by batch size). */
  loss: number;
  /** Errors after the epoch; null when the run evaluates only at the end (curves off). */
  trainError: number | null;
  testError: number | null;
}

export interface DiscRun {
  config: DiscConfig;
  epochs: DiscEpoch[];
  trainError: number;
  testError: number;
  /** Wall time of the training loop (forward, backward, step), without the per-epoch evaluations. */
  trainingSeconds: number;
  /** CPU time of the same loop (user + system): robust to other processes sharing the machine. */
  trainingCpuSeconds: number;
  model: Sequential;
  /** The raw points (in [0,1]^2); the model sees them through `inputTransform`. */
  train: DiscSet;
  test: DiscSet;
  /** Applied to raw points before the model (identity when the config does not standardise). */
  inputTransform: Standardization;
}

const IDENTITY: Standardization = { mean: 0, std: 1 };

/** The statement's network: 2 -> 25 -> 25 -> 25 -> outputs, with the activation after each hidden layer. */
export function buildDiscNet(activation: DiscActivation, outputs: 1 | 2, rng: Rng): Sequential {
  const layers: Module[] = [];
  let width = 2;
  for (const hidden of DISC_HIDDEN) {
    layers.push(new Linear(width, hidden, rng), activation === 'tanh' ? new Tanh() : new ReLU());
    width = hidden;
  }
  layers.push(new Linear(width, outputs, rng));
  return new Sequential(...layers);
}

/** MSE targets: the 0/1 label itself for one output, one-hot for two. */
export function discTargets(labels: ArrayLike<number>, outputs: 1 | 2): Float32Array {
  const t = new Float32Array(labels.length * outputs);
  for (let i = 0; i < labels.length; i++) {
    if (outputs === 1) t[i] = labels[i];
    else t[i * 2 + labels[i]] = 1;
  }
  return t;
}

/** Predicted classes from network outputs: output > 0.5 for one output, argmax for two. */
export function discClasses(out: Tensor, outputs: 1 | 2): Uint8Array {
  const n = out.shape[0];
  const cls = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    cls[i] = outputs === 1 ? (out.data[i] > 0.5 ? 1 : 0) : out.data[2 * i + 1] > out.data[2 * i] ? 1 : 0;
  }
  return cls;
}

/** Classes predicted by `model` for raw points given as a flat [x0, y0, x1, y1, ...] array. */
export function predictDisc(model: Module, points: Float32Array, outputs: 1 | 2, transform: Standardization): Uint8Array {
  const x = standardizeValues(points, transform);
  return discClasses(model.forward({ data: x, shape: [points.length / 2, 2] }, false), outputs);
}

export function discErrorRate(model: Module, set: DiscSet, outputs: 1 | 2, transform: Standardization): number {
  const cls = predictDisc(model, set.input, outputs, transform);
  let wrong = 0;
  for (let i = 0; i < set.count; i++) if (cls[i] !== set.target[i]) wrong++;
  return wrong / set.count;
}

export interface TrainDiscOptions {
  /** Evaluate train and test error after every epoch (for curves); off, only the final errors are computed. */
  curves?: boolean;
  onEpoch?: (e: DiscEpoch) => void;
}

/**
 * Trains one network from `config.seed`: data, initial weights and shuffling come from separate forks of
 * one Rng, so the same config gives the same run bit for bit. `onEpoch` sees each epoch's metrics as they come.
 */
export function trainDisc(config: DiscConfig, { curves = true, onEpoch }: TrainDiscOptions = {}): DiscRun {
  const rng = new Rng(config.seed);
  const dataRng = rng.fork('data');
  const train = generateDiscSet(config.trainPoints, dataRng);
  const test = generateDiscSet(config.testPoints, dataRng);
  const transform = config.standardize ? computeStandardization({ ...train, classes: new Int32Array(0) }) : IDENTITY;
  const trainX = standardizeValues(train.input, transform);
  const model = buildDiscNet(config.activation, config.outputs, rng.fork('init'));
  const shuffleRng = rng.fork('shuffle');
  const lossFn = new MSELoss();
  const optimizer = new SGD(model.params(), { lr: config.lr });
  const schedule = new MultiStepLR(optimizer, config.decayEpoch > 0 ? [config.decayEpoch] : [], config.decayFactor);
  const targets = discTargets(train.target, config.outputs);
  const k = config.outputs;

  let xb: Tensor | undefined;
  let tb: Tensor | undefined;
  const epochs: DiscEpoch[] = [];
  let trainingMs = 0;
  let cpuMicros = 0;
  let trainError = 0;
  let testError = 0;
  for (let epoch = 1; epoch <= config.epochs; epoch++) {
    const started = performance.now();
    const cpuStart = process.cpuUsage();
    const order = shuffleRng.permutation(train.count);
    let lossSum = 0;
    for (let start = 0; start < train.count; start += config.batchSize) {
      const b = Math.min(config.batchSize, train.count - start);
      xb = ensure(xb, [b, 2]);
      tb = ensure(tb, [b, k]);
      for (let j = 0; j < b; j++) {
        const i = order[start + j];
        xb.data[2 * j] = trainX[2 * i];
        xb.data[2 * j + 1] = trainX[2 * i + 1];
        for (let c = 0; c < k; c++) tb.data[k * j + c] = targets[k * i + c];
      }
      optimizer.zeroGrad();
      lossSum += lossFn.forward(model.forward(xb, true), tb) * b;
      model.backward(lossFn.backward());
      optimizer.step();
    }
    schedule.step();
    trainingMs += performance.now() - started;
    const cpu = process.cpuUsage(cpuStart);
    cpuMicros += cpu.user + cpu.system;
    const evaluate = curves || epoch === config.epochs;
    if (evaluate) {
      trainError = discErrorRate(model, train, config.outputs, transform);
      testError = discErrorRate(model, test, config.outputs, transform);
    }
    const metrics: DiscEpoch = {
      epoch,
      loss: lossSum / train.count,
      trainError: evaluate ? trainError : null,
      testError: evaluate ? testError : null,
    };
    epochs.push(metrics);
    onEpoch?.(metrics);
  }
  return {
    config,
    epochs,
    trainError,
    testError,
    trainingSeconds: trainingMs / 1000,
    trainingCpuSeconds: cpuMicros / 1e6,
    model,
    train,
    test,
    inputTransform: transform,
  };
}
