// A run's budget belongs to the run, not to one invocation: re-running a command (the way a run
// resumes) or rejudging it counts what the run's ledger (calls.jsonl) already spent, and the budget is
// run.json's unless `--budget` gives the run a new total.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ExperimentConfig } from '../core/config.js';
import { UserError } from '../core/errors.js';
import { ledgerSpentUsd, readManifest, runDirFor, RUN_FILE } from '../core/runStore.js';

/**
 * The budget for this invocation of a run, and what the run spent before it. `config.budgetUsd` (a
 * flag or the config file) sets the run's total; absent, the run's stored budget applies.
 */
export function runBudget(config: Partial<Pick<ExperimentConfig, 'outDir' | 'name' | 'budgetUsd'>>, runDir = runDirFor(config as Pick<ExperimentConfig, 'outDir' | 'name'>)): { budgetUsd?: number; spentBeforeUsd: number } {
  if (config.budgetUsd !== undefined && !(Number.isFinite(config.budgetUsd) && config.budgetUsd >= 0)) {
    throw new UserError(`--budget ${config.budgetUsd} is not an amount of dollars (0 or more)`, 'give --budget an amount, e.g. --budget 5');
  }
  if (!existsSync(join(runDir, RUN_FILE))) return { ...(config.budgetUsd !== undefined ? { budgetUsd: config.budgetUsd } : {}), spentBeforeUsd: 0 };
  const stored = readManifest(runDir).config.budgetUsd;
  const budgetUsd = config.budgetUsd ?? stored;
  return { ...(budgetUsd !== undefined ? { budgetUsd } : {}), spentBeforeUsd: ledgerSpentUsd(runDir) };
}
