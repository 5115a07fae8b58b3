import type { Command } from 'commander';
import { register as serve } from './serve.js';
import { register as data } from './data.js';
import { register as disc } from './disc.js';
import { register as models } from './models.js';
import { register as train } from './train.js';
import { register as evalCmd } from './eval.js';
import { register as study } from './study.js';
import { register as report } from './report.js';
import { register as exportCmd } from './export.js';
import { register as worker } from './worker.js';
import { register as queue } from './queue.js';

/** Each CLI command lives in its own file here and registers itself on the program. */
export type RegisterCommand = (program: Command) => void;

export const commands: RegisterCommand[] = [data, disc, serve, study, worker, queue, report, exportCmd, models, train, evalCmd];
