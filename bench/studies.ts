/**
 * The studies section of `npm run bench` (`--only=studies`): the six report studies' total training time on
 * WebAssembly and on the native backend, extrapolated from sampled runs (studies-estimate.ts): one run per
 * (phase, variant, batch size) of each study's plan, trained for `--studies-epochs` epochs (default 3; more when
 * its middle epochs took under `--studies-min-seconds`, default 1 CPU s, on WebAssembly) on each backend, one thread
 * each, back to back in the same invocation with the order alternating, then weighed by the plan's runs x epochs of
 * its group. `--studies=a,b` picks study files of studies/ by name (or
 * by path, ending in .json, planned without stored results).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { nativeStatus } from '../src/engine/kernels/index.js';
import { planStudy, type RunSpec } from '../src/studies/plan.js';
import { ResultsStore } from '../src/studies/results-store.js';
import { studyDefaults } from '../src/studies/run-defaults.js';
import { loadStudyConfig } from '../src/studies/study-file.js';
import type { RunConfig } from '../src/training/config.js';
import { benchOption } from './args.js';
import type { SampleReply } from './studies-child.js';
import { longerSampleEpochs, MIN_SAMPLE_EPOCHS, sampleGroups, studySeconds, type EpochSeconds } from './studies-estimate.js';

/** The studies that reproduce reports 000-004 (000's Table II and Figure 3, 001, 002, 003, 004). */
export const SIX_STUDIES = [
  '000-weight-sharing-aux-losses', '000-aux-weight-sweep', '001-leaky-cnns-weight-sharing-aux',
  '002-siamese-digit-subnetwork', '003-mlp-cnn-resnet-ws-aux', '004-batchnorm-dropout-ws-aux',
];
export const BACKENDS = ['wasm', 'native'] as const;
type BackendKey = (typeof BACKENDS)[number];

const fromDist = !import.meta.url.endsWith('.ts');
const root = fileURLToPath(new URL(fromDist ? '../../' : '../', import.meta.url));
const childScript = fileURLToPath(new URL(fromDist ? './studies-child.js' : '../dist/bench/studies-child.js', import.meta.url));

export interface StudyFigure {
  study: string;
  runs: number;
  epochs: number;
  samples: number;
  /** Grid steps whose later phases were planned from incomplete stored results (see planFromResults). */
  assumed: string[];
  /** Stored runs of this plan in results/ and their trainingSeconds (wall, on WebAssembly). */
  stored: { runs: number; seconds: number };
  cpu: Record<BackendKey, number>;
  wall: Record<BackendKey, number>;
}

export interface StudiesBench {
  sampleEpochs: number;
  minMiddleSeconds: number;
  backendNames: Record<BackendKey, string>;
  studies: StudyFigure[];
  total: { cpu: Record<BackendKey, number>; wall: Record<BackendKey, number> };
  /** Wall seconds the section took. */
  seconds: number;
}

/** A study's file: a name of studies/ (without .json), or a path to a .json file. */
export function studyFile(name: string): string {
  return name.endsWith('.json') ? name : `${root}studies/${name}.json`;
}

/**
 * The study's full plan, its grid steps' choices taken from the stored results in results/<name>/: a run not
 * stored counts as not chosen (planStudy's rule for a failed run), so a step without any stored results takes its
 * first grid point. Names the steps so planned.
 */
export function planFromResults(name: string, resultsDir: string | null): { runs: RunSpec[]; assumed: string[]; stored: { runs: number; seconds: number } } {
  const defaults = studyDefaults();
  const file = studyFile(name);
  if (!existsSync(file)) throw new Error(`studies bench: --studies: no study file ${file}`);
  const study = loadStudyConfig(file, defaults);
  const store = resultsDir !== null && existsSync(resultsDir) ? ResultsStore.open(resultsDir, { readOnly: true }) : null;
  const lookup = (s: RunSpec) => store?.get(s.key, s.configHash);
  const plan = planStudy(study, defaults, lookup, () => true);
  const stored = plan.runs.map(lookup).filter((r) => r !== undefined);
  const assumed = [...new Set(plan.runs.filter((s) => s.phase.startsWith('grid ') && !lookup(s)).map((s) => s.phase))];
  return { runs: plan.runs, assumed, stored: { runs: stored.length, seconds: stored.reduce((a, r) => a + r.trainingSeconds, 0) } };
}

