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
  /** Expected tokens of a sample's final answer (a CoT sample's scratchpad is the rest of its output): what the judges read. */
  answerTokens: number;
  /** Expected tokens of one judge answer, per kind; an AF vote is one of the n completions of its call. */
  judgeOutputTokens: { compliance: number; af: number; partial: number };
}

export const DEFAULT_ASSUMPTIONS: EstimateAssumptions = {
  outputTokensPerTurn: { cot: 700, 'no-cot': 250 },
  turnsPerSample: { cot: 1.3, 'no-cot': 1 },
  answerTokens: 250,
  judgeOutputTokens: { compliance: 150, af: 100, partial: 150 },
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
  /** A judge row (named `<spec> (judge: <kind>)`): the judge's spec and the kind of call it estimates, as the meter counts it ('judge', 'af-vote', 'partial'). */
  judge?: { spec: string; purpose: string };
  /** Dollars when these calls go through the provider's batch API (`--batch`); set by priceBatched. */
  batchUsd?: number;
  batchWorstCaseUsd?: number;
}


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

export function estimateSamples(samples: Iterable<SampleToEstimate>, options: { prices?: PriceTable; assumptions?: Partial<EstimateAssumptions> } = {}): CostEstimate {
  const prices = options.prices ?? loadPrices();
  const assumptions = { ...DEFAULT_ASSUMPTIONS, ...options.assumptions };
  // One pass over the samples (a plan made as it is iterated: a 2M-sample plan is never an array),
  // a running total per model; each distinct prompt is tokenized once.
  const byModel = new Map<string, ModelTally>();
  for (const s of samples) {
    let tally = byModel.get(s.model);
    if (!tally) byModel.set(s.model, (tally = new ModelTally(s.model, prices)));
    tally.add(s, assumptions);
  }
  const models = [...byModel.values()].map((tally) => tally.estimate());
  return {
    models,
    totalUsd: models.reduce((sum, m) => sum + (m.usd ?? 0), 0),
    worstCaseUsd: models.reduce((sum, m) => sum + (m.worstCaseUsd ?? 0), 0),
    pricesDate: prices.date,
    assumptions,
  };
}

/** One model's running estimate: sums over its samples, in plan order. */
class ModelTally {
  private readonly counter: ReturnType<typeof tokenCounterFor>;
  private readonly price: ReturnType<typeof priceFor>;
  private readonly caching: ReturnType<typeof cachingFor>;
  private readonly seenSystemPrompts = new Set<string>();
  /** Tokens per system prompt, and per system prompt and user turn (a plan repeats both). */
  private readonly systemTokens = new Map<string, number>();
  private readonly promptTokens = new Map<string, Map<string, number>>();
  private samples = 0;
  private calls = 0;
  private input = 0;
  private cachedInput = 0;
  private cacheWrites = 0;
  private output = 0;
  private worstInput = 0;
  private worstOutput = 0;

  constructor(
    private readonly model: string,
    prices: PriceTable,
  ) {
    this.counter = tokenCounterFor(model);
    this.price = priceFor(model, prices);
    this.caching = cachingFor(model, prices);
  }

  add(s: SampleToEstimate, assumptions: EstimateAssumptions): void {
    const { counter, caching, model } = this;
    this.samples++;
    let systemTokens = this.systemTokens.get(s.systemPrompt);
    if (systemTokens === undefined) this.systemTokens.set(s.systemPrompt, (systemTokens = counter.count(s.systemPrompt)));
    let perSystem = this.promptTokens.get(s.systemPrompt);
    if (!perSystem) this.promptTokens.set(s.systemPrompt, (perSystem = new Map()));
    let promptTokens = perSystem.get(s.userTurn);
    if (promptTokens === undefined) perSystem.set(s.userTurn, (promptTokens = countPromptTokens(counter, [{ content: s.systemPrompt }, { content: s.userTurn }])));
    const turns = Math.min(assumptions.turnsPerSample[s.reasoning], s.params.maxTurns);
    const perTurnOutput = Math.min(assumptions.outputTokensPerTurn[s.reasoning], s.params.maxTokens);
    // Later turns carry the earlier turns (and a short <NEXT/>) in their prompt.
    this.input += turns * promptTokens + perTurnOutput * ((turns * (turns - 1)) / 2);
    this.output += turns * perTurnOutput;
    this.calls += turns;
    // The first call with a system prompt writes the cache; later ones read it when it is long enough.
    const cacheable = systemTokens >= (caching.minPromptTokens ?? 1024);
    const cachingApplies = caching.automatic || model.startsWith('anthropic/');
    if (cachingApplies && cacheable) {
      const first = !this.seenSystemPrompts.has(s.systemPrompt);
      this.cachedInput += (first ? Math.max(0, turns - 1) : turns) * systemTokens;
      if (first) this.cacheWrites += systemTokens;
    }
    this.seenSystemPrompts.add(s.systemPrompt);
    const maxTurns = s.reasoning === 'cot' ? s.params.maxTurns : 1;
    this.worstInput += maxTurns * promptTokens + s.params.maxTokens * ((maxTurns * (maxTurns - 1)) / 2);
    this.worstOutput += maxTurns * s.params.maxTokens;
  }

  estimate(): ModelEstimate {
    const { price } = this;
    // Billed as a run's meter bills it: cache writes at their premium where the provider charges one.
    const usd = price ? costOf({ inputTokens: this.input, cachedInputTokens: this.cachedInput, cacheWriteInputTokens: this.cacheWrites, outputTokens: this.output }, price) : undefined;
    const worstCaseUsd = price ? (this.worstInput * price.input + this.worstOutput * price.output) / 1e6 : undefined;
    return {
      model: this.model,
      samples: this.samples,
      calls: Math.round(this.calls),
      inputTokens: Math.round(this.input),
      cachedInputTokens: Math.round(this.cachedInput),
      outputTokens: Math.round(this.output),
      usd,
      worstCaseUsd,
      tokenCount: this.counter.method,
      tokenizer: this.counter.basis,
      priced: Boolean(price),
    };
  }
}
