/** From a study's stored results to its statistics and written report (used by `pairnet study` and `pairnet report`). */
import type { StudyConfig } from '../studies/config.js';
import type { ResultsStore } from '../studies/results-store.js';
import { currentPlan } from '../studies/runner.js';
import { collectFailures, collectResults, studyStats, type StudyStats } from '../studies/study-stats.js';
import type { RunConfig } from '../training/config.js';
import { writeReport } from './report.js';
import { comparisonsTable, failedRunsTable, publishedCostTable, publishedTable, resultsTable, sweepTable, textTable, type Table } from './tables.js';

export interface WrittenReport {
  stats: StudyStats;
  /** The tables worth printing on a terminal. */
  tables: Table[];
}

export async function reportFromStore(dir: string, study: StudyConfig, defaults: RunConfig, store: ResultsStore): Promise<WrittenReport> {
  const plan = currentPlan(study, defaults, store);
  const results = collectResults(plan, (s) => store.get(s.key, s.configHash));
  const stats = studyStats(study, plan, results, collectFailures(plan, (s) => store.getFailure(s.key, s.configHash)));
  await writeReport(dir, study, plan, stats, results);
  const tables = [resultsTable(stats), sweepTable(study, stats), publishedTable(study, stats), publishedCostTable(study, stats), comparisonsTable(stats), failedRunsTable(stats)].filter(
    (t): t is Table => t !== null && t.rows.length > 0,
  );
  return { stats, tables };
}

export function printTables(tables: Table[]): string {
  return tables.map(textTable).join('\n\n');
}
