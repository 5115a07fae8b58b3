// A run record's provenance: the git commit the code runs from (marked dirty with uncommitted changes), Node, the CPU.
import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';
import { describe, expect, it } from 'vitest';
import { nodeEnvironment } from '../../src/training/environment.js';

describe('the host part of provenance', () => {
  it('names the checkout it runs from, Node and the CPU', () => {
    const env = nodeEnvironment();
    const git = (...args: string[]) => execFileSync('git', args, { encoding: 'utf8', cwd: new URL('../../src/training/', import.meta.url) }).trim();
    const head = git('rev-parse', 'HEAD');
    const dirty = git('status', '--porcelain', '--untracked-files=no') !== '';
    expect(env.commit).toBe(dirty ? `${head}-dirty` : head);
    expect(env.node).toBe(process.version);
    expect(env.cpu).toBe(cpus()[0].model.trim());
    expect(nodeEnvironment()).toBe(env);
  });
});