/** A forked child training on one backend; one request at a time. */
class SampleChild {
  private readonly proc: ChildProcess;

  constructor(readonly backend: BackendKey) {
    if (!existsSync(childScript)) throw new Error(`studies bench: ${childScript} is missing (npm run build:ts)`);
    this.proc = fork(childScript, [], { env: { ...process.env, PAIRNET_BACKEND: backend }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  }

  time(config: RunConfig): Promise<{ backend: string; cpu: EpochSeconds; wall: EpochSeconds }> {
    return new Promise((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`studies bench: the ${this.backend} child exited (${code})`));
      this.proc.once('exit', onExit);
      this.proc.once('message', (m: SampleReply) => {
        this.proc.off('exit', onExit);
        if ('error' in m) reject(new Error(`studies bench (${this.backend}): ${m.error}`));
        else resolve(m);
      });
      this.proc.send({ config });
    });
  }

  stop(): void {
    if (this.proc.connected) this.proc.disconnect();
  }
}

export interface StudiesBenchOptions {
  studies?: string[];
  sampleEpochs?: number;
  /** A sample whose middle epochs took less CPU time on WebAssembly is trained again for more epochs (default 1 s). */
  minMiddleSeconds?: number;
  /** Where the stored runs are (results/<name>); null: plan without them. */
  resultsDir?: (name: string) => string | null;
  /** One line per sample (stderr by default). */
  log?: (line: string) => void;
}

export function studiesOptions(argv: string[]): StudiesBenchOptions {
  const epochs = benchOption(argv, 'studies-epochs');
  const min = benchOption(argv, 'studies-min-seconds');
  return {
    studies: benchOption(argv, 'studies')?.split(','),
    sampleEpochs: epochs === undefined ? undefined : Number(epochs),
    minMiddleSeconds: min === undefined ? undefined : Number(min),
  };
}

export async function benchStudies(options: StudiesBenchOptions = {}): Promise<StudiesBench> {
  const { studies: names = SIX_STUDIES, sampleEpochs = MIN_SAMPLE_EPOCHS, minMiddleSeconds = 1, log = (l: string) => console.error(l) } = options;
  const resultsDir = options.resultsDir ?? ((n: string) => (n.endsWith('.json') ? null : `${root}results/${n}`));
  if (!(Number.isFinite(minMiddleSeconds) && minMiddleSeconds >= 0)) throw new Error(`studies bench: --studies-min-seconds: expected a number >= 0, got ${minMiddleSeconds}`);
  const native = nativeStatus();
  if (!native.available) throw new Error(`studies bench: the native backend is needed to compare (${native.reason})`);
  const planned = names.map((name) => {
    const plan = planFromResults(name, resultsDir(name));
    return { name, ...plan, groups: sampleGroups(plan.runs, sampleEpochs) };
  });
  const start = performance.now();
  const children = BACKENDS.map((b) => new SampleChild(b));
  const backendNames = { wasm: '', native: '' };
  const measured: { cpu: Record<string, EpochSeconds>; wall: Record<string, EpochSeconds> }[][] = [];
  try {
    let k = 0;
    for (const p of planned) {
      const perGroup: (typeof measured)[number] = [];
      for (const g of p.groups) {
        const measure = async (config: RunConfig) => {
          // Alternating which backend goes first: the first of a pair tends to run slower on this machine.
          const order = k++ % 2 === 0 ? children : [...children].reverse();
          const sample = { cpu: {} as Record<string, EpochSeconds>, wall: {} as Record<string, EpochSeconds> };
          for (const c of order) {
            const r = await c.time(config);
            backendNames[c.backend] = r.backend;
            sample.cpu[c.backend] = r.cpu;
            sample.wall[c.backend] = r.wall;
          }
          return sample;
        };
        let sample = await measure(g.config);
        const longer = longerSampleEpochs(g, sample.cpu.wasm, minMiddleSeconds);
        if (longer !== null) {
          g.config = { ...g.config, epochs: longer };
          sample = await measure(g.config);
        }
        log(`studies bench: ${p.name}: ${g.label} (${g.runEpochs.length} runs): ${BACKENDS.map((b) => `${b} ${sum(sample.cpu[b]).toFixed(2)}`).join(', ')} CPU s for ${g.config.epochs} epochs`);
        perGroup.push(sample);
      }
      measured.push(perGroup);
    }
  } finally {
    for (const c of children) c.stop();
  }
  const studies = planned.map((p, i): StudyFigure => {
    const pick = (kind: 'cpu' | 'wall') => studySeconds(p.groups, measured[i].map((s) => s[kind])) as Record<BackendKey, number>;
    return {
      study: p.name, runs: p.runs.length, epochs: sum(p.runs.map((r) => r.config.epochs)), samples: p.groups.length,
      assumed: p.assumed, stored: p.stored, cpu: pick('cpu'), wall: pick('wall'),
    };
  });
  const total = (kind: 'cpu' | 'wall') => ({ wasm: sum(studies.map((s) => s[kind].wasm)), native: sum(studies.map((s) => s[kind].native)) });
  return { sampleEpochs, minMiddleSeconds, backendNames, studies, total: { cpu: total('cpu'), wall: total('wall') }, seconds: (performance.now() - start) / 1000 };
}

