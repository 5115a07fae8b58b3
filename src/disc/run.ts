/**
 * What `pairnet disc` does with a validated plan: one run with per-epoch lines, or many runs with mean +- std,
 * optionally the learning-rate sweep + report and the PyTorch side-by-side. Output goes through `print`
 * (stdout in the CLI), so tests read exactly what a user sees.
 */
import { runDiscMany, discSweep, type DiscMultiRun, type SweepCell } from './experiment.js';
import type { DiscPlan } from './options.js';
import { writeDiscReport } from './report.js';
import { runTorchDisc, torchVersion, type TorchDiscResult } from './torch.js';
import type { DiscEpoch } from './train.js';

const pct = (x: number): string => `${(100 * x).toFixed(2)}%`;
const secs = (wall: number, cpu: number): string => `${wall.toFixed(2)} s wall / ${cpu.toFixed(2)} s CPU`;

function epochLine(e: DiscEpoch, epochs: number): string {
  const errors = e.trainError === null || e.testError === null ? '' : `  train error ${pct(e.trainError)}  test error ${pct(e.testError)}`;
  return `epoch ${e.epoch}/${epochs}  loss ${e.loss.toFixed(6)}${errors}`;
}

/** The JSON summary of a multi-run (no model, no data). */
function multiRunJson(m: DiscMultiRun) {
  return {
    config: m.config,
    test: m.test,
    train: m.train,
    meanTrainingSeconds: m.meanTrainingSeconds,
    meanTrainingCpuSeconds: m.meanTrainingCpuSeconds,
    runs: m.runs.map((r) => (m.runs.length === 1 ? r : { ...r, epochs: undefined })),
  };
}

/** Runs `pairnet disc`: results through `print` (stdout in the CLI), per-epoch and per-run progress through `progress` (stderr). */
export async function runDisc(plan: DiscPlan, print: (line: string) => void, command: string, progress: (line: string) => void = print): Promise<void> {
  const { config, runs } = plan;
  let torch: string | null = null;
  if (plan.compareTorch) {
    torch = torchVersion(plan.python);
    if (torch === null) {
      throw new Error(`disc: --compare-torch: ${plan.python} cannot import torch (Debian: apt-get install python3-torch)`);
    }
  }

  // Per-epoch errors cost as much as training; compute them only for the single-run log and the report's curves.
  const curves = runs === 1 || plan.reportDir !== null;
  const main = runDiscMany(config, runs, {
    curves,
    onEpoch: (_, e) => {
      if (!plan.quiet && runs === 1) progress(epochLine(e, config.epochs));
    },
    onRun: (i, run) => {
      if (!plan.quiet && runs > 1) progress(`run ${i + 1}/${runs} (seed ${run.config.seed}): train error ${pct(run.trainError)}  test error ${pct(run.testError)}`);
    },
  });

  let torchResult: TorchDiscResult | null = null;
  if (torch !== null) {
    const sets = main.sets.map((s, i) => ({ seed: config.seed + i, ...s }));
    torchResult = runTorchDisc(plan.python, config, sets);
  }

  let sweep: SweepCell[] = [];
  if (plan.reportDir !== null) {
    if (!plan.quiet) progress(`sweep: lr ${plan.sweepLrs.join(', ')} x tanh, relu, ${runs} runs each`);
    sweep = discSweep(config, plan.sweepLrs, ['tanh', 'relu'], runs, main, (c) => {
      if (!plan.quiet) progress(`  ${c.activation} lr ${c.lr}: test error ${pct(c.test.mean)} +- ${pct(c.test.std)}`);
    });
  }

  if (plan.json) {
    // schemaVersion: as every --json document of the CLI (src/cli/options.ts).
    print(JSON.stringify({ schemaVersion: 1, ...multiRunJson(main), sweep, torch: torchResult }, null, 2));
  } else if (runs === 1) {
    print(`final: train error ${pct(main.train.mean)}  test error ${pct(main.test.mean)}  (${secs(main.meanTrainingSeconds, main.meanTrainingCpuSeconds)} training)`);
  } else {
    print(
      `test error over ${runs} runs: ${pct(main.test.mean)} +- ${pct(main.test.std)} ` +
        `(train ${pct(main.train.mean)} +- ${pct(main.train.std)}; ${secs(main.meanTrainingSeconds, main.meanTrainingCpuSeconds)} training per run)`,
    );
  }
  if (torchResult && !plan.json) {
    const t = torchResult;
    print(`side by side (${runs} run(s), same data sets; PyTorch ${t.torch}, ${t.threads} thread):`);
    print(`  pairnet  test error ${pct(main.test.mean)} +- ${pct(main.test.std)}  ${secs(main.meanTrainingSeconds, main.meanTrainingCpuSeconds)} training per run`);
    print(`  PyTorch  test error ${pct(t.meanTestError)} +- ${pct(t.stdTestError)}  ${secs(t.meanSeconds, t.meanCpuSeconds)} training per run`);
  }

  if (plan.reportDir !== null) {
    const files = await writeDiscReport(plan.reportDir, {
      command,
      main,
      sweep,
      torch: torchResult,
      generatedAt: new Date().toISOString(),
    });
    if (!plan.json) print(`report: ${files.filter((f) => /report\.(md|html)$/.test(f)).join(', ')}`);
  }
}
