import type { ChildProcess } from 'node:child_process';

/** The URL a `pairnet serve` child prints once it listens; rejects if the child exits first. */
export function serveUrl(child: ChildProcess): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /serving the page at (http:\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.on('exit', (code) => reject(new Error(`serve exited with ${code}`)));
  });
}
