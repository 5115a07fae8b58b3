import type { Command } from 'commander';
import { printJson } from '../options.js';
import { Rng } from '../../engine/index.js';
import { buildModel, ZOO } from '../../models/registry.js';
import { REPORT_ROWS } from '../../models/report-rows.js';

const fmt = (n: number | null): string => (n === null ? '-' : n.toLocaleString('en-US'));

function pad(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd()).join('\n');
}

/** The zoo with measured parameter counts, and the mapping from every report table row to a zoo model. */
export function zooListing(): { models: object[]; reportRows: object[] } {
  const rng = new Rng(0);
  const models = ZOO.map((e) => {
    const model = buildModel(e.name, {}, rng);
    return {
      name: e.name,
      report: e.report,
      reportName: e.reportName,
      summary: e.summary,
      mainLoss: model.mainLoss,
      digitOutputs: model.hasDigits,
      parameters: model.parameterCount(),
      reportParameters: e.reportParameters,
      options: Object.fromEntries(Object.entries(e.options).map(([k, s]) => [k, { default: s.default, ...(s.choices ? { choices: s.choices } : {}), description: s.description }])),
      discrepancy: e.discrepancy,
    };
  });
  const reportRows = REPORT_ROWS.map((r) => ({ ...r, parameters: buildModel(r.model, r.modelOptions, rng).parameterCount() }));
  return { models, reportRows };
}

export function register(program: Command): void {
  program
    .command('models')
    .description('List the model zoo with parameter counts and the mapping from each report table row to a zoo model')
    .option('--json', 'print one JSON document')
    .addHelpText('after', `
Examples:
  pairnet models
  pairnet models --json`)
    .action((opts: { json?: boolean }) => {
      const { models, reportRows } = zooListing() as { models: Record<string, unknown>[]; reportRows: Record<string, unknown>[] };
      if (opts.json) {
        printJson({ models, reportRows });
        return;
      }
      const table = [['model', 'report', 'as in report', 'params', 'report params', 'main loss', 'options']];
      for (const m of models) {
        table.push([
          m.name as string,
          m.report as string,
          m.reportName as string,
          fmt(m.parameters as number),
          fmt(m.reportParameters as number | null),
          m.mainLoss as string,
          Object.keys(m.options as object).join(', '),
        ]);
      }
      console.log(pad(table));
      console.log('\nReport rows -> zoo model + options (RunConfig overrides):');
      const rows = [['report', 'row', 'model', 'model options', 'overrides', 'params (report)', 'note']];
      for (const r of reportRows) {
        rows.push([
          r.report as string,
          r.row as string,
          r.model as string,
          JSON.stringify(r.modelOptions),
          JSON.stringify(r.overrides),
          `${fmt(r.parameters as number)} (${fmt(r.reportParameters as number | null)})`,
          r.note as string,
        ]);
      }
      console.log(pad(rows));
      console.log('\nDiscrepancies with the reports are described in each model file (src/models/) and docs/models.md.');
    });
}
