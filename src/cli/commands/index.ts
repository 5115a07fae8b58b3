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

/** Each CLI command lives in its own file here and registers itself on the program. */
export type RegisterCommand = (program: Command) => void;

export const commands: RegisterCommand[] = [data, disc, serve, study, report, exportCmd, models, train, evalCmd];
