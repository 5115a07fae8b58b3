// Runs the README's "The framework on its own" code block exactly as written: its one import line is bound to the
// engine's public entry point (what `pairnet/engine` resolves to), the rest executes unchanged.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as engine from '../../src/engine/index.js';

function readmeSnippet(): { names: string[]; body: string } {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const section = readme.split(/^## The framework on its own$/m)[1];
  if (section === undefined) throw new Error('README.md has no "## The framework on its own" section');
  const block = /```js\n([\s\S]*?)```/.exec(section.split(/^## /m)[0]);
  if (!block) throw new Error('README.md "The framework on its own" has no ```js block');
  const imp = /^import \{([^}]+)\} from 'pairnet\/engine';\n/.exec(block[1]);
  if (!imp) throw new Error("the README block must start with one import from 'pairnet/engine'");
  return { names: imp[1].split(',').map((s) => s.trim()), body: block[1].slice(imp[0].length) };
}

describe('README: the framework on its own', () => {
  it('imports only public engine names', () => {
    const { names } = readmeSnippet();
    for (const n of names) expect(engine, `pairnet/engine exports ${n}`).toHaveProperty(n);
    expect(names).toEqual(expect.arrayContaining(['Linear', 'Tanh', 'Sequential', 'MSELoss', 'SGD']));
  });

  it('trains the statement network to a low test error and prints it', () => {
    const { names, body } = readmeSnippet();
    const printed: string[] = [];
    const capture = { log: (s: string) => printed.push(s) };
    const values = names.map((n) => (engine as Record<string, unknown>)[n]);
    new Function('console', ...names, body)(capture, ...values);
    expect(printed).toHaveLength(1);
    const m = /^test error (\d+\.\d)%$/.exec(printed[0]);
    expect(m, printed[0]).not.toBeNull();
    // The block prints 1.2% (seed 1); a broken forward, backward or step stays near 50%.
    expect(Number(m![1])).toBeLessThan(3);
  });
});
