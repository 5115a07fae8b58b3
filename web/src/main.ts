/** The page: two drawing pads, the live comparison, the model picker, random test pairs and the report viewer. */
import { DrawPad, type PadContent } from './draw-pad.js';
import { mnistDigitFromDrawing, networkInput } from './preprocess.js';
import { backgroundValue } from '../../src/data/standardize.js';
import { argmax, predictPair, type PairPrediction } from './pair-predict.js';
import { fetchTestDigits, digitImage, type TestDigits } from './test-digits.js';
import { fetchManifest, loadManifestModel, loadOwnWeights, type LoadedModel, type ModelEntry } from './model-store.js';
import { setupReportViewer } from './report-viewer.js';
import { setupTrainPanel } from './train-panel.js';

function byId<T extends HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (el === null) throw new Error(`page is missing #${id}`);
  return el as T;
}

const status = byId<HTMLDivElement>('status');
const relation = byId<HTMLDivElement>('relation');
const probability = byId<HTMLDivElement>('probability');
const meterFill = byId<HTMLDivElement>('meter-fill');
const verdictNote = byId<HTMLDivElement>('verdict-note');
const modelSelect = byId<HTMLSelectElement>('model-select');
const modelInfo = byId<HTMLElement>('model-info');

let loaded: LoadedModel | null = null;
let testDigits: TestDigits | null = null;
let scheduled = false;
/** The last shipped model picked (own weights without metadata load as its architecture). */
let lastShipped: string | null = null;

function setStatus(text: string, error = false): void {
  status.textContent = text;
  status.classList.toggle('error', error);
}

interface PadView {
  pad: DrawPad;
  guess: HTMLElement;
  bars: HTMLElement;
  source: HTMLElement;
  seen: HTMLCanvasElement;
}

function makePad(id: string): PadView {
  const fig = byId<HTMLElement>(id);
  const pad = new DrawPad(fig.querySelector('.pad-canvas') as HTMLCanvasElement, schedule);
  (fig.querySelector('.clear') as HTMLButtonElement).addEventListener('click', () => pad.clear());
  return {
    pad,
    guess: fig.querySelector('.digit-guess') as HTMLElement,
    bars: fig.querySelector('.digit-bars') as HTMLElement,
    source: fig.querySelector('.source') as HTMLElement,
    seen: fig.querySelector('.seen') as HTMLCanvasElement,
  };
}

const pads: [PadView, PadView] = [makePad('pad-first'), makePad('pad-second')];

/** Coalesce many pointer moves into one prediction per animation frame. */
function schedule(): void {
  if (scheduled) return;
  scheduled = true;
  requestAnimationFrame(() => {
    scheduled = false;
    update();
  });
}

function digitOf(content: PadContent): Uint8Array | null {
  if (content.kind === 'empty') return null;
  if (content.kind === 'mnist') return content.digit;
  return mnistDigitFromDrawing(content.image);
}

/** Draws the pooled 14x14 input (before standardisation) so the user sees what the network gets. */
function showSeen(canvas: HTMLCanvasElement, digit: Uint8Array | null): void {
  const ctx = canvas.getContext('2d') as CanvasRenderingContext2D;
  const img = ctx.createImageData(14, 14);
  const pooled = digit === null ? new Float32Array(196) : networkInput(digit, null);
  pooled.forEach((v, i) => img.data.set([v, v, v, 255], 4 * i));
  ctx.putImageData(img, 0, 0);
}

/** `digit` null: no ink on the pad (or too faint to count). */
function showDigit(view: PadView, content: PadContent, digit: Uint8Array | null, probs: Float64Array | null): void {
  view.source.textContent =
    content.kind === 'mnist' ? `MNIST test digit, label ${content.label}` : content.kind === 'drawing' ? 'your drawing' : '';
  view.bars.replaceChildren();
  delete view.guess.dataset.digit;
  if (digit !== null && loaded?.digitsTrained === false) {
    // Trained without an auxiliary digit loss: the digit outputs are untrained, so no guess is shown.
    view.guess.textContent = 'digit heads untrained (no auxiliary loss)';
    return;
  }
  if (digit === null || probs === null) {
    view.guess.textContent = digit === null ? 'draw a digit' : loaded !== null ? 'this model predicts no digits' : '';
    return;
  }
  const d = argmax(probs);
  view.guess.innerHTML = `looks like <span class="digit">${d}</span> (${(100 * probs[d]).toFixed(1)}%)`;
  view.guess.dataset.digit = String(d);
  for (let k = 0; k < 10; k++) {
    const bar = document.createElement('div');
    bar.className = 'bar';
    bar.title = `${k}: ${(100 * probs[k]).toFixed(1)}%`;
    const fill = document.createElement('div');
    fill.style.height = `${Math.max(1, 100 * probs[k]) * 0.45}px`;
    bar.append(fill, String(k));
    view.bars.append(bar);
  }
}

