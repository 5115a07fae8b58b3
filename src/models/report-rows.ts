/**
 * Every result row of the five reports' tables, mapped to a zoo model and the options/overrides that reproduce it.
 * `overrides` is a partial RunConfig (loss weights, optimizer, batch size) as the report states it; fields a
 * report does not state are left to the defaults (src/training/defaults.ts).
 */
export interface ReportRow {
  report: string;
  /** Table and row as printed. */
  row: string;
  model: string;
  modelOptions: Record<string, number | string | boolean>;
  overrides: Record<string, unknown>;
  /** The report's parameter count for this row, if printed. */
  reportParameters: number | null;
  note: string;
}

const AL000 = { loss: { main: 0.5, aux: 0.25 } };
const P000 = { optimizer: { name: 'adam', lr: 1e-3 }, batchSize: 25 };
const P004 = { optimizer: { name: 'adadelta', eps: 1e-6 }, batchSize: 100, epochs: 25 };

const row = (report: string, r: string, model: string, modelOptions: ReportRow['modelOptions'], overrides: Record<string, unknown>, reportParameters: number | null, note = ''): ReportRow => ({
  report,
  row: r,
  model,
  modelOptions,
  overrides,
  reportParameters,
  note,
});

export const REPORT_ROWS: readonly ReportRow[] = [
  row('000', 'Table II: FCNet', 'fcnet', {}, P000, 82662),
  row('000', 'Table II: FCNet + AL', 'fcnet', {}, { ...P000, ...AL000 }, 82662, 'f = 0.5'),
  row('000', 'Table II: ConvNet', 'convnet', {}, P000, 85878),
  row('000', 'Table II: ConvNet + AL', 'convnet', {}, { ...P000, ...AL000 }, 85878, 'f = 0.5'),
  row('000', 'Table II: ConvSepNet', 'convsepnet', {}, P000, 84950),
  row('000', 'Table II: ConvSepNet + AL', 'convsepnet', {}, { ...P000, ...AL000 }, 84950, 'f = 0.5'),
  row('000', 'Table II: FinalNet', 'finalnet', {}, { ...P000, ...AL000 }, 365350, 'the row reports digit accuracy, so it was trained with AL (f = 0.5)'),

  row('001', 'Table I: model_0', 'lrelu-mlp', {}, {}, 58690),
  row('001', 'Table I: model_1', 'lrelu-cnn1', {}, {}, 13154, 'our count 27,362 (layer list vs table)'),
  row('001', 'Table I: model_1 WS', 'lrelu-cnn1-ws', {}, {}, 6770, 'our count 27,476'),
  row('001', 'Table I: model_1 AUX2', 'lrelu-cnn1-aux2', {}, { loss: { aux: 1 } }, 54686, 'our count 54,910; aux weight not stated (1 = plain sum)'),
  row('001', 'Table I: model_1 WS+AUX', 'lrelu-cnn1-ws', {}, { loss: { aux: 1 } }, 31508, 'our count 27,476'),
  row('001', 'Table I: model_2', 'lrelu-cnn2', {}, {}, 113506, 'our count 247,110'),
  row('001', 'Table I: model_2 WS', 'lrelu-cnn2-ws', {}, {}, 56114),
  row('001', 'Table I: model_2 AUX1', 'lrelu-cnn2-aux1', {}, { loss: { aux: 1 } }, 119780, 'aux head on the comparison target'),
  row('001', 'Table I: model_2 AUX2', 'lrelu-cnn2-aux2', {}, { loss: { aux: 1 } }, 171116),
  row('001', 'Table I: model_2 WS+AUX', 'lrelu-cnn2-ws', {}, { loss: { aux: 1 } }, 139028),

  row('002', 'Table I: Net1', 'nll-convnet', {}, { optimizer: { name: 'sgd', lr: 0.01 }, batchSize: 64 }, 6592),
  row('002', 'Table II: Net2', 'nll-siamese', {}, { optimizer: { name: 'sgd', lr: 0.01 }, batchSize: 64, loss: { main: 1, aux: 1 } }, 10362, 'one loss = sum of the sub-network losses'),

  row('003', 'Table I: MLP', 'bce-mlp', {}, { optimizer: { lr: 5e-4 }, batchSize: 8 }, 73314),
  row('003', 'Table I: SiameseMLP', 'bce-mlp-siamese', {}, { optimizer: { lr: 5e-3 }, batchSize: 8 }, 33172),
  row('003', 'Table I: AuxMLP', 'bce-mlp-aux', {}, { optimizer: { lr: 5e-3 }, batchSize: 16, loss: { aux: 0.9 } }, 66302),
  row('003', 'Table I: AuxsiameseMLP', 'bce-mlp-aux-siamese', {}, { optimizer: { lr: 5e-3 }, batchSize: 8, loss: { aux: 0.7 } }, 33172),
  row('003', 'Table I: CNN', 'bce-cnn', {}, { optimizer: { lr: 5e-4 }, batchSize: 16 }, 72536),
  row('003', 'Table I: SiameseCNN', 'bce-cnn-siamese', {}, { optimizer: { lr: 1e-3 }, batchSize: 16 }, 72268),
  row('003', 'Table I: AuxCNN', 'bce-cnn-aux', {}, { optimizer: { lr: 5e-4 }, batchSize: 8, loss: { aux: 1 } }, 144494),
  row('003', 'Table I: AuxsiameseCNN', 'bce-cnn-aux-siamese', {}, { optimizer: { lr: 5e-3 }, batchSize: 32, loss: { aux: 0.6 } }, 72268),
  row('003', 'Table I: ResNet', 'bce-resnet', {}, { optimizer: { lr: 1e-3 }, batchSize: 16 }, 75746),
  row('003', 'Table I: SiameseResNet', 'bce-resnet-siamese', {}, { optimizer: { lr: 1e-3 }, batchSize: 16 }, 77812),
  row('003', 'Table I: AuxResNet', 'bce-resnet-aux', {}, { optimizer: { lr: 1e-3 }, batchSize: 64, loss: { aux: 0.7 } }, 152692, 'one digit classifier shared by the two trunks'),
  row('003', 'Table I: AuxsiameseResNet', 'bce-resnet-aux-siamese', {}, { optimizer: { lr: 1e-3 }, batchSize: 16, loss: { aux: 0.8 } }, 77812),

  row('004', 'Results: Basic model', 'digitcnn-basic', {}, { ...P004, optimizer: { ...P004.optimizer, lr: 1 } }, null),
  row('004', 'Results: W.S.+A.L.', 'digitcnn-ws', {}, { ...P004, optimizer: { ...P004.optimizer, lr: 0.1 }, loss: { aux: 1 } }, null, 'aux weight not stated (1 = plain sum)'),
  row('004', 'Results: W.S.+A.L.+D.', 'digitcnn-ws-dropout', {}, { ...P004, optimizer: { ...P004.optimizer, lr: 0.2 }, loss: { aux: 1 } }, null),
  row('004', 'Results: W.S.+A.L.+B.', 'digitcnn-ws-bn', {}, { ...P004, optimizer: { ...P004.optimizer, lr: 1 }, loss: { aux: 1 } }, null),
  row('004', 'Results: W.S.+A.L.+B.+D.', 'digitcnn-ws-bn-dropout', {}, { ...P004, optimizer: { ...P004.optimizer, lr: 1 }, loss: { aux: 1 } }, 76846),
  row('004', 'Text: aux loss early (256 features)', 'digitcnn-ws-bn-dropout', { auxAt: 'early' }, { ...P004, optimizer: { ...P004.optimizer, lr: 1 }, loss: { aux: 1 } }, null, '+2,570 parameters for Linear(256, 10)'),
  row('004', 'Results: RN', 'resnet10-ws', {}, { ...P004, optimizer: { ...P004.optimizer, lr: 1 }, loss: { aux: 1 } }, null),

  row('new', 'probabilistic comparison head', 'convsepnet', { comparator: 'probabilistic' }, { ...P000, loss: { main: 1, aux: 1 } }, null, 'P(first <= second) from the digit softmaxes; no comparison parameters'),
  row('new', 'pairnet-best (studies/best.json)', 'finalnet', { comparator: 'probabilistic' }, {
    ...P000,
    loss: { main: 1, aux: 1 },
    schedule: { kind: 'cosine', etaMin: 0 },
    epochs: 400,
    data: { augment: { translate: 2, swap: true, repair: true, scale: 0.1 } },
    ensemble: 5,
  }, null, 'issue 21\'s champion, every choice by 5-fold CV on the training pairs; an ensemble of 5, so 5 x the parameters'),
];
