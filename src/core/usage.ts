// Token usage arithmetic, shared by the providers (n completions made as several calls) and the judges
// (attempts and votes summed into one judgement).
import type { Usage } from './types.js';

export const ZERO_USAGE: Usage = { inputTokens: 0, outputTokens: 0 };

/** The sum of two usages; the prompt-cache counts are kept when either side reported them. */
export function addUsage(a: Usage, b: Usage): Usage {
  const sum: Usage = { inputTokens: a.inputTokens + b.inputTokens, outputTokens: a.outputTokens + b.outputTokens };
  for (const field of ['cachedInputTokens', 'cacheWriteInputTokens'] as const) {
    if (a[field] !== undefined || b[field] !== undefined) sum[field] = (a[field] ?? 0) + (b[field] ?? 0);
  }
  return sum;
}

/** Spend accounting (src/cost's CostMeter is the implementation): `record` returns the dollars a call cost. */
export interface SpendMeter {
  /**
   * `purpose` names a judge call's kind ('judge', 'af-vote', 'partial'); samples have none. `batched`:
   * the call was answered through the provider's batch API (billed at its batch price).
   */
  record(modelSpec: string, usage: Usage, purpose?: string, options?: { batched?: boolean }): number;
  exhausted(): boolean;
}

/** Cheap estimate (4 characters a token) for pacing the tokens/min limit, where exactness does not matter. */
export function roughTokens(text: string): number {
  return Math.ceil(text.length / 4);
}