function update(): void {
  const contents = pads.map((v) => v.pad.content()) as [PadContent, PadContent];
  const digits = contents.map(digitOf);
  let run: PairPrediction | null = null;
  if (loaded !== null && (digits[0] !== null || digits[1] !== null)) {
    // With one pad still empty, a blank image stands in for it so the drawn digit is recognised live
    // (exact for weight-shared branches; the comparison itself waits for both digits).
    const std = loaded.entry.standardization;
    const blank = new Uint8Array(784);
    try {
      run = predictPair(loaded.members, networkInput(digits[0] ?? blank, std), networkInput(digits[1] ?? blank, std), {
        tta: loaded.tta,
        fill: backgroundValue(std),
      });
    } catch (e) {
      setStatus(`prediction failed: ${(e as Error).message}`, true);
    }
  }
  const prediction = digits[0] !== null && digits[1] !== null ? run : null;
  pads.forEach((v, i) => {
    showSeen(v.seen, digits[i]);
    showDigit(v, contents[i], digits[i], run?.digits?.[i] ?? null);
  });

  relation.classList.toggle('empty', prediction === null);
  delete relation.dataset.relation;
  if (prediction === null) {
    const missing = digits.filter((d) => d === null).length;
    relation.textContent = loaded === null ? 'no model' : missing > 0 ? 'draw a digit' : '?';
    probability.textContent = '';
    meterFill.style.width = '0';
    verdictNote.textContent = missing > 0 ? `on ${missing === 2 ? 'both pads' : 'the empty pad'}` : '';
    return;
  }
  const le = prediction.pLessEqual >= 0.5;
  relation.textContent = le ? '≤' : '>';
  relation.dataset.relation = le ? 'le' : 'gt';
  probability.textContent = `P(first ≤ second) = ${prediction.pLessEqual.toFixed(3)}`;
  probability.dataset.p = String(prediction.pLessEqual);
  meterFill.style.width = `${(100 * prediction.pLessEqual).toFixed(1)}%`;
  if (contents[0].kind === 'mnist' && contents[1].kind === 'mnist') {
    const truth = contents[0].label <= contents[1].label;
    verdictNote.innerHTML = `true labels ${contents[0].label} ${truth ? '≤' : '>'} ${contents[1].label}: ` +
      (truth === le ? '<span class="ok">right</span>' : '<span class="bad">wrong</span>');
  } else {
    verdictNote.textContent = '';
  }
}

function describeModel(m: LoadedModel): void {
  const e = m.entry;
  const rows: [string, string][] = [
    ['weights', m.source],
    ['model', `${e.model} ${JSON.stringify(e.options)}`],
    ['parameters', `${m.members.length > 1 ? `${m.members.length} x ` : ''}${m.model.parameterCount().toLocaleString('en')}`],
    ...(m.members.length > 1 || m.tta > 0
      ? [['ensemble', `${m.members.length} models${m.tta > 0 ? `, each pair also shifted by up to ${m.tta} px` : ''}, probabilities averaged`] as [string, string]]
      : []),
    ['standardisation', e.standardization ? `mean ${e.standardization.mean.toFixed(3)}, std ${e.standardization.std.toFixed(3)}` : 'off'],
  ];
  if (e.trainPairs !== undefined) rows.push(['trained on', `${e.trainPairs} pairs of MNIST digits`]);
  if (e.testAccuracy !== undefined) rows.push(['test accuracy', `${(100 * e.testAccuracy).toFixed(2)}% (${e.testPairs ?? '?'} test pairs)`]);
  if (e.digitAccuracy !== undefined) rows.push(['digit accuracy', `${(100 * e.digitAccuracy).toFixed(2)}%`]);
  if (e.command !== undefined) rows.push(['made by', e.command]);
  modelInfo.replaceChildren(
    ...rows.flatMap(([k, v]) => {
      const dt = document.createElement('dt');
      dt.textContent = k;
      const dd = document.createElement('dd');
      if (k === 'made by') dd.append(Object.assign(document.createElement('code'), { textContent: v }));
      else dd.textContent = v;
      return [dt, dd];
    }),
  );
}

