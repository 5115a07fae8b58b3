import type { Command } from 'commander';
import { printJson } from '../options.js';
import { join } from 'node:path';
import { printTables, reportFromStore } from '../../reports/study-report.js';
import { ResultsStore } from '../../studies/results-store.js';
import { loadStudyCopy } from '../../studies/study-file.js';
import { studyDefaults } from '../../studies/run-defaults.js';

export function register(program: Command): void {
  program
    .command('report')
    .description("rebuild a study's report.md/report.html from its stored results")
    .argument('<dir>', 'a study output directory (holds study.json and results.jsonl)')
    .option('--json', 'print the statistics as JSON instead of tables')
    .addHelpText('after', `
Examples:
  pairnet report results/002-siamese-digit-subnetwork
  pairnet report out/quick --json`)
    .action(async (dir: string, opts: { json?: boolean }) => {
      const defaults = studyDefaults();
      const study = loadStudyCopy(dir, defaults);
      const store = ResultsStore.open(dir, { readOnly: true });
      for (const p of store.problems) console.error(`pairnet: ${p}`);
      const report = await reportFromStore(dir, study, defaults, store);
      if (opts.json) printJson(report.stats);
      else console.log(printTables(report.tables));
      console.error(`pairnet: report written to ${join(dir, 'report.html')} and report.md (${report.stats.runsDone} of ${report.stats.runsPlanned} runs)`);
    });
}
