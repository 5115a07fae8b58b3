/** The Node host's part of a run record's provenance, computed once per process (worker threads each once). Node only. */
import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { Provenance } from './record.js';

let cached: Omit<Provenance, 'kernels'> | undefined;

/** HEAD of the git checkout this code runs from ('-dirty' with uncommitted changes), or null (an installed package). */
function gitCommit(): string | null {
  const cwd = fileURLToPath(new URL('.', import.meta.url));
  const git = (...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000 }).trim();
  try {
    const head = git('rev-parse', 'HEAD');
    return git('status', '--porcelain', '--untracked-files=no') === '' ? head : `${head}-dirty`;
  } catch {
    return null;
  }
}

export function nodeEnvironment(): Omit<Provenance, 'kernels'> {
  cached ??= { commit: gitCommit(), node: process.version, cpu: cpus()[0]?.model.trim() ?? null };
  return cached;
}
