/**
 * A redis-server of our own for the queue bench and tests (Debian's redis-server): a free loopback port, no
 * persistence, killed after. Optionally with a password, and TLS only (a CA and server certificate made by openssl
 * in a temp dir; clients trust the CA through NODE_EXTRA_CA_CERTS=caFile).
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const redisInstalled = spawnSync('redis-server', ['--version']).status === 0;

/** Queue tests skip where redis-server is missing, but not in CI, where .ci/run installs it: there they fail loudly. */
export function requireRedisInCi(): void {
  if (!redisInstalled && process.env.CI) throw new Error('redis-server is not installed: .ci/run must install it (apt-get install -y redis-server) for the queue tests');
}

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

/** A CA and a certificate for 127.0.0.1 signed by it, in a new temp dir. */
function makeCertificates(): string {
  const dir = mkdtempSync(join(tmpdir(), 'pairnet-redis-tls-'));
  const ssl = (...args: string[]): void => void execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=pairnet test CA');
  ssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1');
  writeFileSync(join(dir, 'ext.cnf'), 'subjectAltName=IP:127.0.0.1\n');
  ssl('x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.pem', '-days', '2', '-extfile', 'ext.cnf');
  return dir;
}

export class RedisServer {
  private proc: ChildProcess | null = null;

  private constructor(
    readonly port: number,
    private readonly password: string | null,
    /** Certificates of a TLS-only server. */
    private readonly tlsDir: string | null,
  ) {}

  /** redis://[:password@]127.0.0.1:port, rediss:// with TLS. */
  get url(): string {
    return `redis${this.tlsDir ? 's' : ''}://${this.password ? `:${this.password}@` : ''}127.0.0.1:${this.port}`;
  }

  /** The CA certificate clients must trust (TLS only). */
  get caFile(): string | null {
    return this.tlsDir && join(this.tlsDir, 'ca.pem');
  }

  static async start({ password = null, tls = false }: { password?: string | null; tls?: boolean } = {}): Promise<RedisServer> {
    const r = new RedisServer(await freePort(), password, tls ? makeCertificates() : null);
    await r.launch();
    return r;
  }

  private launch(): Promise<void> {
    const args = ['--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--loglevel', 'warning'];
    if (this.tlsDir) {
      const f = (name: string): string => join(this.tlsDir!, name);
      args.push('--port', '0', '--tls-port', String(this.port), '--tls-cert-file', f('server.pem'), '--tls-key-file', f('server.key'), '--tls-ca-cert-file', f('ca.pem'), '--tls-auth-clients', 'no');
    } else args.push('--port', String(this.port));
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

  /** Kills the server (all data is lost: no persistence) and removes its certificates. */
  async kill(): Promise<void> {
    await this.killProcess();
    if (this.tlsDir) rmSync(this.tlsDir, { recursive: true, force: true });
  }

  private async killProcess(): Promise<void> {
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
    await this.killProcess();
    await this.launch();
  }
}

/** True when the port accepts connections (redis listens once it is ready). */
function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('error', () => resolve(false));
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
  });
}
