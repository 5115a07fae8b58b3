#!/usr/bin/env node
import { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { commands } from './commands/index.js';

const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };

const program = new Command();
program
  .name('pairnet')
  .description('Two-digit MNIST comparison studies on a no-autograd WebAssembly engine')
  .version(pkg.version);
for (const register of commands) register(program);

program.parseAsync(process.argv).catch((err: unknown) => {
  console.error(`pairnet: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
