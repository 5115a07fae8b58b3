import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lockStudyDir } from '../../src/studies/study-lock.js';
import { tempDir } from './tiny-study.js';

const dir = tempDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('study directory lock', () => {
  it('lets one study at a time use a directory and takes over a lock whose process is gone', () => {
    const release = lockStudyDir(dir);
    expect(() => lockStudyDir(dir)).toThrow(`in use by another pairnet study (pid ${process.pid})`);
    release();
    expect(existsSync(join(dir, 'study.lock'))).toBe(false);
    // A pid far above pid_max belongs to no process.
    writeFileSync(join(dir, 'study.lock'), '99999999');
    const again = lockStudyDir(dir);
    again();
  });
});
