import { defaultBackend, Rng, type LRSchedule, type Optimizer } from '../engine/index.js';
import { kernelVariant } from '../engine/kernels/index.js';
import { augmentPairs, type MnistSource, type PairSet } from '../data/browser.js';
import { prepareRunData, type RunData } from '../data/run-data.js';
import type { CompiledPairModel, PairModel } from '../models/model.js';
import { buildModel } from '../models/registry.js';
import type { RunConfig } from './config.js';
import { evaluateEnsemble } from './ensemble.js';
import { evaluate, type Evaluation } from './evaluate.js';
import { Batch } from './batches.js';
import { auxWeightAt, makeOptimizer, makeSchedule } from './optimizer.js';
import { PairLoss, predictTarget, type LossWeights } from './pair-loss.js';
import { NonFiniteLossError, type EpochMetrics, type MemberMetrics, type Provenance, type RunRecord } from './record.js';
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
  /** The trained model (the first member of an ensemble). */
  model: PairModel;
  /** Every member of the ensemble (just `model` without one). */
  members: PairModel[];
  data: RunData;
}

/** One model of a run, with its optimizer and its own streams of shuffles and augmentation draws. */
interface Member {
  model: PairModel;
  net: CompiledPairModel;
  optimizer: Optimizer;
  schedule: LRSchedule | null;
  shuffleRng: Rng;
  augmentRng: Rng;
  augmented?: PairSet;
}

/**
 * Trains config.model as configured; returns the run record, the trained model(s) and the data (for saving weights).
 * Every random draw comes from streams derived from config.seed (pairs and holdout folds in the data layer; 'init',
 * 'shuffle', 'augment' here, and 'member-k' for the k-th extra member of an ensemble), so the record (apart from
 * timings) is a pure function of the resolved config.
 */
export function trainModel(config: RunConfig, hooks: TrainingHooks): TrainedRun {
  validateRunConfig(config);
  const root = new Rng(config.seed);
  // Training and evaluation run on each model's execution plan (its parameters are the model's); the plans and the
  // optimizers run on one backend and keep state in its memory until disposed.
  const backend = defaultBackend();
  const members: Member[] = [];
  try {
    const count = config.ensemble ?? 1;
    for (let k = 0; k < count; k++) {
      const rng = k === 0 ? root : root.fork(`member-${k}`);
      const model = buildModel(config.model, config.modelOptions, rng.fork('init'));
      const net = model.compile({ backend });
      const optimizer = makeOptimizer(config.optimizer, model.params(), backend);
      const schedule = makeSchedule(config.schedule, optimizer, config.epochs);
      members.push({ model, net, optimizer, schedule, shuffleRng: rng.fork('shuffle'), augmentRng: rng.fork('augment') });
    }
    return { ...train(config, hooks, members, backend.name), model: members[0].model, members: members.map((m) => m.model) };
  } finally {
    for (const m of members) {
      m.net.dispose();
      m.optimizer.dispose();
    }
  }
}

/** The record's backend field: absent on WebAssembly alone (as every record before native kernels). */
function backendField(name: string): { backend?: string } {
  return name === `wasm-${kernelVariant()}` ? {} : { backend: name };
}

