import type { Rng } from '../engine/index.js';
import { buildBceNet, type BceArch, type BceVariant } from './bce-nets.js';
import { buildDigitCnnBasic, buildDigitCnnWs, buildResNet10Ws } from './digit-cnns.js';
import * as leaky from './leaky-cnns.js';
import type { ModelBuilder, ModelOptions, ModelOptionValue, OptionSpec, PairModel } from './model.js';
import { buildNllConvNet, buildNllSiamese } from './nll-nets.js';
import { COMPARATOR_OPTION } from './comparator.js';
import { LIMITS, quote } from '../io/limits.js';
import { buildConvNet, buildConvSepNet, buildFcNet, buildFinalNet, DROPOUT_OPTION } from './sepnets.js';

/** One model of the zoo. Its file's header comment gives the layers and how they follow from the report. */
export interface ZooEntry {
  name: string;
  /** Source report id ('000' .. '004', or 'new' for models no report describes). */
  report: string;
  /** The report's name for the model. */
  reportName: string;
  summary: string;
  options: Record<string, OptionSpec>;
  build: ModelBuilder;
  /** Parameter count the report prints for this model (default options), or null. */
  reportParameters: number | null;
  /** Where the zoo's reading departs from the report (empty when it does not). */
  discrepancy: string;
}

const dropout = (d: number, what = 'dropout probability'): OptionSpec => ({ ...DROPOUT_OPTION, default: d, description: what });
const SEP = { dropout: DROPOUT_OPTION, comparator: COMPARATOR_OPTION };
const RESNET = (blocks: number): Record<string, OptionSpec> => ({
  channels: { default: 32, min: 1, max: LIMITS.channels.max, integer: true, description: 'channels of every convolution' },
  blocks: { default: blocks, min: 1, max: LIMITS.blocks.max, integer: true, description: 'residual blocks' },
});
const LEAKY_NOTE = "Table I's count does not follow from the report's layer list (see src/models/leaky-cnns.ts)";

