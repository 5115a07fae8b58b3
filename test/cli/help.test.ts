// Every command's --help ends with examples, and each example parses: its flags are ones the command knows.
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { commands } from '../../src/cli/commands/index.js';

const program = new Command().exitOverride();
for (const register of commands) register(program);

describe('pairnet COMMAND --help', () => {
  it.each(program.commands.map((c) => [c.name(), c] as const))('%s shows examples whose flags it knows', (name, command) => {
    let help = '';
    command.configureOutput({ writeOut: (s) => (help += s) });
    command.outputHelp();
    const at = help.indexOf('\nExamples:\n');
    expect(at, `pairnet ${name} --help has no examples`).toBeGreaterThan(0);
    const examples = help.slice(at).split('\n').filter((l) => l.trim().startsWith('pairnet '));
    expect(examples.length).toBeGreaterThan(0);
    const known = new Set(command.options.flatMap((o) => [o.long, o.short].filter(Boolean)));
    for (const line of examples) {
      const words = line.trim().split(/\s+/);
      expect(words[1]).toBe(name);
      for (const w of words.slice(2)) if (w.startsWith('--')) expect(known.has(w.split('=')[0]), `${line}: ${w}`).toBe(true);
    }
  });
});
