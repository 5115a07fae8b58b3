/**
 * End to end in real headless Chromium (Debian's /usr/bin/chromium driven by playwright-core): the built page,
 * served by `pairnet serve`'s server, gets two real MNIST test digits painted onto its pads and must show the
 * relation and digit predictions that the same model code gives offline on the same pixels. Also: an empty pad
 * shows "draw a digit", corrupt or wrong-model weights give a clear message, a real mouse stroke is read.
 * Builds the page first when web/dist is missing or stale. Saves screenshots to out/web-e2e*.png.
 * Skipped only when /usr/bin/chromium is absent (.ci/run installs it).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { buildPageIfStale, CHROMIUM, launchChromium, repo, webDist } from './chromium.js';
import { startServer, type RunningServer } from '../../src/server/http-server.js';
import { Rng } from '../../src/engine/rng.js';
import { encodeSafetensors } from '../../src/engine/safetensors.js';
import { buildModel } from '../../src/models/registry.js';
import { encodeWeightsMetadata } from '../../src/training/checkpoint.js';
import { defaultRunConfig } from '../../src/training/defaults.js';
import { resolveRunConfig } from '../../src/training/validate.js';
import { backgroundValue } from '../../src/data/standardize.js';
import { mnistDigitFromDrawing, networkInput, type GrayImage } from '../../web/src/preprocess.js';
import { argmax, predictPair } from '../../web/src/pair-predict.js';
import { digitImage, parseTestDigits } from '../../web/src/test-digits.js';
import { loadWeights, parseManifest } from '../../web/src/model-store.js';

const PAD = 280;

const manifest = parseManifest(JSON.parse(readFileSync(join(repo, 'web/public/models/manifest.json'), 'utf8')), 'manifest.json');
const entry = manifest[0];
// The page's default model: one network or an ensemble, with its test-time shifts.
const loaded = loadWeights(entry, readFileSync(join(repo, 'web/public/models', entry.weights)), entry.weights);
const digits = parseTestDigits(JSON.parse(readFileSync(join(repo, 'web/public/digits/mnist-test-sample.json'), 'utf8')), 'sample');

/** What the pad holds after the test paints digit i: the 28x28 bytes scaled 10x, nearest neighbour. */
function painted(i: number): GrayImage {
  const src = digitImage(digits, i);
  const f = PAD / 28;
  const data = new Float32Array(PAD * PAD);
  for (let y = 0; y < PAD; y++) for (let x = 0; x < PAD; x++) data[y * PAD + x] = src[Math.floor(y / f) * 28 + Math.floor(x / f)] / 255;
  return { data, width: PAD, height: PAD };
}

/** Offline prediction of the page's pipeline on painted digits i and j. */
function offline(i: number, j: number): { p: number; d: [number, number] | null } {
  const input = (k: number) => networkInput(mnistDigitFromDrawing(painted(k))!, entry.standardization);
  const pred = predictPair(loaded.members, input(i), input(j), { tta: loaded.tta, fill: backgroundValue(entry.standardization) });
  return { p: pred.pLessEqual, d: pred.digits ? [argmax(pred.digits[0]), argmax(pred.digits[1])] : null };
}

/** Pairs the model gets entirely right offline (relation and both digits), some "<=" and some ">". */
function rightPairs(): [number, number][] {
  const out: [number, number][] = [];
  const wantLe = [true, false, true];
  for (let i = 0; i < digits.count && out.length < wantLe.length; i++) {
    const j = digits.count - 1 - i;
    const a = digits.labels[i];
    const b = digits.labels[j];
    if (a === b || (a <= b) !== wantLe[out.length]) continue;
    const o = offline(i, j);
    if ((o.p >= 0.5) === (a <= b) && (o.d === null || (o.d[0] === a && o.d[1] === b))) out.push([i, j]);
  }
  return out;
}

