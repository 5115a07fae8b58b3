/**
 * One training run in its own process for the memory figure of `npm run bench -- --memory`: the default run
 * (ConvSepNet, 1000 embedded-MNIST pairs, batch 25, Adam 1e-3) with report 000's auxiliary losses and a test
 * evaluation every epoch, for argv[2] epochs (default 200). Prints {epochs, seconds, maxRssMb} as JSON.
 */
import { defaultRunConfig } from '../src/training/defaults.js';
import { runTraining } from '../src/training/run.js';

const epochs = Number(process.argv[2] ?? 200);
if (!Number.isInteger(epochs) || epochs < 1) throw new Error(`memory-run: epochs must be a positive integer, got ${process.argv[2]}`);
const config = { ...defaultRunConfig(), loss: { main: 0.5, aux: 0.25, auxSchedule: 'constant' as const }, epochs };
const record = runTraining(config);
// maxRSS is in kilobytes: the peak resident memory of this process over the whole run.
console.log(JSON.stringify({ epochs, seconds: record.trainingSeconds, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
