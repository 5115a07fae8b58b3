// For tools/twin/check_models.py: builds zoo model NAME (seeded), writes its weights to OUT.safetensors and prints
// its eval-mode outputs on a seeded random batch of 4 pairs as JSON. Run after `npx tsc -p tsconfig.json`.
//   node tools/twin/model-outputs.mjs NAME OUT.safetensors ['{"comparator":"probabilistic"}']
import { writeFileSync } from 'node:fs';
import { fromArray } from '../../dist/src/engine/index.js';
import { Rng } from '../../dist/src/engine/rng.js';
import { encodeSafetensors } from '../../dist/src/engine/safetensors.js';
import { buildModel, resolveModelOptions } from '../../dist/src/models/registry.js';

const [name, out, optionsJson] = process.argv.slice(2);
const given = optionsJson ? JSON.parse(optionsJson) : {};
const model = buildModel(name, given, new Rng(5));
writeFileSync(out, encodeSafetensors(model.module));
const rng = new Rng(9);
const x = Array.from({ length: 4 * 392 }, () => rng.normal());
const y = model.forward(fromArray([4, 2, 14, 14], Float32Array.from(x)), false);
const digits = y.digits ? y.digits.map((d) => Array.from(d.data)) : null;
const auxMain = y.auxMain ? Array.from(y.auxMain.data) : null;
console.log(JSON.stringify({ options: resolveModelOptions(name, given), x, main: Array.from(y.main.data), digits, auxMain }));