/** The picker always names the model in use: own or page-trained weights get an entry of their own. */
function showInPicker(m: LoadedModel): void {
  modelSelect.querySelector('option[value="in-use"]')?.remove();
  if ([...modelSelect.options].some((o) => o.value === m.entry.id)) {
    modelSelect.value = m.entry.id;
    return;
  }
  const label = m.entry.id === 'trained-here' ? m.entry.label : `own weights: ${m.source}`;
  modelSelect.append(new Option(label, 'in-use', true, true));
}

/** A model failed to load: the one in use (if any) stays, and the message says so. */
function loadFailed(message: string): void {
  setStatus(loaded === null ? message : `${message}\n(still using ${loaded.source})`, true);
  if (loaded !== null) showInPicker(loaded);
  update();
}

function use(m: LoadedModel): void {
  loaded = m;
  showInPicker(m);
  describeModel(m);
  setStatus(`model ready: ${m.source}`);
  update();
}

async function selectModel(entries: ModelEntry[]): Promise<void> {
  const entry = entries.find((e) => e.id === modelSelect.value);
  if (entry === undefined) return;
  lastShipped = entry.id;
  setStatus(`loading ${entry.label} ...`);
  try {
    use(await loadManifestModel(entry));
  } catch (e) {
    loadFailed((e as Error).message);
  }
}

async function start(): Promise<void> {
  setupReportViewer(byId('report-select'), byId('report-file'), byId('report-frame'), byId('report-status'));
  byId<HTMLButtonElement>('clear-both').addEventListener('click', () => pads.forEach((v) => v.pad.clear()));
  byId<HTMLButtonElement>('random-pair').addEventListener('click', () => {
    if (testDigits === null) return setStatus('the MNIST test digits are not loaded', true);
    for (const v of pads) {
      const i = Math.floor(Math.random() * testDigits.count);
      v.pad.showMnist(digitImage(testDigits, i), testDigits.labels[i], i);
    }
  });
  setupTrainPanel(
    {
      arch: byId('train-arch'), epochs: byId('train-epochs'), pairs: byId('train-pairs'), start: byId('train-start'),
      stop: byId('train-stop'), progress: byId('train-progress'), chart: byId('train-chart'),
    },
    () => testDigits,
    use,
  );
  update();

  const entries = await fetchManifest('./models/manifest.json');
  for (const e of entries) modelSelect.append(new Option(e.label, e.id));
  modelSelect.addEventListener('change', () => {
    if (modelSelect.value !== 'in-use') void selectModel(entries);
  });

  const weightsInput = byId<HTMLInputElement>('weights-file');
  weightsInput.addEventListener('change', () => {
    const file = weightsInput.files?.[0];
    // Weights without metadata are read as the last chosen shipped model.
    const entry = entries.find((e) => e.id === modelSelect.value) ?? entries.find((e) => e.id === lastShipped) ?? entries[0];
    if (file === undefined || entry === undefined) return;
    setStatus(`loading ${file.name} ...`);
    void file
      .arrayBuffer()
      .then((buf) => use(loadOwnWeights(new Uint8Array(buf), file.name, entry)))
      .catch((e: unknown) => loadFailed((e as Error).message));
  });

  testDigits = await fetchTestDigits('./digits/mnist-test-sample.json').catch((e: unknown) => {
    setStatus(`random test pairs unavailable: ${(e as Error).message}`, true);
    return null;
  });
  await selectModel(entries);
}

/** Two views of one page: the digit pads (#pad, the default) and the studies dashboard (#dashboard), loaded on first use. */
let dashboardStarted = false;
function showView(): void {
  const dashboard = location.hash === '#dashboard';
  byId('pad-view').hidden = dashboard;
  byId('pad-intro').hidden = dashboard;
  byId('dashboard-view').hidden = !dashboard;
  byId('nav-pad').classList.toggle('current', !dashboard);
  byId('nav-dashboard').classList.toggle('current', dashboard);
  if (dashboard && !dashboardStarted) {
    dashboardStarted = true;
    void import('./dashboard/dashboard.js')
      .then((m) => m.startDashboard())
      .catch((e: unknown) => {
        byId('dash-status').textContent = `the dashboard failed to start: ${(e as Error).message}`;
      });
  }
}
window.addEventListener('hashchange', showView);
showView();

start().catch((e: unknown) => setStatus(`the page failed to start: ${(e as Error).message}`, true));
