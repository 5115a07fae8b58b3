import { defaultBackend, Rng, type Optimizer } from '../engine/index.js';
import { kernelVariant } from '../engine/kernels/index.js';
import { augmentPairs, type MnistSource, type PairSet } from '../data/browser.js';
import { prepareRunData, type RunData } from '../data/run-data.js';
import type { PairModel } from '../models/model.js';
import { buildModel } from '../models/registry.js';
import type { RunConfig } from './config.js';
import { evaluate } from './evaluate.js';
import { Batch } from './batches.js';
import { auxWeightAt, makeOptimizer, makeSchedule } from './optimizer.js';
import { PairLoss, predictTarget } from './pair-loss.js';
import { NonFiniteLossError, type EpochMetrics, type Provenance, type RunRecord } from './record.js';
import { validateRunConfig } from './validate.js';
import { PAIRNET_VERSION } from './version.js';

export interface TrainingHooks {
  /** Called after every epoch (with test metrics when config.evalEveryEpoch or on the last epoch). */
  onEpoch?: (m: EpochMetrics) => void;
  /** Called after every optimizer step (for progress bars). */
  onStep?: (step: number, stepsPerEpoch: number, epoch: number) => void;
  /** Loads the digit pools for config.data.source (a cache, or the page's digits in a browser). */
  loadData: (source: string) => MnistSource;
  /** The host's part of the record's provenance (the kernel build is added here); all null when not given. */
  environment?: Omit<Provenance, 'kernels'>;
}

export interface TrainedRun {
  record: RunRecord;
  model: PairModel;
  data: RunData;
}

/**
 * Trains config.model as configured; returns the run record, the trained model and its data (for saving weights). Every random draw comes from streams derived
 * from config.seed (pairs and holdout folds in the data layer; 'init', 'shuffle', 'augment' here), so the record
 * (apart from timings) is a pure function of the resolved config.
 */
export function trainModel(config: RunConfig, hooks: TrainingHooks): TrainedRun {
  validateRunConfig(config);
  const root = new Rng(config.seed);
  const model = buildModel(config.model, config.modelOptions, root.fork('init'));
  // Training and evaluation run on the model's execution plan (its parameters are the model's); the plan and the
  // optimizer run on one backend and keep state in its memory until disposed.
  const backend = defaultBackend();
  const net = model.compile({ backend });
  const optimizer = makeOptimizer(config.optimizer, model.params(), backend);
  try {
    return { ...train(config, hooks, net, optimizer, root, backend.name), model };
  } finally {
    net.dispose();
    optimizer.dispose();
  }
}

/** The record's backend field: absent on WebAssembly alone (as every record before native kernels). */
function backendField(name: string): { backend?: string } {
  return name === `wasm-${kernelVariant()}` ? {} : { backend: name };
}

function train(
  config: RunConfig, hooks: TrainingHooks, model: PairModel, optimizer: Optimizer, root: Rng, backend: string,
): Omit<TrainedRun, 'model'> {
  const startedAt = new Date().toISOString();
  const source = hooks.loadData(config.data.source);
  const data = prepareRunData(source, config.data, config.seed);
  const shuffleRng = root.fork('shuffle');
  const augmentRng = root.fork('augment');
  if (config.loss.aux > 0 && !model.hasDigits && !model.hasAuxMain) {
    throw new Error(`model '${config.model}' has no auxiliary outputs: loss.aux must be 0, got ${config.loss.aux}`);
  }

  const schedule = makeSchedule(config.schedule, optimizer, config.epochs);
  const loss = new PairLoss(model.mainLoss);
  const batch = new Batch();
  const n = data.train.count;
  const steps = Math.ceil(n / config.batchSize);
  const epochs: EpochMetrics[] = [];
  const t0 = performance.now();
  let augmented: PairSet | undefined;
  let finalTest = null as ReturnType<typeof evaluate> | null;

  for (let epoch = 0; epoch < config.epochs; epoch++) {
    const te = performance.now();
    const weights = { main: config.loss.main, aux: auxWeightAt(config.loss, epoch, config.epochs) };
    const lr = optimizer.lr;
    const train = augmentPairs(data.train, config.data.augment, augmentRng, { fill: data.background, out: augmented });
    if (train !== data.train) augmented = train;
    const order = shuffleRng.permutation(n);
    let lossSum = 0;
    let correct = 0;
    for (let step = 0; step < steps; step++) {
      const from = step * config.batchSize;
      const to = Math.min(n, from + config.batchSize);
      const x = batch.fill(train, order, from, to);
      optimizer.zeroGrad();
      const out = model.forward(x, true);
      const v = loss.forward(out, batch.targets, weights);
      if (!Number.isFinite(v.total)) {
        const message = `${config.model}: loss is ${v.total} at epoch ${epoch + 1}, batch ${step + 1} of ${steps} (main ${v.main}, aux ${v.aux}); lower optimizer.lr?`;
        throw new NonFiniteLossError({ message, epoch: epoch + 1, batch: step + 1 });
      }
      model.backward(loss.backward());
      optimizer.step();
      lossSum += v.main * (to - from);
      for (let j = 0; j < to - from; j++) if (predictTarget(model.mainLoss, out.main, j) === batch.targets.target[j]) correct++;
      hooks.onStep?.(step + 1, steps, epoch + 1);
    }
    schedule?.step();
    const last = epoch === config.epochs - 1;
    const test = config.evalEveryEpoch || last ? evaluate(model, data.test) : null;
    if (last) finalTest = test;
    const m: EpochMetrics = {
      epoch: epoch + 1,
      lr,
      auxWeight: weights.aux,
      trainLoss: lossSum / n,
      trainAccuracy: correct / n,
      testLoss: test ? test.loss : null,
      testAccuracy: test ? test.accuracy : null,
      testDigitAccuracy: test ? test.digitAccuracy : null,
      seconds: (performance.now() - te) / 1000,
    };
    epochs.push(m);
    hooks.onEpoch?.(m);
  }
  const trainingSeconds = (performance.now() - t0) / 1000;
  const finalTrain = evaluate(model, data.train);
  if (!finalTest) throw new Error('trainModel: no final evaluation (epochs must be >= 1)');
  const record: RunRecord = {
    pairnetVersion: PAIRNET_VERSION,
    config,
    dataSource: `${source.description}; ${data.train.count} train pairs, evaluated on ${data.evaluatedOn} (${data.test.count} pairs)${data.stats ? `; standardised with train mean ${data.stats.mean.toFixed(4)}, std ${data.stats.std.toFixed(4)}` : ''}`,
    parameterCount: model.parameterCount(),
    epochs,
    final: {
      trainLoss: finalTrain.loss,
      trainAccuracy: finalTrain.accuracy,
      testLoss: finalTest.loss,
      testAccuracy: finalTest.accuracy,
      testDigitAccuracy: finalTest.digitAccuracy,
    },
    trainingSeconds,
    startedAt,
    provenance: { commit: null, node: null, cpu: null, ...hooks.environment, kernels: kernelVariant(), ...backendField(backend) },
  };
  return { record, data };
}
