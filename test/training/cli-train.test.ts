import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const cli = join('dist', 'src', 'cli', 'main.js');
const train = (...args: string[]): string =>
  spawnSync('node', [cli, 'train', '--model', 'fcnet', '--epochs', '1', ...args], { encoding: 'utf8' }).stdout;

describe('pairnet train output', () => {
  it('shows digit accuracy only for digit heads an auxiliary loss trained', () => {
    expect(train()).toMatch(/^fcnet: test accuracy [\d.]+% \(test\), digit heads untrained \(loss\.aux is 0\), train accuracy/);
    expect(train('--aux-fraction', '0.5')).toMatch(/^fcnet: test accuracy [\d.]+% \(test\), digit accuracy [\d.]+%, train accuracy/);
  });
});
