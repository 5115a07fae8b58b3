/**
 * A redis-server of our own for the queue bench and tests (Debian's redis-server): a free loopback port, no
 * persistence, killed after.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { connect, createServer } from 'node:net';

export const redisInstalled = spawnSync('redis-server', ['--version']).status === 0;

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export class RedisServer {
  private proc: ChildProcess | null = null;

  private constructor(
    readonly port: number,
    private readonly password: string | null,
  ) {}

  /** redis://[:password@]127.0.0.1:port */
  get url(): string {
    return `redis://${this.password ? `:${this.password}@` : ''}127.0.0.1:${this.port}`;
  }

  static async start(password: string | null = null): Promise<RedisServer> {
    const r = new RedisServer(await freePort(), password);
    await r.launch();
    return r;
  }

  private launch(): Promise<void> {
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--loglevel', 'warning'];
    if (this.password) args.push('--requirepass', this.password);
    const proc = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.proc = proc;
    let log = '';
    proc.stdout!.on('data', (d: Buffer) => (log += d.toString()));
    proc.stderr!.on('data', (d: Buffer) => (log += d.toString()));
    return new Promise((resolve, reject) => {
      const deadline = Date.now() + 10_000;
      const poll = (): void => {
        if (proc.exitCode !== null) return reject(new Error(`redis-server exited: ${log}`));
        ping(this.port).then((ok) => {
          if (ok) resolve();
          else if (Date.now() > deadline) reject(new Error(`redis-server did not start on port ${this.port}: ${log}`));
          else setTimeout(poll, 50);
        });
      };
      poll();
    });
  }

  /** Kills the server (all data is lost: no persistence). */
  async kill(): Promise<void> {
    const p = this.proc;
    this.proc = null;
    if (!p || p.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      p.once('exit', () => resolve());
      p.kill('SIGKILL');
    });
  }

  /** Kills the server and starts an empty one on the same port. */
  async restart(): Promise<void> {
    await this.kill();
    await this.launch();
  }
}

/** True when something answers on the port (redis answers a PING with +PONG or -NOAUTH). */
function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('error', () => resolve(false));
    s.once('data', () => {
      s.destroy();
      resolve(true);
    });
    s.once('connect', () => s.write('PING\r\n'));
  });
}
