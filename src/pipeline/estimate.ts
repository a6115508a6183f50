// The estimate of a whole configured experiment: every planned sample, plus the judge's calls when
// the judge is a priced model (compliance and partial-compliance once per sample, AF votes per CoT
// sample). Judge prompts are short and fixed; their sizes below are assumptions, printed with the estimate.
import { isSimulatorSpec, judgeFor, type ExperimentConfig } from '../core/config.js';
import { preparePlan } from '../run/plan.js';
import { listProviders, parseModelSpec } from '../models/index.js';
import { UserError } from '../core/errors.js';
import { estimateSamples, JUDGE_ROW_SUFFIX, type CostEstimate, type EstimateAssumptions, type SampleToEstimate } from '../cost/estimate.js';
import { loadPrices, priceFor, type PriceTable } from '../cost/prices.js';
import { tokenCounterFor } from '../cost/tokens.js';

/** Tokens of one judge call: instructions + request + the answer or scratchpad it reads. */
export const JUDGE_CALL_TOKENS = { input: 1_200, output: 150, afVoteInput: 1_500, afVoteOutput: 60 };

export async function estimateExperiment(config: ExperimentConfig, options: { prices?: PriceTable; assumptions?: EstimateAssumptions } = {}): Promise<CostEstimate> {
  // Specs are checked as `run` checks them: a key or a password written into one is refused, never printed.
  // An unknown provider too: an estimate for a model no run could call would be a silent success.
  const known = new Set(listProviders().map((p) => p.name));
  for (const spec of [...config.models, ...(config.judge ? [config.judge] : [])]) {
    const { provider } = parseModelSpec(spec);
    if (!known.has(provider)) throw new UserError(`unknown provider "${provider}" in model spec "${spec}"`, `use one of: ${[...known].sort().join(', ')}`);
  }
  // The plan is made as it is iterated, and estimated in the same pass: never held as an array.
  const plan = await preparePlan(config);
  let cot = 0;
  const samples = function* (): Generator<SampleToEstimate> {
    for (const s of plan) {
      if (s.reasoning === 'cot') cot++;
      yield s;
    }
  };
  const estimate = estimateSamples(samples(), options);
  const planned = { length: plan.total };
  const judge = judgeFor(config);
  if (judge && !isSimulatorSpec(judge)) {
    const calls = 2 * planned.length + cot * config.afVotes;
    const input = 2 * planned.length * JUDGE_CALL_TOKENS.input + cot * config.afVotes * JUDGE_CALL_TOKENS.afVoteInput;
    const output = 2 * planned.length * JUDGE_CALL_TOKENS.output + cot * config.afVotes * JUDGE_CALL_TOKENS.afVoteOutput;
    // Price the judge's assumed tokens with the same table (no cache discount assumed).
    const price = priceFor(judge, options.prices ?? loadPrices());
    const usd = price ? (input * price.input + output * price.output) / 1e6 : undefined;
    const counter = tokenCounterFor(judge);
    estimate.models.push({
      model: `${judge}${JUDGE_ROW_SUFFIX}`, samples: planned.length, calls, inputTokens: input, cachedInputTokens: 0, outputTokens: output,
      usd, worstCaseUsd: usd, tokenCount: counter.method, tokenizer: counter.basis, priced: Boolean(price),
    });
    estimate.totalUsd += usd ?? 0;
    estimate.worstCaseUsd += usd ?? 0;
  }
  return estimate;
}
