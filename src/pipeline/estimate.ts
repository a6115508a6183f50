// The estimate of a whole configured experiment: every planned sample, plus the judge's calls when
// the judge is a priced model (compliance and partial-compliance once per sample, AF votes per CoT
// sample). Judge prompts are short and fixed; their sizes below are assumptions, printed with the estimate.
import { isSimulatorSpec, judgeFor, type ExperimentConfig } from '../core/config.js';
import { planSamples } from '../run/plan.js';
import { parseModelSpec } from '../models/spec.js';
import { estimateSamples, priceBatched, JUDGE_ROW_SUFFIX, type CostEstimate, type EstimateAssumptions, type SampleToEstimate } from '../cost/estimate.js';
import { loadPrices, priceFor, type PriceTable } from '../cost/prices.js';
import { tokenCounterFor } from '../cost/tokens.js';

/** Tokens of one judge call: instructions + request + the answer or scratchpad it reads. */
export const JUDGE_CALL_TOKENS = { input: 1_200, output: 150, afVoteInput: 1_500, afVoteOutput: 60 };

export async function estimateExperiment(config: ExperimentConfig, options: { prices?: PriceTable; assumptions?: EstimateAssumptions; batch?: 'models' | 'judge' | 'both' } = {}): Promise<CostEstimate> {
  // Specs are checked as `run` checks them: a key or a password written into one is refused, never printed.
  for (const spec of [...config.models, ...(config.judge ? [config.judge] : [])]) parseModelSpec(spec);
  const planned = await planSamples(config);
  const samples: SampleToEstimate[] = planned.map((s) => ({ model: s.model, reasoning: s.reasoning, systemPrompt: s.systemPrompt, userTurn: s.userTurn, params: s.params }));
  const estimate = estimateSamples(samples, options);
  const judge = judgeFor(config);
  if (judge && !isSimulatorSpec(judge)) {
    const cot = planned.filter((s) => s.reasoning === 'cot').length;
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
  const batch = options.batch;
  if (batch) priceBatched(estimate, (row) => (row.model.endsWith(JUDGE_ROW_SUFFIX) ? batch !== 'models' : batch !== 'judge'), options.prices ?? loadPrices());
  return estimate;
}