const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);

export function formatStudiesTable(b: StudiesBench): string {
  const f = (v: number, d = 0): string => v.toFixed(d);
  const row = (name: string, runs: string, samples: string, cpu: Record<BackendKey, number>, wall: Record<BackendKey, number>, stored: string): string[] => [
    name, runs, samples, f(cpu.wasm), f(cpu.native), f(cpu.native / cpu.wasm, 2), f(wall.wasm), f(wall.native), f(wall.native / wall.wasm, 2), stored,
  ];
  const head = ['study', 'runs', 'samples', 'wasm CPU s', 'native CPU s', 'ratio', 'wasm wall s', 'native wall s', 'ratio', 'results/ wall s (runs)'];
  const rows = b.studies.map((s) => row(s.study, String(s.runs), String(s.samples), s.cpu, s.wall, s.stored.runs === 0 ? '-' : `${f(s.stored.seconds)} (${s.stored.runs})`));
  rows.push(row('total', String(sum(b.studies.map((s) => s.runs))), String(sum(b.studies.map((s) => s.samples))), b.total.cpu, b.total.wall, ''));
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]): string => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  const x = b.total.cpu.wasm / b.total.cpu.native;
  const notes = [
    `An extrapolation, not a full measurement: one run per (phase, variant, batch size) of each study's plan (planStudy),`,
    `trained for ${b.sampleEpochs} epochs on each backend (${b.backendNames.wasm} and ${b.backendNames.native}, one thread each,`,
    `the order alternating; again for more epochs when its middle epochs took under ${b.minMiddleSeconds} CPU s on wasm), its first`,
    `epoch (with setup) and last (with the final evaluation) counted once per run and its middle epochs' mean for every other`,
    `planned epoch. Seconds are one run after another on one core, not a study's wall time on its workers.`,
    ...b.studies.filter((s) => s.assumed.length > 0).map((s) => `${s.study}: ${s.assumed.join(', ')} not all in results/; later phases planned from the stored runs (a grid point without them is not chosen)`),
    `Total: native takes ${f(1 / x, 2)} of WebAssembly's CPU time (${f(x, 2)}x less); section took ${f(b.seconds)} s.`,
    'Re-run: npm run bench -- --only=studies [--studies=name,...] [--studies-epochs=N] [--studies-min-seconds=S]',
  ];
  return [line(head), ...rows.map(line), ...notes].join('\n');
}
