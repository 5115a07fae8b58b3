// Mutation testing in parts (stryker.config.mjs lists them): each part is one Stryker run with its own incremental
// file and report under out/mutation/<part>/, so a run cut short keeps every part it finished.
//   node tools/mutate.mjs [part...]            run these parts (default: all), then print the score
//   node tools/mutate.mjs --score [--survivors] sum the parts' reports; --survivors lists each surviving mutant
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { parts } from '../stryker.config.mjs';

const DETECTED = new Set(['Killed', 'Timeout']);
const UNDETECTED = new Set(['Survived', 'NoCoverage']);

function usage(message) {
  console.error(`mutate: ${message}\nusage: node tools/mutate.mjs [part...] | --score [--survivors]\nparts: ${Object.keys(parts).join(', ')}`);
  process.exit(2);
}

/**
 * Whether a report's file belongs to the part: under one of its mutate globs' folders and not excluded. A part's
 * report can also carry files of other parts that Stryker kept from an older incremental file.
 */
function inPart(file, globs) {
  const base = (glob) => glob.replace(/^!/, '').split('*')[0];
  const matches = (glob) => (glob.includes('*') ? file.startsWith(base(glob)) : file === glob.replace(/^!/, ''));
  return globs.some((g) => !g.startsWith('!') && matches(g)) && !globs.some((g) => g.startsWith('!') && matches(g));
}

/** Detected and undetected mutants of one report's files (compile and runtime errors and ignored ones count in neither). */
export function tally(report, globs) {
  const rows = [];
  for (const [file, { mutants }] of Object.entries(report.files)) {
    if (globs && !inPart(file, globs)) continue;
    const row = { file, detected: 0, undetected: 0, survivors: [] };
    for (const m of mutants) {
      if (DETECTED.has(m.status)) row.detected++;
      else if (UNDETECTED.has(m.status)) {
        row.undetected++;
        row.survivors.push(`${file}:${m.location.start.line}:${m.location.start.column} ${m.mutatorName} (${m.status}): ${JSON.stringify(m.replacement ?? '')}`);
      }
    }
    rows.push(row);
  }
  return rows;
}

const percent = (d, u) => (d + u === 0 ? '-' : `${((100 * d) / (d + u)).toFixed(1)} %`);

function score(listSurvivors) {
  let detected = 0;
  let undetected = 0;
  const missing = [];
  console.log('part             detected  undetected  score     report');
  for (const part of Object.keys(parts)) {
    const file = `out/mutation/${part}/mutation.json`;
    if (!existsSync(file)) {
      missing.push(part);
      continue;
    }
    const rows = tally(JSON.parse(readFileSync(file, 'utf8')), parts[part].mutate);
    const d = rows.reduce((s, r) => s + r.detected, 0);
    const u = rows.reduce((s, r) => s + r.undetected, 0);
    detected += d;
    undetected += u;
    console.log(`${part.padEnd(16)} ${String(d).padStart(8)}  ${String(u).padStart(10)}  ${percent(d, u).padEnd(8)}  ${file}`);
    if (listSurvivors) for (const r of rows) for (const s of r.survivors) console.log(`  ${s}`);
  }
  console.log(`${'all'.padEnd(16)} ${String(detected).padStart(8)}  ${String(undetected).padStart(10)}  ${percent(detected, undetected)}`);
  if (missing.length) console.log(`not run yet: ${missing.join(', ')} (npm run mutate -- ${missing.join(' ')})`);
}

const args = process.argv.slice(2);
if (args.includes('--score')) score(args.includes('--survivors'));
else {
  const chosen = args.length ? args : Object.keys(parts);
  for (const part of chosen) if (!(part in parts)) usage(`unknown part "${part}"`);
  for (const part of chosen) {
    console.log(`mutate: part ${part} (${parts[part].mutate.join(' ')}; killed by ${parts[part].tests.join(' ')})`);
    const run = spawnSync('npx', ['stryker', 'run'], { stdio: 'inherit', env: { ...process.env, PAIRNET_MUTATE_PART: part } });
    if (run.status !== 0) {
      console.error(`mutate: part ${part}: stryker exited with ${run.status ?? run.signal} (the parts before it are kept)`);
      process.exit(1);
    }
  }
  score(false);
}
