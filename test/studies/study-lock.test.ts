import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lockStudyDir, processStart, readLock } from '../../src/studies/study-lock.js';
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
});