const entries: ZooEntry[] = [
  { name: 'fcnet', report: '000', reportName: 'FCNet', summary: 'MLP 392-200-20-2, dropout 0.25; digits on the 20-unit layer', options: { dropout: dropout(0.25), comparator: COMPARATOR_OPTION }, build: buildFcNet, reportParameters: 82662, discrepancy: '' },
  { name: 'convnet', report: '000', reportName: 'ConvNet', summary: 'conv 12, conv 32, pool, 800-100-20-2; digits on the 20-unit layer', options: SEP, build: buildConvNet, reportParameters: 85878, discrepancy: '' },
  { name: 'convsepnet', report: '000', reportName: 'ConvSepNet', summary: 'shared DigitNet (conv 12, conv 32, pool, 800-100-10) per image, 20-10-2', options: SEP, build: buildConvSepNet, reportParameters: 84950, discrepancy: '' },
  { name: 'finalnet', report: '000', reportName: 'FinalNet', summary: 'shared FinalDigitNet (800-400-100-10) per image, 20-10-2', options: SEP, build: buildFinalNet, reportParameters: 365350, discrepancy: '' },

  { name: 'lrelu-mlp', report: '001', reportName: 'model_0', summary: 'MLP 392-128-64-2, LeakyReLU', options: {}, build: leaky.buildLeakyMlp, reportParameters: 58690, discrepancy: '' },
  { name: 'lrelu-cnn1', report: '001', reportName: 'model_1', summary: 'conv 16 k2 (pad 1), conv 32 k2, pool, 1568-16-2', options: {}, build: leaky.buildLeakyCnn1, reportParameters: 13154, discrepancy: `${LEAKY_NOTE}; padding 1 on conv1 makes Linear(1568, 16) fit` },
  { name: 'lrelu-cnn1-ws', report: '001', reportName: 'model_1 WS', summary: 'model_1 branch shared by both images -> 10 digit logits each, 20-2', options: { comparator: COMPARATOR_OPTION }, build: leaky.buildLeakyCnn1Ws, reportParameters: 6770, discrepancy: `${LEAKY_NOTE}; WS+AUX (31,508) is this network with digit losses` },
  { name: 'lrelu-cnn1-aux2', report: '001', reportName: 'model_1 AUX2', summary: 'two separate model_1 branches -> digit logits, 20-2', options: { comparator: COMPARATOR_OPTION }, build: leaky.buildLeakyCnn1Aux2, reportParameters: 54686, discrepancy: LEAKY_NOTE },
  { name: 'lrelu-cnn2', report: '001', reportName: 'model_2', summary: 'conv 32, conv 64, pool, conv 128 (k2), 3200-64-12-dropout-2', options: { dropout: dropout(0.5, 'dropout probability (not stated; PyTorch default)') }, build: leaky.buildLeakyCnn2, reportParameters: 113506, discrepancy: LEAKY_NOTE },
  { name: 'lrelu-cnn2-ws', report: '001', reportName: 'model_2 WS', summary: 'model_2 branch shared -> 10 digit logits each, 20-12-dropout-2', options: { dropout: dropout(0.5), comparator: COMPARATOR_OPTION }, build: leaky.buildLeakyCnn2Ws, reportParameters: 56114, discrepancy: `${LEAKY_NOTE}; WS+AUX (139,028) is this network with digit losses` },
  { name: 'lrelu-cnn2-aux1', report: '001', reportName: 'model_2 AUX1', summary: 'model_2 + comparison head after conv2 (pool, 2304-16-2)', options: { dropout: dropout(0.5) }, build: leaky.buildLeakyCnn2Aux1, reportParameters: 119780, discrepancy: LEAKY_NOTE },
  { name: 'lrelu-cnn2-aux2', report: '001', reportName: 'model_2 AUX2', summary: 'two separate model_2 branches -> digit logits, 20-12-dropout-2', options: { dropout: dropout(0.5), comparator: COMPARATOR_OPTION }, build: leaky.buildLeakyCnn2Aux2, reportParameters: 171116, discrepancy: LEAKY_NOTE },

  { name: 'nll-convnet', report: '002', reportName: 'Net1', summary: 'conv 10, pool, conv 20, dropout 0.2, pool, 80-50-10-2, LogSoftmax', options: { dropout: dropout(0.2) }, build: buildNllConvNet, reportParameters: 6592, discrepancy: 'widths solved from the count; LogSoftmax + NLL instead of Softmax + NLL' },
  { name: 'nll-siamese', report: '002', reportName: 'Net2', summary: 'shared digit sub-network (convs, 80-80-10) + comparison sub-network 20-50-2', options: { dropout: dropout(0.2), comparator: COMPARATOR_OPTION }, build: buildNllSiamese, reportParameters: 10362, discrepancy: 'widths solved from the count; LogSoftmax + NLL instead of Softmax + NLL' },

  ...(['mlp', 'cnn', 'resnet'] as BceArch[]).flatMap((arch) =>
    (['plain', 'siamese', 'aux', 'aux-siamese'] as BceVariant[]).map((variant): ZooEntry => bceEntry(arch, variant)),
  ),

  { name: 'digitcnn-basic', report: '004', reportName: 'Basic model', summary: 'conv 32, pool, conv 64, pool, 256-204-2', options: {}, build: buildDigitCnnBasic, reportParameters: null, discrepancy: 'hidden width 204 taken from the complete model' },
  digitCnnWs('digitcnn-ws', 'W.S.+A.L.', false, false, null),
  digitCnnWs('digitcnn-ws-dropout', 'W.S.+A.L.+D.', false, true, null),
  digitCnnWs('digitcnn-ws-bn', 'W.S.+A.L.+B.', true, false, null),
  digitCnnWs('digitcnn-ws-bn-dropout', 'W.S.+A.L.+B.+D.', true, true, 76846),
  { name: 'resnet10-ws', report: '004', reportName: 'RN', summary: 'shared ResNet (10 blocks, 32 channels, global avg pool) -> 10 digit logits, 20-2', options: { ...RESNET(10), comparator: COMPARATOR_OPTION }, build: buildResNet10Ws, reportParameters: null, discrepancy: 'input, pooling and head not stated' },
];

/** Report 004's complex CNN: one builder, named entries for the report's rows (the options still switch freely). */
function digitCnnWs(name: string, reportName: string, batchNorm: boolean, dropout: boolean, reportParameters: number | null): ZooEntry {
  const parts = [batchNorm ? 'BatchNorm after each conv' : '', dropout ? 'dropout 0.1 + 0.2' : ''].filter(Boolean).join(', ');
  return {
    name,
    report: '004',
    reportName,
    summary: `shared digit CNN 256-204-10 per image, 20-146-2${parts ? `; ${parts}` : ''}`,
    options: {
      batchNorm: { default: batchNorm, description: 'BatchNorm2d after each convolution' },
      dropout: { default: dropout, description: 'dropout 0.1 after the convolutions and 0.2 after the first linear layer' },
      auxAt: { default: 'late', choices: ['late', 'early'], description: 'digit losses on the 10 outputs (late) or on the 256 conv features via Linear(256, 10) (early, +2,570 parameters)' },
      comparator: COMPARATOR_OPTION,
    },
    build: buildDigitCnnWs,
    reportParameters,
    discrepancy: 'widths 204 and 146 solved from the count of the +B.+D. model (76,846)',
  };
}

