/**
 * The studies dashboard end to end in headless Chromium: a real `pairnet study` runs in a child process (as in a
 * second terminal) while the page follows it; its live curve must gain epochs while results.jsonl has no finished
 * run yet. Then the runs table filters, and the comparison across two finished studies draws its box plot and tests.
 * Skipped only when /usr/bin/chromium is absent (.ci/run installs it). Screenshot: out/dashboard-e2e.png.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/server/http-server.js';
import { InProcessExecutor } from '../../src/studies/executor.js';
import { ResultsStore, RESULTS_FILE } from '../../src/studies/results-store.js';
import { runStudy } from '../../src/studies/runner.js';
import { studyDefaults } from '../../src/studies/run-defaults.js';
import { saveStudyCopy } from '../../src/studies/study-file.js';
import { tinyStudy } from '../studies/tiny-study.js';
import { buildPageIfStale, CHROMIUM, launchChromium, repo, webDist } from './chromium.js';

const root = mkdtempSync(join(tmpdir(), 'pairnet-dash-'));
const liveDir = join(root, 'live');
const stored = (dir: string): number => (existsSync(join(dir, RESULTS_FILE)) ? readFileSync(join(dir, RESULTS_FILE), 'utf8').split('\n').filter(Boolean).length : 0);

/** A study slow enough to watch: one run of many epochs (the test stops it long before it ends). */
const liveStudy = {
  name: 'live-study',
  description: 'a long single run, watched live',
  seed: 3,
  rounds: 1,
  epochs: 400,
  base: { data: { trainPairs: 1000, testPairs: 200 } },
  variants: [{ name: 'FC', model: 'fcnet' }],
  protocol: { kind: 'multi-round' },
};

