import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lockStudyDir, processStart, readLock, staleReason, type LockOwner } from '../../src/studies/study-lock.js';
import { tempDir } from './tiny-study.js';

const dir = tempDir();
const file = join(dir, 'study.lock');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('study directory lock', () => {
  it('lets one study at a time use a directory and takes over a lock whose process is gone', () => {
    const release = lockStudyDir(dir);
    expect(() => lockStudyDir(dir)).toThrow(`in use by another pairnet study (pid ${process.pid}`);
    release();
    expect(existsSync(file)).toBe(false);
    // A pid far above pid_max belongs to no process.
    writeFileSync(file, '99999999');
    const notices: string[] = [];
    const again = lockStudyDir(dir, (m) => notices.push(m));
    expect(notices).toEqual([`${file}: taking over a stale lock (pid 99999999 on ${hostname()}, started unknown): process 99999999 is gone`]);
    again();
  });

  it('records pid, host and start time', () => {
    const release = lockStudyDir(dir);
    const owner = readLock(file)!;
    expect(owner.pid).toBe(process.pid);
    expect(owner.host).toBe(hostname());
    expect(Date.now() - Date.parse(owner.startedAt)).toBeLessThan(60_000);
    expect(owner.procStart).toBe(processStart(process.pid));
    release();
  });

  it('recognises a live pid that now belongs to another process, and says so', () => {
    // This test's own (live) pid, but a start time that is not this process's: the pid was reused.
    writeFileSync(file, JSON.stringify({ pid: process.pid, host: hostname(), startedAt: '2026-01-01T00:00:00.000Z', procStart: '1' }));
    const notices: string[] = [];
    const release = lockStudyDir(dir, (m) => notices.push(m));
    expect(notices[0]).toMatch(/taking over a stale lock \(pid \d+ on .*, started 2026-01-01T00:00:00.000Z\): pid \d+ now belongs to another process/);
    release();
  });

  it('refuses a lock held on another host, and says how to clear it', () => {
    writeFileSync(file, JSON.stringify({ pid: 1, host: 'elsewhere', startedAt: '2026-01-01T00:00:00.000Z', procStart: null }));
    expect(() => lockStudyDir(dir)).toThrow(`in use by another pairnet study (pid 1 on elsewhere, started 2026-01-01T00:00:00.000Z); wait for it or stop it, or if no study runs there, delete ${file}`);
    expect(JSON.parse(readFileSync(file, 'utf8')).host).toBe('elsewhere');
    rmSync(file);
  });

  it('reads the kernel start time as field 22 of /proc/<pid>/stat, and null for no such process', () => {
    const stat = readFileSync(`/proc/${process.pid}/stat`, 'utf8');
    const afterName = stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
    expect(afterName[0]).toMatch(/^[A-Z]$/); // field 3, the state
    expect(processStart(process.pid)).toBe(afterName[19]);
    expect(processStart(process.pid)).toMatch(/^\d+$/);
    expect(processStart(99999999)).toBeNull();
  });

  it('reads an old pid-only lock, a JSON owner, and nothing else', () => {
    const read = (text: string): LockOwner | null => {
      writeFileSync(file, text);
      return readLock(file);
    };
    expect(read('  4242\n')).toEqual({ pid: 4242, host: hostname(), startedAt: 'unknown', procStart: null });
    const owner = { pid: 7, host: 'h', startedAt: 's', procStart: '99' };
    expect(read(JSON.stringify(owner))).toEqual(owner);
    expect(read(JSON.stringify({ ...owner, procStart: 99 }))).toEqual({ ...owner, procStart: null });
    for (const bad of [{ ...owner, pid: 1.5 }, { ...owner, pid: '7' }, { ...owner, host: 3 }, { ...owner, startedAt: null }, { pid: 7 }])
      expect(read(JSON.stringify(bad))).toBeNull();
    for (const text of ['12abc', 'abc12', '{', '', 'null'.padEnd(10)]) expect(read(text)).toBeNull();
    // Only the first 1000 characters are read: a longer lock is unreadable.
    expect(read(JSON.stringify(owner).replace('{', `{${' '.repeat(1000)}`))).toBeNull();
    rmSync(file);
    expect(readLock(file)).toBeNull();
  });

  it('calls a lock stale when unreadable, its pid is not positive or gone, or its pid was reused', () => {
    const mine = { pid: process.pid, host: hostname(), startedAt: 's', procStart: processStart(process.pid) };
    expect(staleReason(null)).toBe('the lock file is unreadable');
    expect(staleReason({ ...mine, pid: 0 })).toBe('process 0 is gone');
    expect(staleReason({ ...mine, pid: -3 })).toBe('process -3 is gone');
    expect(staleReason({ ...mine, pid: 99999999 })).toBe('process 99999999 is gone');
    expect(staleReason({ ...mine, procStart: '1' })).toBe(`pid ${process.pid} now belongs to another process`);
    expect(staleReason(mine)).toBeNull();
    expect(staleReason({ ...mine, procStart: null })).toBeNull();
    expect(staleReason({ ...mine, pid: 99999999, host: 'elsewhere' })).toBeNull();
  });

  it('takes over an unreadable lock saying so, and passes other errors through', () => {
    writeFileSync(file, '{');
    const notices: string[] = [];
    const release = lockStudyDir(dir, (m) => notices.push(m));
    expect(notices).toEqual([`${file}: taking over a stale lock: the lock file is unreadable`]);
    release();
    expect(() => lockStudyDir(join(dir, 'no such dir'))).toThrow(/ENOENT/);
  });

  it('releases only its own lock: not one taken over since by another process or session', () => {
    for (const other of [{ pid: process.pid + 1 }, { startedAt: '2000-01-01T00:00:00.000Z' }]) {
      const release = lockStudyDir(dir);
      const held = readLock(file)!;
      writeFileSync(file, JSON.stringify({ ...held, ...other }));
      release();
      expect(existsSync(file)).toBe(true);
      rmSync(file);
    }
  });
});
