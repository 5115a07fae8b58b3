import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';

/** The web page imports src/data/browser.ts: nothing it reaches may import a Node module. */
describe('browser-safe data layer', () => {
  it('browser.ts and everything it imports use no node: or Node built-in modules', () => {
    const root = join(import.meta.dirname, '../../src/data/browser.ts');
    const seen = new Set<string>();
    const visit = (file: string): void => {
      if (seen.has(file)) return;
      seen.add(file);
      const src = readFileSync(file, 'utf8');
      for (const m of src.matchAll(/(?:import|export)[^'"]*from\s+'([^']+)'/g)) {
        const spec = m[1];
        expect(spec.startsWith('.'), `${file} imports ${spec}`).toBe(true);
        visit(join(dirname(file), spec.replace(/\.js$/, '.ts')));
      }
    };
    visit(root);
    expect(seen.size).toBeGreaterThan(8);
  });
});
