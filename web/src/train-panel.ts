/**
 * "Train a model here": runs pairnet's trainer in a Web Worker on the page's MNIST samples (train digits from the
 * train pool, evaluation on the shipped test digits), draws loss and accuracy live, and hands the trained model
 * to the pads when done.
 */
import { defaultRunConfig } from '../../src/training/defaults.js';
import { resolveRunConfig } from '../../src/training/validate.js';
import type { DigitSet } from '../../src/data/types.js';
import type { EpochMetrics } from '../../src/training/record.js';
import { drawCurves } from './live-chart.js';
import { modelFromWeights, type LoadedModel, type ModelEntry } from './model-store.js';
import { fetchDigitFile } from './train-digits.js';
import type { TestDigits } from './test-digits.js';
import type { TrainMessage, TrainRequest } from './train-worker.js';

/** Architectures offered for in-page training: small and quick, with digit outputs for the pads. */
const CHOICES: Record<string, { label: string; model: string; options: Record<string, string>; main: number; aux: number }> = {
  'convsepnet-probabilistic': { label: 'ConvSepNet, probabilistic comparison', model: 'convsepnet', options: { comparator: 'probabilistic' }, main: 1, aux: 1 },
  'convsepnet-aux': { label: 'ConvSepNet + aux losses (f = 0.5)', model: 'convsepnet', options: {}, main: 0.5, aux: 0.25 },
  'fcnet-aux': { label: 'FCNet + aux losses (f = 0.5)', model: 'fcnet', options: {}, main: 0.5, aux: 0.25 },
};

export interface TrainPanelElements {
  arch: HTMLSelectElement;
  epochs: HTMLInputElement;
  pairs: HTMLSelectElement;
  start: HTMLButtonElement;
  stop: HTMLButtonElement;
  progress: HTMLElement;
  chart: HTMLCanvasElement;
}

export function setupTrainPanel(el: TrainPanelElements, testDigits: () => TestDigits | null, use: (m: LoadedModel) => void): void {
  for (const [id, c] of Object.entries(CHOICES)) el.arch.append(new Option(c.label, id));
  let worker: Worker | null = null;
  let trainDigits: Promise<DigitSet> | null = null;

  const say = (text: string, error = false): void => {
    el.progress.textContent = text;
    el.progress.classList.toggle('error', error);
  };
  const finish = (): void => {
    worker?.terminate();
    worker = null;
    el.start.disabled = false;
    el.stop.disabled = true;
  };

  el.stop.addEventListener('click', () => {
    finish();
    say('stopped');
  });

  el.start.addEventListener('click', () => {
    const test = testDigits();
    const epochs = Number(el.epochs.value);
    if (!Number.isInteger(epochs) || epochs < 1 || epochs > 100) return say(`epochs: a whole number 1..100, got "${el.epochs.value}"`, true);
    if (test === null) return say('the MNIST test digits are not loaded', true);
    const choice = CHOICES[el.arch.value];
    // The one override path (the schema's merge and check), as `pairnet train` and the studies take.
    let config;
    try {
      config = resolveRunConfig(defaultRunConfig(), {
        model: choice.model,
        modelOptions: choice.options,
        loss: { main: choice.main, aux: choice.aux },
        epochs,
        data: { source: 'page sample', trainPairs: Number(el.pairs.value), testPairs: Math.floor(test.count / 2) },
        seed: Math.floor(Math.random() * 2 ** 31),
      });
    } catch (e) {
      return say((e as Error).message, true);
    }

    el.start.disabled = true;
    el.stop.disabled = false;
    say('loading the training digits ...');
    const history: EpochMetrics[] = [];
    drawCurves(el.chart, history, epochs);
    trainDigits ??= fetchDigitFile('./digits/mnist-train-2000.bin.gz');
    trainDigits.then(
      (train) => {
        const w = (worker = new Worker(new URL('./train-worker.ts', import.meta.url), { type: 'module' }));
        w.onerror = (e) => {
          finish();
          say(`training failed: ${e.message}`, true);
        };
        w.onmessage = (e: MessageEvent<TrainMessage>) => {
          const m = e.data;
          if (m.type === 'step') say(`epoch ${m.epoch}/${epochs}: step ${m.step}/${m.steps}`);
          else if (m.type === 'epoch') {
            history.push(m.metrics);
            drawCurves(el.chart, history, epochs);
            const acc = m.metrics.testAccuracy === null ? '' : `, test accuracy ${(100 * m.metrics.testAccuracy).toFixed(1)}%`;
            say(`epoch ${m.metrics.epoch}/${epochs}: loss ${m.metrics.trainLoss.toFixed(3)}${acc}`);
            el.progress.dataset.epoch = String(m.metrics.epoch);
          } else if (m.type === 'error') {
            finish();
            say(`training failed: ${m.message}`, true);
          } else {
            finish();
            const f = m.record.final;
            const entry: ModelEntry = {
              id: 'trained-here', label: `${choice.label}, trained in this page`, model: choice.model, options: choice.options,
              weights: '(in memory)', standardization: m.standardization, testAccuracy: f.testAccuracy,
              digitAccuracy: f.testDigitAccuracy ?? undefined, testPairs: config.data.testPairs, trainPairs: config.data.trainPairs,
              command: `trained in the page: ${epochs} epochs, ${config.data.trainPairs} pairs, seed ${config.seed}`,
            };
            try {
              const model = modelFromWeights(entry, m.weights, 'trained-in-page.safetensors');
              use({ entry, model, members: [model], tta: 0, source: entry.label, digitsTrained: config.loss.aux > 0 });
              say(`done: test accuracy ${(100 * f.testAccuracy).toFixed(1)}% on ${config.data.testPairs} test pairs; the pads now use this model`);
              el.progress.dataset.done = 'true';
            } catch (err) {
              say(`the trained weights did not load: ${(err as Error).message}`, true);
            }
          }
        };
        const request: TrainRequest = { config, train, test: { images: test.images, labels: test.labels, count: test.count },
          description: `page samples: ${train.count} MNIST train-pool digits, ${test.count} test-pool digits` };
        w.postMessage(request);
      },
      (err: unknown) => {
        trainDigits = null;
        finish();
        say(`cannot train: ${(err as Error).message}`, true);
      },
    );
  });
}
