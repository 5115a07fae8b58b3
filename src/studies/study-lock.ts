/**
 * One `pairnet study` per output directory: two processes appending the same runs would waste work and store
 * duplicates. The lock is <dir>/study.lock holding the owner's pid; a lock whose process is gone is taken over.
 */
import { openSync, readFileSync, rmSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the directory's lock or throws naming the process that holds it; returns the release function. */
export function lockStudyDir(dir: string): () => void {
  const file = join(dir, 'study.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(file, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const pid = Number(readFileSync(file, 'utf8'));
      if (Number.isInteger(pid) && pid > 0 && alive(pid)) throw new Error(`${dir} is in use by another pairnet study (pid ${pid}); wait for it or stop it`);
      rmSync(file, { force: true });
    }
  }
  throw new Error(`${dir}: cannot take the lock ${file}`);
}
