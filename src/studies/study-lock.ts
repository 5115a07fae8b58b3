/**
 * One `pairnet study` per output directory: two processes appending the same runs would waste work and store
 * duplicates. The lock is <dir>/study.lock, a JSON line {pid, host, startedAt, procStart}: procStart is the
 * process's start time as the kernel counts it (Linux /proc), so a pid that was reused by another process after the
 * owner died is recognised as stale. A stale lock is taken over, with a message that says so.
 */
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

export interface LockOwner {
  pid: number;
  host: string;
  startedAt: string;
  /** Field 22 of /proc/<pid>/stat (clock ticks after boot), or null where there is no /proc. */
  procStart: string | null;
}

/** The kernel's start time of a process, or null when unknown (no /proc, or no such process). */
export function processStart(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces: count fields after the last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Reads a lock file: the JSON owner, or an older lock holding just a pid; null when unreadable. */
export function readLock(file: string): LockOwner | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8').slice(0, 1000);
  } catch {
    return null;
  }
  if (/^\d+$/.test(text.trim())) return { pid: Number(text.trim()), host: hostname(), startedAt: 'unknown', procStart: null };
  try {
    const o = JSON.parse(text) as Partial<LockOwner>;
    if (Number.isSafeInteger(o.pid) && typeof o.host === 'string' && typeof o.startedAt === 'string') {
      return { pid: o.pid!, host: o.host, startedAt: o.startedAt, procStart: typeof o.procStart === 'string' ? o.procStart : null };
    }
  } catch {
    // unreadable: treated as stale below
  }
  return null;
}

/** Why the lock's owner is gone, or null when it may still be running (or runs on another host, unknowable here). */
export function staleReason(owner: LockOwner | null): string | null {
  if (owner === null) return 'the lock file is unreadable';
  if (owner.host !== hostname()) return null;
  if (owner.pid <= 0 || !alive(owner.pid)) return `process ${owner.pid} is gone`;
  const now = processStart(owner.pid);
  if (owner.procStart !== null && now !== null && now !== owner.procStart) return `pid ${owner.pid} now belongs to another process`;
  return null;
}

function describe(owner: LockOwner): string {
  return `pid ${owner.pid} on ${owner.host}, started ${owner.startedAt}`;
}

/**
 * Takes the directory's lock or throws naming the process that holds it and how to clear it; `notice` hears that a
 * stale lock was taken over. Returns the release function.
 */
export function lockStudyDir(dir: string, notice: (message: string) => void = () => {}): () => void {
  const file = join(dir, 'study.lock');
  const me: LockOwner = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString(), procStart: processStart(process.pid) };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, `${JSON.stringify(me)}\n`);
      closeSync(fd);
      return () => {
        // Only our own lock: after a takeover elsewhere the file may be someone else's.
        const held = readLock(file);
        if (held?.pid === me.pid && held.startedAt === me.startedAt) rmSync(file, { force: true });
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const owner = readLock(file);
      const stale = staleReason(owner);
      if (stale === null) {
        throw new Error(`${dir} is in use by another pairnet study (${describe(owner!)}); wait for it or stop it, or if no study runs there, delete ${file}`);
      }
      notice(`${file}: taking over a stale lock${owner ? ` (${describe(owner)})` : ''}: ${stale}`);
      rmSync(file, { force: true });
    }
  }
  throw new Error(`${dir}: cannot take the lock ${file}; if no study runs there, delete it`);
}
