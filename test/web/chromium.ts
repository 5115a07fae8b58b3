/** What the browser tests share: the built page (rebuilt when stale) and headless Chromium (Debian's, via playwright-core). */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const repo = new URL('../../', import.meta.url).pathname;
export const webDist = join(repo, 'web', 'dist');

/** Newest modification time of the files under `dir` (skipping build output). */
function newestMtime(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name === 'dist' || e.name === 'node_modules') continue;
    const p = join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/** Builds the page when web/dist is missing or older than the page's or the library's sources. */
export function buildPageIfStale(): void {
  const built = join(webDist, 'index.html');
  if (existsSync(built) && statSync(built).mtimeMs > Math.max(newestMtime(join(repo, 'web')), newestMtime(join(repo, 'src')))) return;
  execFileSync('npm', ['run', 'build:web'], { cwd: repo, stdio: 'pipe', timeout: 120_000 });
}

export function launchChromium(profile: string, viewport = { width: 1000, height: 1100 }): Promise<BrowserContext> {
  return chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport,
    hasTouch: true,
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-quic', '--no-first-run', '--disable-sync', '--disable-dev-shm-usage',
    ],
  });
}
