// Builds the optional native backend (native/: an N-API addon, GEMM with AVX-512 / AVX2+FMA) with node-gyp from the
// project's own sources; run by `npm ci` (the install script). It never fails the install: without a compiler, on
// another CPU or OS, it says so in one line and pairnet runs on WebAssembly. PAIRNET_NATIVE=off skips it.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

const say = (line) => console.log(`pairnet: ${line}`);

if (process.env.PAIRNET_NATIVE === 'off') {
  say('native backend not built (PAIRNET_NATIVE=off); using WebAssembly');
  process.exit(0);
}

// npm hands its node-gyp to install scripts; else the copy bundled with npm beside this node.
const bundled = join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
const gyp = [process.env.npm_config_node_gyp, bundled].find((p) => p && existsSync(p));
if (!gyp) {
  say('native backend not built (node-gyp not found); using WebAssembly');
  process.exit(0);
}
// Build against this node's own headers when it has them (no download).
const nodedir = join(dirname(process.execPath), '..');
const headers = existsSync(join(nodedir, 'include', 'node', 'node_api.h')) ? ['--nodedir', nodedir] : [];
const [cmd, args] = gyp.endsWith('.js') ? [process.execPath, [gyp]] : [gyp, []];
const r = spawnSync(cmd, [...args, 'rebuild', '--directory', 'native', ...headers], { encoding: 'utf8' });
if (r.status === 0) {
  say('native backend built (native/build/Release/pairnet_native.node)');
} else {
  const lines = `${r.stderr ?? ''}${r.error?.message ?? ''}`.split('\n').map((l) => l.trim()).filter(Boolean);
  const why = lines.find((l) => /error|not found|No such/i.test(l) && !/^gyp ERR! (stack|System|command|cwd|node -v|node-gyp -v|not ok)/.test(l));
  say(`native backend not built (${(why ?? `node-gyp exit ${r.status}`).slice(0, 160)}); using WebAssembly`);
}