async function paint(page: Page, padId: string, i: number): Promise<void> {
  await page.evaluate(
    ({ padId, pixels }) => {
      const canvas = document.querySelector(`#${padId} .pad-canvas`) as HTMLCanvasElement;
      const small = document.createElement('canvas');
      small.width = small.height = 28;
      const img = new ImageData(28, 28);
      pixels.forEach((v, k) => img.data.set([v, v, v, 255], 4 * k));
      small.getContext('2d')!.putImageData(img, 0, 0);
      const ctx = canvas.getContext('2d')!;
      ctx.imageSmoothingEnabled = false;
      ctx.drawImage(small, 0, 0, canvas.width, canvas.height);
      canvas.dispatchEvent(new Event('change'));
    },
    { padId, pixels: Array.from(digitImage(digits, i)) },
  );
}

/** Mouse-drawn digits: polylines in pad coordinates (0..1), one stroke each. */
const DRAWN: [number, number][][] = [
  [[0.5, 0.15], [0.3, 0.25], [0.25, 0.5], [0.3, 0.75], [0.5, 0.85], [0.7, 0.75], [0.75, 0.5], [0.7, 0.25], [0.5, 0.15]],
  [[0.5, 0.15], [0.5, 0.85]],
  [[0.3, 0.3], [0.4, 0.17], [0.6, 0.17], [0.7, 0.3], [0.65, 0.45], [0.3, 0.82], [0.75, 0.82]],
  [[0.3, 0.2], [0.6, 0.17], [0.7, 0.3], [0.5, 0.48], [0.7, 0.62], [0.65, 0.8], [0.3, 0.82]],
  [[0.6, 0.85], [0.6, 0.15], [0.25, 0.6], [0.75, 0.6]],
  [[0.7, 0.17], [0.35, 0.17], [0.32, 0.45], [0.6, 0.45], [0.7, 0.62], [0.6, 0.82], [0.3, 0.8]],
  [[0.65, 0.15], [0.4, 0.35], [0.3, 0.65], [0.45, 0.85], [0.65, 0.75], [0.6, 0.55], [0.35, 0.6]],
  [[0.25, 0.18], [0.75, 0.18], [0.45, 0.85]],
  [[0.65, 0.25], [0.5, 0.15], [0.35, 0.25], [0.4, 0.42], [0.6, 0.58], [0.65, 0.75], [0.5, 0.85], [0.35, 0.75], [0.4, 0.58], [0.6, 0.42], [0.65, 0.25]],
  [[0.65, 0.3], [0.5, 0.17], [0.35, 0.3], [0.45, 0.45], [0.65, 0.35], [0.65, 0.85]],
];

async function drawWithMouse(page: Page, padId: string, stroke: [number, number][]): Promise<void> {
  const box = (await page.locator(`#${padId} .pad-canvas`).boundingBox())!;
  const at = ([x, y]: [number, number]): [number, number] => [box.x + x * box.width, box.y + y * box.height];
  await page.mouse.move(...at(stroke[0]));
  await page.mouse.down();
  for (let k = 1; k < stroke.length; k++) {
    const [a, b] = [at(stroke[k - 1]), at(stroke[k])];
    for (let t = 1; t <= 3; t++) await page.mouse.move(a[0] + ((b[0] - a[0]) * t) / 3, a[1] + ((b[1] - a[1]) * t) / 3);
  }
  await page.mouse.up();
}

