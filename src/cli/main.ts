#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { readFileSync } from 'node:fs';
import { commands } from './commands/index.js';
import { UsageError } from './options.js';

const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };

const program = new Command();
program
  .name('pairnet')
  .description('Two-digit MNIST comparison studies on a no-autograd WebAssembly engine')
  .version(pkg.version)
  // Commander's own errors are thrown to the catch below (inherited by every command registered after this).
  .exitOverride();
for (const register of commands) register(program);

// Exit codes: 0 success, 1 runtime error, 2 usage error (commander's, or a flag's value), 130 after Ctrl-C.
program.parseAsync(process.argv).catch((err: unknown) => {
  // Commander has printed its message (or the help); --help and --version are successes.
  if (err instanceof CommanderError) process.exit(err.exitCode === 0 ? 0 : 2);
  console.error(`pairnet: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(err instanceof UsageError ? 2 : 1);
});
