// An ablation design multiplies a run by its conditions: it is priced whole before anything is sent, and
// a design whose expected cost is over the run's budget stops here, in one line, with nothing written.
import type { ExperimentConfig } from '../core/config.js';
import { UserError } from '../core/errors.js';
import { estimateExperiment } from './estimate.js';
import type { PriceTable } from '../cost/prices.js';

const dollars = (usd: number) => `$${usd < 0.01 && usd > 0 ? usd.toFixed(4) : usd.toFixed(2)}`;

/** Refuses a design over `budgetUsd` (expected cost, every condition, cached samples counted as sent). */
export async function refuseDesignOverBudget(config: ExperimentConfig, options: { prices?: PriceTable } = {}): Promise<void> {
  if (!config.ablation || config.budgetUsd === undefined) return;
  const estimate = await estimateExperiment(config, options);
  if (estimate.totalUsd <= config.budgetUsd) return;
  const samples = estimate.models.filter((m) => !m.judge).reduce((sum, m) => sum + m.samples, 0);
  throw new UserError(
    `the ${config.ablation.design} design is estimated at ${dollars(estimate.totalUsd)} expected (${dollars(estimate.worstCaseUsd)} worst case) for ${samples} samples, over the budget of ${dollars(config.budgetUsd)}; nothing was sent`,
    'raise budgetUsd, vary fewer elements, or use fewer requests or samples (af-lab estimate prints the detail)',
  );
}
