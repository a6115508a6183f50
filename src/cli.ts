#!/usr/bin/env node
// The af-lab command line. Each subcommand lives in src/cli/<name>.ts and exports `register(program)`.
import { Command } from 'commander';
import { isUserError } from './core/errors.js';
import { register as registerRun } from './cli/run.js';
import { register as registerFigures } from './cli/figures.js';
import { register as registerReport } from './cli/report.js';
import { register as registerRejudge } from './cli/rejudge.js';
import { register as registerLabels } from './cli/labels.js';
import { register as registerStats } from './cli/stats.js';
import { register as registerEstimate } from './cli/estimate.js';
import { register as registerRepair } from './cli/repair.js';
import { register as registerSettings } from './cli/settings.js';

const program = new Command('af-lab')
  .description('Alignment-faking experiments on any chat model: sample, judge, test, plot.')
  .showHelpAfterError();

registerRun(program);
registerFigures(program);
registerReport(program);
registerRejudge(program);
registerLabels(program);
registerStats(program);
registerEstimate(program);
registerRepair(program);
registerSettings(program);

program.parseAsync(process.argv).catch((err: unknown) => {
  if (isUserError(err)) {
    console.error(err.describe());
    process.exit(2);
  }
  console.error(err);
  process.exit(1);
});