describe.skipIf(!existsSync(CHROMIUM))(`studies dashboard in headless Chromium (skipped when ${CHROMIUM} is absent)`, () => {
  let server: RunningServer;
  let context: BrowserContext;
  let page: Page;
  let child: ChildProcess;
  const profile = mkdtempSync(join(tmpdir(), 'pairnet-chromium-'));
  const errors: string[] = [];

  beforeAll(async () => {
    buildPageIfStale();
    // Two finished studies for the comparison.
    for (const [name, patch] of [['a', {}], ['b', { name: 'tiny-b', seed: 12 }]] as const) {
      const dir = join(root, 'done', name);
      mkdirSync(dir, { recursive: true });
      const study = tinyStudy(patch);
      saveStudyCopy(dir, study);
      await runStudy(study, { executor: new InProcessExecutor(), store: ResultsStore.open(dir), defaults: studyDefaults() });
    }
    const config = join(root, 'live-study.json');
    writeFileSync(config, JSON.stringify(liveStudy));
    child = spawn('node', [join(repo, 'dist/src/cli/main.js'), 'study', config, '--workers', '1', '--out', liveDir], { stdio: 'ignore' });
    server = await startServer({ root: webDist, port: 0, reportsDir: root, studyRoots: [root] });
    context = await launchChromium(profile, { width: 1100, height: 1400 });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (e) => errors.push(e.message));
    // The study shows up once it has written its study.json and started its run.
    const started = (): boolean => existsSync(join(liveDir, 'events.jsonl')) && readFileSync(join(liveDir, 'events.jsonl'), 'utf8').includes('"type":"start"');
    for (let i = 0; i < 300 && !started(); i++) await new Promise((r) => setTimeout(r, 100));
    await page.goto(`${server.url}#dashboard`);
    await page.waitForSelector('#dash-studies button[data-study="' + root.split('/').at(-1) + '/live"]', { timeout: 20_000 });
  });

  afterAll(async () => {
    child?.kill('SIGKILL');
    await context?.close();
    await server?.close();
    rmSync(profile, { recursive: true, force: true });
    rmSync(root, { recursive: true, force: true });
  });

  const studyButton = (rel: string): string => `#dash-studies button[data-study="${root.split('/').at(-1)}/${rel}"]`;
  const points = async (): Promise<number> => Number(await page.getAttribute('#dash-live-chart', 'data-points'));

  it("shows a running study's curve moving before any run finishes", async () => {
    await page.click(studyButton('live'));
    await page.waitForFunction(() => Number(document.getElementById('dash-live-chart')?.dataset.points) >= 2, null, { timeout: 30_000 });
    const first = await points();
    await page.waitForFunction((n) => Number(document.getElementById('dash-live-chart')?.dataset.points) >= n + 3, first, { timeout: 30_000 });
    const later = await points();
    // The curve moved while the study had stored no finished run: the epochs came from the live event stream.
    expect(stored(liveDir)).toBe(0);
    expect(later).toBeGreaterThan(first);
    expect(await page.getAttribute('#dash-live-chart', 'data-runs')).toBe('1');
    expect(await page.locator('#dash-live-chart svg .mark-line path').count()).toBeGreaterThan(0);
    expect(await page.textContent('#dash-live-table')).toContain('rounds/FC/round 0');
    expect(await page.textContent(studyButton('live'))).toMatch(/0 \/ 1 runs/);
    mkdirSync(join(repo, 'out'), { recursive: true });
    await page.screenshot({ path: join(repo, 'out', 'dashboard-e2e.png'), fullPage: true });
    expect(errors).toEqual([]);
  });

  it('lists stored runs, filters and sorts them', async () => {
    await page.click(studyButton('done/a'));
    await page.waitForFunction(() => document.getElementById('dash-runs-count')?.textContent?.startsWith('4 of 4'), null, { timeout: 10_000 });
    await page.fill('#dash-filter', 'variant=FC round<1');
    await page.waitForFunction(() => document.getElementById('dash-runs-count')?.textContent?.startsWith('1 of 4'));
    await page.fill('#dash-filter', '');
    await page.click('#dash-runs th[data-column="final.testAccuracy"]');
    const accs = await page.$$eval('#dash-runs tr', (trs) => {
      const col = [...trs[0].children].findIndex((th) => (th as HTMLElement).dataset.column === 'final.testAccuracy');
      return trs.slice(1).map((tr) => Number(tr.children[col].textContent));
    });
    expect(accs).toEqual([...accs].sort((x, y) => x - y));
    expect(accs.length).toBe(4);
  });

  it('compares variants of two studies: box plot, curves and a test per pair', async () => {
    const boxes = page.locator('#dash-groups input[type=checkbox]');
    await page.waitForFunction(() => document.querySelectorAll('#dash-groups input[type=checkbox]').length >= 4);
    const values = await boxes.evaluateAll((inputs) => inputs.map((i) => (i as HTMLInputElement).value));
    for (const summary of await page.locator('#dash-groups summary').all()) if (/tiny/.test(await summary.textContent() ?? '')) await summary.click();
    for (const v of values.filter((v) => v.includes('/done/') && v.endsWith('"FC"]'))) await page.check(`#dash-groups input[value='${v}']`);
    await page.click('#dash-compare-go');
    await page.waitForFunction(() => document.getElementById('dash-compare-tests')?.dataset.tests === '1', null, { timeout: 15_000 });
    expect(await page.locator('#dash-compare-box svg').count()).toBe(1);
    expect(await page.locator('#dash-compare-curves svg .mark-line path').count()).toBeGreaterThan(0);
    const row = await page.$$eval('#dash-compare-tests tr', (trs) => [...trs[1].children].map((td) => td.textContent));
    expect(row[0]).toBe('tiny: FC');
    expect(row[1]).toBe('tiny-b: FC');
    expect(row[4]).toBe('unpaired: different studies');
    expect(row[5]).toBe('Welch');
    expect(Number(row[8])).toBeGreaterThanOrEqual(0);
    expect(row[9]).toBe(row[8]);
    await page.screenshot({ path: join(repo, 'out', 'dashboard-compare-e2e.png'), fullPage: true });
    expect(errors).toEqual([]);
  });
});