function bceEntry(arch: BceArch, variant: BceVariant): ZooEntry {
  const reportArch = { mlp: 'MLP', cnn: 'CNN', resnet: 'ResNet' }[arch];
  const prefix = { plain: '', siamese: 'Siamese', aux: 'Aux', 'aux-siamese': 'Auxsiamese' }[variant];
  const counts: Record<BceArch, Record<BceVariant, number>> = {
    mlp: { plain: 73314, siamese: 33172, aux: 66302, 'aux-siamese': 33172 },
    cnn: { plain: 72536, siamese: 72268, aux: 144494, 'aux-siamese': 72268 },
    resnet: { plain: 75746, siamese: 77812, aux: 152692, 'aux-siamese': 77812 },
  };
  const layout = { plain: 'on the 2-channel pair', siamese: 'shared branch per image', aux: 'separate branch per image, softmaxed digit logits', 'aux-siamese': 'shared branch, softmaxed digit logits' }[variant];
  return {
    name: `bce-${arch}${variant === 'plain' ? '' : `-${variant}`}`,
    report: '003',
    reportName: `${prefix}${reportArch}`,
    summary: `${reportArch}, ${layout}; 2 sigmoid outputs + BCE`,
    options: {
      ...(arch === 'resnet' ? { ...RESNET(4), pool: { default: 4, min: 1, max: 14, integer: true, description: 'average-pooling kernel' } } : {}),
      ...(variant === 'siamese' ? { comparator: COMPARATOR_OPTION } : {}),
    },
    build: (o, rng) => buildBceNet(arch, variant, o, rng),
    reportParameters: counts[arch][variant],
    discrepancy: arch === 'resnet' && variant === 'aux' ? 'the count implies one Linear(288, 10) shared by the two separate trunks' : '',
  };
}

export const ZOO: readonly ZooEntry[] = entries;

export function zooEntry(name: string): ZooEntry {
  const e = ZOO.find((z) => z.name === name);
  if (!e) throw new Error(`unknown model '${quote(name)}' (known: ${ZOO.map((z) => z.name).join(', ')})`);
  return e;
}

/** The entry's defaults overridden by `given`; throws naming the model, option and value when one is wrong. */
export function resolveModelOptions(name: string, given: Record<string, ModelOptionValue> = {}): ModelOptions {
  const entry = zooEntry(name);
  const out: ModelOptions = {};
  for (const key of Object.keys(given)) {
    if (!(key in entry.options)) {
      const known = Object.keys(entry.options);
      throw new Error(`model '${quote(name)}': unknown option '${quote(key)}' (${known.length ? `known: ${known.join(', ')}` : 'it takes no options'})`);
    }
  }
  for (const [key, spec] of Object.entries(entry.options)) {
    const v = key in given ? given[key] : spec.default;
    const bad = (why: string): never => {
      throw new Error(`model '${name}': option '${key}' ${why}, got ${quote(JSON.stringify(v))}`);
    };
    if (typeof v !== typeof spec.default) bad(`must be a ${typeof spec.default}`);
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) bad('must be finite');
      if (spec.integer && !Number.isInteger(v)) bad('must be an integer');
      if (spec.min !== undefined && v < spec.min) bad(`must be >= ${spec.min}`);
      if (spec.max !== undefined && v > spec.max) bad(`must be <= ${spec.max}`);
    }
    if (typeof v === 'string' && spec.choices && !spec.choices.includes(v)) bad(`must be one of ${spec.choices.join(', ')}`);
    out[key] = v;
  }
  return out;
}

/** Builds a zoo model; all its random draws (weights, dropout masks) come from `rng`. */
export function buildModel(name: string, options: Record<string, ModelOptionValue>, rng: Rng): PairModel {
  return zooEntry(name).build(resolveModelOptions(name, options), rng);
}
