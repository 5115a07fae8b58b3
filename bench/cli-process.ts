/** `pairnet worker` and `pairnet study` processes for the queue bench and tests, run from the build in dist/. */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The built CLI (from bench/ under vitest, from dist/bench/ when built). */
export const cli = fileURLToPath(import.meta.url.endsWith('.ts') ? new URL('../dist/src/cli/main.js', import.meta.url) : new URL('../src/cli/main.js', import.meta.url));

export class CliProcess {
  output = '';
  readonly exited: Promise<number | null>;

  constructor(readonly proc: ChildProcess) {
    proc.stdout!.on('data', (d: Buffer) => (this.output += d.toString()));
    proc.stderr!.on('data', (d: Buffer) => (this.output += d.toString()));
    this.exited = new Promise((resolve) => proc.once('exit', (code) => resolve(code)));
  }

  static start(args: string[], env: Record<string, string> = {}): CliProcess {
    return new CliProcess(spawn('node', [cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } }));
  }

  /** A `pairnet worker` with one slot and a short lock, resolved once connected. */
  static async worker(url: string, lockMs: number): Promise<CliProcess> {
    const w = CliProcess.start(['worker', '--queue', url, '--concurrency', '1', '--lock-ms', String(lockMs)]);
    try {
      await w.waitFor(/slot on /);
    } catch (e) {
      // Not left behind: the caller never gets it to stop.
      await w.kill();
      throw e;
    }
    return w;
  }

  get pid(): number {
    return this.proc.pid!;
  }

  /** Lines of the worker log that report a run trained. */
  get done(): number {
    return this.output.split('\n').filter((l) => / done /.test(l)).length;
  }

  async waitFor(re: RegExp | (() => boolean), timeoutMs = 60_000): Promise<void> {
    const ok = typeof re === 'function' ? re : () => re.test(this.output);
    const deadline = Date.now() + timeoutMs;
    while (!ok()) {
      if (this.proc.exitCode !== null) throw new Error(`process exited (${this.proc.exitCode}) before ${re}:\n${this.output}`);
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${re}:\n${this.output}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (this.proc.exitCode === null && this.proc.signalCode === null) this.proc.kill(signal);
    await this.exited;
  }
}