describe.skipIf(!existsSync(CHROMIUM))(`web page in headless Chromium (skipped when ${CHROMIUM} is absent)`, () => {
  let server: RunningServer;
  let context: BrowserContext;
  let page: Page;
  const profile = mkdtempSync(join(tmpdir(), 'pairnet-chromium-'));
  const reports = mkdtempSync(join(tmpdir(), 'pairnet-reports-'));

  beforeAll(async () => {
    buildPageIfStale();
    mkdirSync(join(reports, 'demo-study'));
    writeFileSync(join(reports, 'demo-study', 'report.html'), '<!doctype html><h1>demo study</h1><table><tr><td>convsepnet</td></tr></table>');
    server = await startServer({ root: webDist, port: 0, reportsDir: reports });
    context = await launchChromium(profile);
    page = context.pages()[0] ?? (await context.newPage());
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(server.url);
    await page.waitForFunction(() => document.getElementById('status')?.textContent?.startsWith('model ready'), null, {
      timeout: 20_000,
    }).catch(async () => {
      throw new Error(`page did not get ready: status "${await page.textContent('#status')}", errors: ${errors.join('; ')}`);
    });
  });

  afterAll(async () => {
    await context?.close();
    await server?.close();
    rmSync(profile, { recursive: true, force: true });
    rmSync(reports, { recursive: true, force: true });
  });

  it('shows "draw a digit" on empty pads', async () => {
    expect(await page.textContent('#relation')).toBe('draw a digit');
    expect(await page.textContent('#pad-first .digit-guess')).toBe('draw a digit');
    expect(await page.textContent('#pad-second .digit-guess')).toBe('draw a digit');
  });

  it('compares painted MNIST test digits as the model does offline', async () => {
    const pairs = rightPairs();
    expect(pairs.length).toBe(3);
    for (const [i, j] of pairs) {
      await page.click('#clear-both'); // so that waiting for a relation below waits for this pair's
      await page.waitForFunction(() => document.getElementById('relation')?.textContent === 'draw a digit');
      await paint(page, 'pad-first', i);
      await paint(page, 'pad-second', j);
      await page.waitForFunction(() => document.getElementById('relation')?.dataset.relation !== undefined);
      const truthLe = digits.labels[i] <= digits.labels[j];
      expect(await page.getAttribute('#relation', 'data-relation')).toBe(truthLe ? 'le' : 'gt');
      const p = Number(await page.getAttribute('#probability', 'data-p'));
      expect(p).toBeCloseTo(offline(i, j).p, 4);
      if (loaded.model.hasDigits) {
        expect(await page.getAttribute('#pad-first .digit-guess', 'data-digit')).toBe(String(digits.labels[i]));
        expect(await page.getAttribute('#pad-second .digit-guess', 'data-digit')).toBe(String(digits.labels[j]));
      }
    }
    mkdirSync(join(repo, 'out'), { recursive: true });
    await page.screenshot({ path: join(repo, 'out', 'web-e2e.png'), fullPage: false });
  });

  it('clearing one pad goes back to "draw a digit"', async () => {
    await page.click('#pad-second .clear');
    await page.waitForFunction(() => document.getElementById('relation')?.textContent === 'draw a digit');
    expect(await page.textContent('#pad-second .digit-guess')).toBe('draw a digit');
  });

  it('reads a real mouse stroke', async () => {
    const box = (await page.locator('#pad-second .pad-canvas').boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.15);
    await page.mouse.down();
    for (let k = 1; k <= 10; k++) await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * (0.15 + 0.07 * k));
    await page.mouse.up();
    await page.waitForFunction(() => document.getElementById('relation')?.dataset.relation !== undefined);
    expect(await page.textContent('#pad-second .source')).toBe('your drawing');
    // A single vertical stroke, centred and scaled like MNIST, is a 1 for any model worth shipping.
    if (loaded.model.hasDigits) expect(await page.getAttribute('#pad-second .digit-guess', 'data-digit')).toBe('1');
  });

  it('recognises digits drawn with the mouse (at least 9 of 10)', async () => {
    const seen: string[] = [];
    for (const [digit, stroke] of DRAWN.entries()) {
      await page.click('#pad-first .clear');
      await page.waitForFunction(() => document.querySelector('#pad-first .digit-guess')?.textContent === 'draw a digit');
      await drawWithMouse(page, 'pad-first', stroke);
      await page.waitForFunction(() => document.querySelector<HTMLElement>('#pad-first .digit-guess')?.dataset.digit !== undefined);
      seen.push(`${digit}->${await page.getAttribute('#pad-first .digit-guess', 'data-digit')}`);
    }
    const right = seen.filter((s) => s[0] === s[3]).length;
    expect(right, seen.join(' ')).toBeGreaterThanOrEqual(loaded.model.hasDigits ? 9 : 0);
  });

  it('reads a finger stroke (touch events)', async () => {
    await page.click('#pad-first .clear');
    await page.waitForFunction(() => document.getElementById('relation')?.textContent === 'draw a digit');
    const box = (await page.locator('#pad-first .pad-canvas').boundingBox())!;
    const at = (k: number) => ({ x: box.x + box.width * 0.45, y: box.y + box.height * (0.15 + 0.07 * k) });
    const cdp = await context.newCDPSession(page);
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [at(0)] });
    for (let k = 1; k <= 10; k++) await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: [at(k)] });
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
    await page.waitForFunction(() => document.getElementById('relation')?.dataset.relation !== undefined);
    expect(await page.textContent('#pad-first .source')).toBe('your drawing');
    if (loaded.model.hasDigits) {
      expect(await page.getAttribute('#pad-first .digit-guess', 'data-digit')).toBe('1');
      expect(await page.getAttribute('#relation', 'data-relation')).toBe('le'); // 1 <= 1
    }
  });

  it('loads a random pair of MNIST test digits and says whether the model got it right', async () => {
    await page.click('#random-pair');
    await page.waitForFunction(() => document.querySelector('#pad-second .source')?.textContent?.startsWith('MNIST'));
    expect(await page.textContent('#pad-first .source')).toMatch(/^MNIST test digit, label \d$/);
    expect(await page.textContent('#verdict-note')).toMatch(/^true labels \d [≤>] \d: (right|wrong)$/);
  });

  it('lists the served study reports and opens one', async () => {
    await page.waitForFunction(() => (document.getElementById('report-select') as HTMLSelectElement).options.length > 1);
    await page.selectOption('#report-select', 'demo-study');
    const frame = page.frameLocator('#report-frame');
    expect(await frame.locator('h1').textContent()).toBe('demo study');
  });

  it('switches between the shipped models', async () => {
    for (const m of [...manifest.slice(1), manifest[0]]) {
      await page.selectOption('#model-select', m.id);
      await page.waitForFunction((label) => document.getElementById('status')?.textContent?.startsWith(`model ready: ${label}`), m.label);
      expect(await page.textContent('#model-info')).toContain(m.command ?? '');
    }
  });

  it('says clearly when a weights file is corrupt or of another model', async () => {
    const corrupt = Buffer.from('this is not a safetensors file at all');
    await page.setInputFiles('#weights-file', { name: 'corrupt.safetensors', mimeType: 'application/octet-stream', buffer: corrupt });
    await page.waitForSelector('#status.error');
    expect(await page.textContent('#status')).toContain('corrupt.safetensors: not a valid safetensors file');
    // The working model stays in use, and the picker and the message say which it is.
    const inUse = await page.evaluate(() => (document.getElementById('model-select') as HTMLSelectElement).selectedOptions[0].textContent);
    expect(await page.textContent('#status')).toContain(`(still using ${manifest.find((m) => m.label === inUse)?.label}`);
    expect(await page.textContent('#relation')).not.toBe('no model');

    const other = manifest.find((m) => m.model !== entry.model)?.model ?? (entry.model === 'fcnet' ? 'convnet' : 'fcnet');
    const wrong = Buffer.from(encodeSafetensors(buildModel(other, {}, new Rng(1)).module));
    await page.setInputFiles('#weights-file', { name: 'wrong.safetensors', mimeType: 'application/octet-stream', buffer: wrong });
    await page.waitForFunction(() => document.getElementById('status')?.textContent?.includes('wrong.safetensors'));
    await page.waitForSelector('#status.error');
    expect(await page.textContent('#status')).toMatch(/wrong\.safetensors: does not match .*(missing|unexpected|shape)/s);

    // A good file from `pairnet train --save` loads, whatever model is selected: its metadata names the model.
    await page.setInputFiles('#weights-file', join(repo, 'web/public/models', entry.weights));
    await page.waitForFunction(() => document.getElementById('status')?.textContent?.startsWith('model ready'));
    expect(await page.textContent('#status')).toBe(`model ready: ${entry.weights}`);
    expect(await page.evaluate(() => (document.getElementById('model-select') as HTMLSelectElement).selectedOptions[0].textContent)).toBe(`own weights: ${entry.weights}`);
  });

  it('shows digit heads trained without an auxiliary loss as untrained, not as a guess', async () => {
    const config = resolveRunConfig(defaultRunConfig(), { model: 'convsepnet', loss: { main: 1, aux: 0 } });
    const bytes = encodeSafetensors(buildModel('convsepnet', {}, new Rng(3)).module, encodeWeightsMetadata(config, { mean: 33, std: 78 }));
    await page.setInputFiles('#weights-file', { name: 'no-aux.safetensors', mimeType: 'application/octet-stream', buffer: Buffer.from(bytes) });
    await page.waitForFunction(() => document.getElementById('status')?.textContent === 'model ready: no-aux.safetensors');
    await page.click('#random-pair');
    await page.waitForFunction(() => document.querySelector('#pad-second .source')?.textContent?.startsWith('MNIST'));
    for (const pad of ['#pad-first', '#pad-second']) expect(await page.textContent(`${pad} .digit-guess`)).toBe('digit heads untrained (no auxiliary loss)');
    expect(await page.locator('.digit-bars .bar').count()).toBe(0);
    // The comparison itself is the model's real output.
    expect(await page.textContent('#probability')).toMatch(/^P\(first ≤ second\) = \d\.\d{3}$/);
  });

  it('trains a model in the page with live curves and then uses it', async () => {
    await page.selectOption('#train-arch', 'convsepnet-probabilistic');
    await page.fill('#train-epochs', '2');
    await page.selectOption('#train-pairs', '250');
    await page.click('#train-start');
    await page.waitForFunction(() => document.getElementById('train-progress')?.dataset.epoch === '1', null, { timeout: 30_000 });
    await page.waitForFunction(() => document.getElementById('train-progress')?.dataset.done === 'true', null, { timeout: 30_000 });
    expect(await page.textContent('#train-progress')).toMatch(/^done: test accuracy \d+\.\d% on 100 test pairs/);
    expect(await page.textContent('#status')).toContain('trained in this page');
    expect(await page.evaluate(() => (document.getElementById('model-select') as HTMLSelectElement).selectedOptions[0].textContent)).toMatch(/, trained in this page$/);
    await page.waitForFunction(() => document.getElementById('relation')?.dataset.relation !== undefined);
    await page.locator('.train').screenshot({ path: join(repo, 'out', 'web-e2e-training.png') });
  });

  it('fits a 390 px wide phone: no sideways scrolling, a readable chart, no empty gap before training', async () => {
    const fresh = await context.newPage();
    await fresh.setViewportSize({ width: 390, height: 844 });
    await fresh.goto(server.url);
    await fresh.waitForFunction(() => document.getElementById('status')?.textContent?.startsWith('model ready'), null, { timeout: 20_000 });
    const wide = await fresh.evaluate(() =>
      [...document.querySelectorAll<HTMLElement>('body *')].filter((e) => e.getBoundingClientRect().right > window.innerWidth + 0.5).map((e) => `${e.tagName}#${e.id}.${e.className}`).slice(0, 5),
    );
    expect(wide).toEqual([]);
    expect(await fresh.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    // Before any training the chart takes no room.
    expect(await fresh.evaluate(() => document.getElementById('train-chart')!.getBoundingClientRect().height)).toBe(0);
    await fresh.selectOption('#train-arch', 'convsepnet-probabilistic');
    await fresh.fill('#train-epochs', '1');
    await fresh.selectOption('#train-pairs', '250');
    await fresh.click('#train-start');
    await fresh.waitForFunction(() => document.getElementById('train-progress')?.dataset.done === 'true', null, { timeout: 30_000 });
    // The chart is drawn at its displayed size, so its 12 px labels stay 12 CSS px on a phone.
    const chart = await fresh.evaluate(() => {
      const c = document.getElementById('train-chart') as HTMLCanvasElement;
      return { cssWidth: c.getBoundingClientRect().width, pixelsPerCss: c.width / c.getBoundingClientRect().width, ratio: window.devicePixelRatio };
    });
    expect(chart.cssWidth).toBeGreaterThan(300);
    expect(chart.pixelsPerCss).toBeCloseTo(chart.ratio, 1);
    await fresh.screenshot({ path: join(repo, 'out', 'web-e2e-390px.png'), fullPage: true });
    await fresh.close();
  });
});
