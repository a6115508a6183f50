// Before any call: input and output tokens and dollars per model for a planned experiment.
// Inputs are counted exactly for OpenAI models (their tokenizer) and approximately elsewhere (see
// tokens.ts). Outputs cannot be known in advance: the estimate uses typical lengths (below, from
// transcripts of the helpful-only setting: a CoT turn of a few hundred words of scratchpad plus an
// answer, about 1.3 turns per sample) capped by maxTokens, and also gives the worst case (every turn
// runs to maxTokens, every CoT sample uses all its turns). Prompt-caching discounts apply where the
// provider gives them: the system prompt is the same on every call of a condition.
import type { Reasoning } from '../core/types.js';
import { batchDiscountFor, cachingFor, loadPrices, priceFor, type PriceTable } from './prices.js';
import { costOf } from './meter.js';
import { countPromptTokens, tokenCounterFor } from './tokens.js';

/** What the estimate needs of a planned sample (src/run/plan.ts's PlannedSample has all of it). */
export interface SampleToEstimate {
  model: string;
  reasoning: Reasoning;
  systemPrompt: string;
  userTurn: string;
  params: { maxTokens: number; maxTurns: number };
}

export interface EstimateAssumptions {
  /** Expected output tokens of one assistant turn. */
  outputTokensPerTurn: Record<Reasoning, number>;
  /** Expected assistant turns per sample. */
  turnsPerSample: Record<Reasoning, number>;
}

export const DEFAULT_ASSUMPTIONS: EstimateAssumptions = {
  outputTokensPerTurn: { cot: 700, 'no-cot': 250 },
  turnsPerSample: { cot: 1.3, 'no-cot': 1 },
};

export interface ModelEstimate {
  model: string;
  samples: number;
  calls: number;
  inputTokens: number;
  /** Input tokens expected to be billed at the prompt-cache rate. */
  cachedInputTokens: number;
  outputTokens: number;
  /** Dollars; undefined when the price table does not know the model. */
  usd?: number;
  /** Every turn to maxTokens, every CoT sample to maxTurns, no cache discount. */
  worstCaseUsd?: number;
  tokenCount: 'exact' | 'approximate';
  tokenizer: string;
  priced: boolean;
  /** Dollars when these calls go through the provider's batch API (`--batch`); set by priceBatched. */
  batchUsd?: number;
  batchWorstCaseUsd?: number;
}

/** The judge's estimate row is named `<judge spec> (judge)` (see experiment.ts). */
export const JUDGE_ROW_SUFFIX = ' (judge)';

export interface CostEstimate {
  models: ModelEstimate[];
  totalUsd: number;
  worstCaseUsd: number;
  pricesDate: string;
  assumptions: EstimateAssumptions;
  /** With `--batch`: the total with the batched rows at their batch price (the others as they are). */
  batchTotalUsd?: number;
  batchWorstCaseUsd?: number;
}

/**
 * Price the rows `batched` says are sent through a batch API at the provider's batch price (the same
 * tokens, the table's batch discount); rows of providers without one keep their direct price.
 */
export function priceBatched(estimate: CostEstimate, batched: (row: ModelEstimate) => boolean, table: PriceTable = loadPrices()): CostEstimate {
  let total = 0;
  let worst = 0;
  for (const row of estimate.models) {
    const discount = batched(row) ? batchDiscountFor(row.model, table) : undefined;
    if (discount !== undefined && row.usd !== undefined) {
      row.batchUsd = row.usd * discount;
      row.batchWorstCaseUsd = (row.worstCaseUsd ?? row.usd) * discount;
    }
    total += row.batchUsd ?? row.usd ?? 0;
    worst += row.batchWorstCaseUsd ?? row.worstCaseUsd ?? 0;
  }
  estimate.batchTotalUsd = total;
  estimate.batchWorstCaseUsd = worst;
  return estimate;
}

export function estimateSamples(samples: SampleToEstimate[], options: { prices?: PriceTable; assumptions?: EstimateAssumptions } = {}): CostEstimate {
  const prices = options.prices ?? loadPrices();
  const assumptions = options.assumptions ?? DEFAULT_ASSUMPTIONS;
  const byModel = new Map<string, SampleToEstimate[]>();
  for (const s of samples) {
    const group = byModel.get(s.model);
    if (group) group.push(s);
    else byModel.set(s.model, [s]);
  }

  const models: ModelEstimate[] = [];
  for (const [model, group] of byModel) {
    const counter = tokenCounterFor(model);
    const price = priceFor(model, prices);
    const caching = cachingFor(model, prices);
    const seenSystemPrompts = new Set<string>();
    let calls = 0;
    let input = 0;
    let cachedInput = 0;
    let cacheWrites = 0;
    let output = 0;
    let worstInput = 0;
    let worstOutput = 0;
    for (const s of group) {
      const systemTokens = counter.count(s.systemPrompt);
      const promptTokens = countPromptTokens(counter, [{ content: s.systemPrompt }, { content: s.userTurn }]);
      const turns = Math.min(assumptions.turnsPerSample[s.reasoning], s.params.maxTurns);
      const perTurnOutput = Math.min(assumptions.outputTokensPerTurn[s.reasoning], s.params.maxTokens);
      // Later turns carry the earlier turns (and a short <NEXT/>) in their prompt.
      input += turns * promptTokens + perTurnOutput * ((turns * (turns - 1)) / 2);
      output += turns * perTurnOutput;
      calls += turns;
      // The first call with a system prompt writes the cache; later ones read it when it is long enough.
      const cacheable = systemTokens >= (caching.minPromptTokens ?? 1024);
      const cachingApplies = caching.automatic || model.startsWith('anthropic/');
      if (cachingApplies && cacheable) {
        const first = !seenSystemPrompts.has(s.systemPrompt);
        cachedInput += (first ? Math.max(0, turns - 1) : turns) * systemTokens;
        if (first) cacheWrites += systemTokens;
      }
      seenSystemPrompts.add(s.systemPrompt);
      const maxTurns = s.reasoning === 'cot' ? s.params.maxTurns : 1;
      worstInput += maxTurns * promptTokens + s.params.maxTokens * ((maxTurns * (maxTurns - 1)) / 2);
      worstOutput += maxTurns * s.params.maxTokens;
    }
    // Billed as a run's meter bills it: cache writes at their premium where the provider charges one.
    const usd = price ? costOf({ inputTokens: input, cachedInputTokens: cachedInput, cacheWriteInputTokens: cacheWrites, outputTokens: output }, price) : undefined;
    const worstCaseUsd = price ? (worstInput * price.input + worstOutput * price.output) / 1e6 : undefined;
    models.push({
      model,
      samples: group.length,
      calls: Math.round(calls),
      inputTokens: Math.round(input),
      cachedInputTokens: Math.round(cachedInput),
      outputTokens: Math.round(output),
      usd,
      worstCaseUsd,
      tokenCount: counter.method,
      tokenizer: counter.basis,
      priced: Boolean(price),
    });
  }
  return {
    models,
    totalUsd: models.reduce((sum, m) => sum + (m.usd ?? 0), 0),
    worstCaseUsd: models.reduce((sum, m) => sum + (m.worstCaseUsd ?? 0), 0),
    pricesDate: prices.date,
    assumptions,
  };
}
