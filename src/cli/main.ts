#!/usr/bin/env node
import { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { commands } from './commands/index.js';

// Node 20 keeps relaxed SIMD behind a flag. The engine builds its kernels on first use and picks the relaxed
// build (fused multiply-add tiles, ~11% less CPU per training epoch) if the runtime allows it; V8 flags are
// per process, so study worker threads started from here pick the same build and give the same records.
setFlagsFromString('--experimental-wasm-relaxed-simd');

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
