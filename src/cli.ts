#!/usr/bin/env -S node --max-semi-space-size=4
// The af-lab command line. Each subcommand lives in src/cli/<name>.ts and exports `register(program)`.
// The first line starts node with a young generation of 4 MB a semi-space (cli/heapGrowth.ts says why;
// `env -S` splits the line into words: GNU coreutils 8.30 and later, macOS, the BSDs, npm's Windows shims).
import { Command } from 'commander';
import { fileSystemUserError, isUserError } from './core/errors.js';
import { afLabVersion } from './core/version.js';
import { register as registerRun } from './cli/run.js';
import { register as registerFigures } from './cli/figures.js';
import { register as registerReport } from './cli/report.js';
import { register as registerRejudge } from './cli/rejudge.js';
import { register as registerLabels } from './cli/labels.js';
import { register as registerStats } from './cli/stats.js';
import { register as registerEstimate } from './cli/estimate.js';
import { register as registerRepair } from './cli/repair.js';
import { register as registerSettings } from './cli/settings.js';
import { register as registerScore } from './cli/score.js';
import { register as registerCompact } from './cli/compact.js';
import { register as registerParaphrase } from './cli/paraphrase.js';
import { register as registerBatches } from './cli/batches.js';
import { register as registerCache } from './cli/cache.js';
import { redactTerminal } from './cli/redactOutput.js';
import { limitHeapGrowth } from './cli/heapGrowth.js';

limitHeapGrowth();
redactTerminal();

const program = new Command('af-lab')
  .description('Alignment-faking experiments on any chat model: sample, judge, test, plot.')
  .version(afLabVersion())
  // One line after a usage error, pointing at the help, not the whole usage.
  .showHelpAfterError("(af-lab <command> --help lists the command's options)")
  // A usage error (unknown option, missing argument) is bad input like any other: exit 2. Set before
  // the subcommands are registered, which inherit it.
  .exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : 2));

registerRun(program);
registerFigures(program);
registerReport(program);
registerRejudge(program);
registerLabels(program);
registerStats(program);
registerEstimate(program);
registerRepair(program);
registerSettings(program);
registerScore(program);
registerCompact(program);
registerParaphrase(program);
registerBatches(program);
registerCache(program);

program.parseAsync(process.argv).catch((err: unknown) => {
  // A file-system error (disk full, read-only folder) is the user's to fix: one line, not a stack.
  const problem = isUserError(err) ? err : fileSystemUserError(err);
  if (problem) {
    console.error(problem.describe());
    process.exit(2);
  }
  console.error(err);
  process.exit(1);
});