function train(config: RunConfig, hooks: TrainingHooks, members: Member[], backend: string): Omit<TrainedRun, 'model' | 'members'> {
  const startedAt = new Date().toISOString();
  const source = hooks.loadData(config.data.source);
  const data = prepareRunData(source, config.data, config.seed);
  const first = members[0].net;
  if (config.loss.aux > 0 && !first.hasDigits && !first.hasAuxMain) {
    throw new Error(`model '${config.model}' has no auxiliary outputs: loss.aux must be 0, got ${config.loss.aux}`);
  }
  const nets = members.map((m) => m.net);
  const score = (set: PairSet): Evaluation =>
    nets.length === 1 && !config.tta ? evaluate(nets[0], set) : evaluateEnsemble(nets, set, { tta: config.tta ?? 0, fill: data.background });
  const loss = new PairLoss(first.mainLoss);
  const batch = new Batch();
  const epochs: EpochMetrics[] = [];
  const t0 = performance.now();
  let finalTest: Evaluation | null = null;

  for (let epoch = 0; epoch < config.epochs; epoch++) {
    const te = performance.now();
    const weights = { main: config.loss.main, aux: auxWeightAt(config.loss, epoch, config.epochs) };
    const lr = members[0].optimizer.lr;
    let lossSum = 0;
    let correct = 0;
    for (let k = 0; k < members.length; k++) {
      const m = trainEpoch(config, hooks, members[k], data, { loss, batch, weights, epoch, member: members.length > 1 ? k : null });
      lossSum += m.lossSum;
      correct += m.correct;
    }
    const last = epoch === config.epochs - 1;
    const test = config.evalEveryEpoch || last ? score(data.test) : null;
    if (last) finalTest = test;
    const n = data.train.count * members.length;
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
  const finalTrain = score(data.train);
  if (!finalTest) throw new Error('trainModel: no final evaluation (epochs must be >= 1)');
  const record = runRecord(config, hooks, members.length, first, source, data, { epochs, finalTrain, finalTest, trainingSeconds, startedAt, backend });
  if (members.length > 1 || config.tta) record.members = nets.map((net) => memberMetrics(evaluate(net, data.test)));
  return { record, data };
}

/** The run's record: its config, the data it saw, the metrics, and where and how it was computed. */
function runRecord(
  config: RunConfig,
  hooks: TrainingHooks,
  members: number,
  model: PairModel,
  source: MnistSource,
  data: RunData,
  r: { epochs: EpochMetrics[]; finalTrain: Evaluation; finalTest: Evaluation; trainingSeconds: number; startedAt: string; backend: string },
): RunRecord {
  return {
    pairnetVersion: PAIRNET_VERSION,
    config,
    dataSource: `${source.description}; ${data.train.count} train pairs, evaluated on ${data.evaluatedOn} (${data.test.count} pairs)${data.stats ? `; standardised with train mean ${data.stats.mean.toFixed(4)}, std ${data.stats.std.toFixed(4)}` : ''}`,
    parameterCount: model.parameterCount() * members,
    epochs: r.epochs,
    final: {
      trainLoss: r.finalTrain.loss,
      trainAccuracy: r.finalTrain.accuracy,
      testLoss: r.finalTest.loss,
      testAccuracy: r.finalTest.accuracy,
      testDigitAccuracy: r.finalTest.digitAccuracy,
    },
    trainingSeconds: r.trainingSeconds,
    startedAt: r.startedAt,
    provenance: { commit: null, node: null, cpu: null, ...hooks.environment, kernels: kernelVariant(), ...backendField(r.backend) },
  };
}

function memberMetrics(e: Evaluation): MemberMetrics {
  return { testLoss: e.loss, testAccuracy: e.accuracy, testDigitAccuracy: e.digitAccuracy };
}

interface EpochContext {
  loss: PairLoss;
  batch: Batch;
  weights: LossWeights;
  epoch: number;
  /** The member's index in an ensemble (for messages), null without one. */
  member: number | null;
}

/** One epoch of one member over (its augmentation of) the training pairs: the sum of its main losses and its hits. */
function trainEpoch(config: RunConfig, hooks: TrainingHooks, member: Member, data: RunData, c: EpochContext): { lossSum: number; correct: number } {
  const { net: model, optimizer } = member;
  const { batch, loss } = c;
  const n = data.train.count;
  const steps = Math.ceil(n / config.batchSize);
  const train = augmentPairs(data.train, config.data.augment, member.augmentRng, { fill: data.background, out: member.augmented });
  if (train !== data.train) member.augmented = train;
  const order = member.shuffleRng.permutation(n);
  let lossSum = 0;
  let correct = 0;
  for (let step = 0; step < steps; step++) {
    const from = step * config.batchSize;
    const to = Math.min(n, from + config.batchSize);
    const x = batch.fill(train, order, from, to);
    optimizer.zeroGrad();
    const out = model.forward(x, true);
    const v = loss.forward(out, batch.targets, c.weights);
    if (!Number.isFinite(v.total)) {
      const who = c.member === null ? config.model : `${config.model} (ensemble member ${c.member + 1})`;
      const message = `${who}: loss is ${v.total} at epoch ${c.epoch + 1}, batch ${step + 1} of ${steps} (main ${v.main}, aux ${v.aux}); lower optimizer.lr?`;
      throw new NonFiniteLossError({ message, epoch: c.epoch + 1, batch: step + 1 });
    }
    model.backward(loss.backward());
    optimizer.step();
    lossSum += v.main * (to - from);
    for (let j = 0; j < to - from; j++) if (predictTarget(model.mainLoss, out.main, j) === batch.targets.target[j]) correct++;
    hooks.onStep?.(step + 1, steps, c.epoch + 1);
  }
  member.schedule?.step();
  return { lossSum, correct };
}
