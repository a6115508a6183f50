// Spend accounting during a run: the runner calls `record` after every model call with the usage the
// API reported, and checks `exhausted()` before sending a new sample, so a budget stops new requests
// while everything already finished is kept.
import type { Usage } from '../core/types.js';
import { UserError } from '../core/errors.js';
import { batchPriceFor, loadPrices, priceFor, type ModelPrice, type PriceTable } from './prices.js';

/** Dollars for one call's usage: plain input, cached input (discounted), input written to the cache (at its premium) and output. */
export function costOf(usage: Usage, price: ModelPrice): number {
  const cached = Math.min(usage.cachedInputTokens ?? 0, usage.inputTokens);
  const written = Math.min(usage.cacheWriteInputTokens ?? 0, usage.inputTokens - cached);
  const plain = usage.inputTokens - cached - written;
  const input = plain * price.input + cached * (price.cachedInput ?? price.input) + written * (price.cacheWrite ?? price.input);
  return (input + usage.outputTokens * price.output) / 1e6;
}

export interface ModelSpend {
  calls: number;
  /** Of `calls`, the lines answered through a batch API (a judge call may be several lines: the AF votes one a vote). */
  batchedCalls?: number;
  inputTokens: number;
  cachedInputTokens: number;
  outputTokens: number;
  usd: number;
  /** False when the price table does not know this model: its calls are counted at $0. */
  priced: boolean;
}

export interface CostMeterOptions {
  /** Stop sending new requests once this many dollars are spent. */
  budgetUsd?: number;
  /** Dollars the run spent before this invocation (its ledger, calls.jsonl): the budget is the run's, not the invocation's. */
  spentBeforeUsd?: number;
  prices?: PriceTable;
}

export class CostMeter {
  readonly budgetUsd?: number;
  readonly byModel = new Map<string, ModelSpend>();
  /** The judge's calls per kind (`purpose`: 'judge', 'af-vote', 'partial'), also counted in `byModel`. */
  readonly byPurpose = new Map<string, Map<string, ModelSpend>>();
  private readonly prices: PriceTable;
  /** Each spec's price, looked up once (matching the table's patterns costs ~40 µs, on every call otherwise). */
  private readonly priceOf = new Map<string, ModelPrice | undefined>();
  private spent = 0;
  /** What the run had spent before this invocation (see CostMeterOptions.spentBeforeUsd). */
  readonly spentBeforeUsd: number;

  constructor(options: CostMeterOptions = {}) {
    if (options.budgetUsd !== undefined && !(Number.isFinite(options.budgetUsd) && options.budgetUsd >= 0)) {
      throw new UserError(`--budget ${options.budgetUsd} is not an amount of dollars (0 or more)`, 'give --budget an amount, e.g. --budget 5');
    }
    this.budgetUsd = options.budgetUsd;
    this.spentBeforeUsd = options.spentBeforeUsd ?? 0;
    this.prices = options.prices ?? loadPrices();
  }

  /**
   * Account one model call; returns its cost in dollars (0 for models without a known price). A call
   * answered through the provider's batch API (`batched`) is billed at the batch price.
   */
  record(modelSpec: string, usage: Usage, purpose?: string, { batched = false }: { batched?: boolean } = {}): number {
    const priceKey = batched ? `batch:${modelSpec}` : modelSpec;
    if (!this.priceOf.has(priceKey)) this.priceOf.set(priceKey, batched ? batchPriceFor(modelSpec, this.prices) : priceFor(modelSpec, this.prices));
    const price = this.priceOf.get(priceKey);
    const usd = price ? costOf(usage, price) : 0;
    const add = (entry: ModelSpend = { calls: 0, inputTokens: 0, cachedInputTokens: 0, outputTokens: 0, usd: 0, priced: Boolean(price) }): ModelSpend => {
      entry.calls++;
      if (batched) entry.batchedCalls = (entry.batchedCalls ?? 0) + 1;
      entry.inputTokens += usage.inputTokens;
      entry.cachedInputTokens += usage.cachedInputTokens ?? 0;
      entry.outputTokens += usage.outputTokens;
      entry.usd += usd;
      return entry;
    };
    this.byModel.set(modelSpec, add(this.byModel.get(modelSpec)));
    if (purpose !== undefined) {
      const kinds = this.byPurpose.get(modelSpec) ?? new Map<string, ModelSpend>();
      kinds.set(purpose, add(kinds.get(purpose)));
      this.byPurpose.set(modelSpec, kinds);
    }
    this.spent += usd;
    return usd;
  }

  /** True once the budget is reached: no new sample should be sent. */
  exhausted(): boolean {
    return this.budgetUsd !== undefined && this.spentBeforeUsd + this.spent >= this.budgetUsd;
  }

  get spentUsd(): number {
    return this.spent;
  }

  /** The run's spend so far: before this invocation and in it. */
  get runSpentUsd(): number {
    return this.spentBeforeUsd + this.spent;
  }

  /** Models whose calls were counted at $0 because the price table does not list them. */
  unpricedModels(): string[] {
    return [...this.byModel].filter(([, spend]) => !spend.priced).map(([model]) => model);
  }
}
