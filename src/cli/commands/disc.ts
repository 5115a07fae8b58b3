import type { Command } from 'commander';
import { DISC_DEFAULTS } from '../../disc/config.js';
import { DEFAULT_SWEEP_LRS, planDisc, type DiscCliOptions } from '../../disc/options.js';
import { runDisc } from '../../disc/run.js';
import { DEFAULT_PYTHON } from '../../disc/torch.js';
import { UsageError } from '../options.js';

/** `pairnet disc`: mini-project 2 (the framework on its own) on the disc task. */
export function register(program: Command): void {
  const d = DISC_DEFAULTS;
  program
    .command('disc')
    .description(
      'Mini-project 2: train the statement\'s 2-25-25-25-1 MLP (MSE, SGD) on 1000 disc points and test on 1000 more',
    )
    .option('--epochs <n>', 'training epochs', String(d.epochs))
    .option('--lr <x>', 'SGD learning rate', String(d.lr))
    .option('--batch-size <n>', 'mini-batch size', String(d.batchSize))
    .option('--activation <name>', 'tanh or relu', d.activation)
    .option('--outputs <k>', '1 (target 0/1, threshold 0.5) or 2 (one-hot targets, argmax)', String(d.outputs))
    .option('--decay-epoch <n>', 'multiply the lr by --decay-factor after this epoch; 0 = constant lr (default: epochs/2)')
    .option('--decay-factor <f>', 'lr multiplier at --decay-epoch', String(d.decayFactor))
    .option('--no-standardize', 'feed the raw [0,1] coordinates instead of standardising them with the training mean/std')
    .option('--seed <n>', 'seed of the first run (run i uses seed + i)', String(d.seed))
    .option('--runs <n>', 'independent runs (fresh data and weights); prints mean +- std of the test error', '1')
    .option('--report <dir>', 'also sweep lr x {tanh, relu} with --runs runs each and write report.md/report.html')
    .option('--sweep-lrs <list>', 'learning rates of the report sweep', DEFAULT_SWEEP_LRS.join(','))
    .option('--compare-torch', 'train the same network in PyTorch on the same data (needs torch in --python)')
    .option('--python <path>', 'python with torch for --compare-torch', DEFAULT_PYTHON)
    .option('--json', 'print one JSON document instead of text')
    .option('--quiet', 'no per-epoch / per-run lines')
    .addHelpText('after', `
Examples:
  pairnet disc
  pairnet disc --activation relu --lr 0.05 --runs 10
  pairnet disc --runs 5 --report out/disc --compare-torch`)
    .action(async (opts: DiscCliOptions) => {
      let plan;
      try {
        plan = planDisc(opts);
      } catch (e) {
        // planDisc only reads the flags: what it refuses is a usage error (exit 2).
        throw new UsageError((e as Error).message);
      }
      const command = ['pairnet', ...process.argv.slice(2)].join(' ');
      // Progress to stderr, so stdout holds only the results (and --json stays one document).
      await runDisc(plan, (line) => console.log(line), command, (line) => console.error(line));
    });
}
