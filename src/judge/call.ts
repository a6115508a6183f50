// One judge call, through the same middleware as the model samples (core/middleware.ts): the cache,
// the spend meter and the run's ledger, the budget. The judge prompts only call the wrapped model.
import type { ChatMessage, ChatModel, ChatResponse, FinishReason, Usage } from '../core/types.js';
import { withCache, type ResponseCache } from '../core/cache.js';
import { BudgetExhausted, withBudget, withSpend, wrapModel, type CallLedger } from '../core/middleware.js';
import { ZERO_USAGE } from '../core/usage.js';
import type { JudgeCostMeter } from './types.js';

export { describeCallError } from '../models/errors.js';

export interface JudgeContext {
  /** The judge as resolved; the calls go through it wrapped with the cache, the meter and the budget below (judgeModel). */
  model: ChatModel;
  cache?: ResponseCache;
  costMeter?: JudgeCostMeter;
  /** Attempts per judgement (first try + retries) before it is recorded unparseable. */
  maxAttempts: number;
  /** Tokens the judge may write per answer; doubled (up to 8192) after a truncated answer. */
  maxTokens: number;
  signal?: AbortSignal;
  /** Told of every call actually sent (not served from the cache), for the run's spend audit; `reconciled` for one a kill kept out of it. */
  onCall?: (call: { purpose: string; cacheKey: string; usage: Usage; costUsd: number; votes?: number[] }, reconciled: boolean) => void;
  /** A resumed run's reconciliation of its ledger with the answers it paid for (withSpend's rule; paidCalls.ts). */
  reconcile?: CallLedger['reconcile'];
}

export const DEFAULT_JUDGE_MAX_TOKENS = 1024;
export const DEFAULT_JUDGE_ATTEMPTS = 3;

/** Thrown instead of a call when the budget is spent: the caller leaves the record unjudged. */
export { BudgetExhausted as JudgeBudgetExhausted };

const wrapped = new WeakMap<JudgeContext, { model: ChatModel; cache?: ResponseCache; wrapped: ChatModel }>();

/**
 * The judge wrapped once per context: the ledger and the meter outside the cache (a call is logged
 * only once its answer is committed), the budget inside it (an answer already cached costs nothing).
 * Made again only when the context's model or cache changes (a run opens its cache with the first record).
 */
export function judgeModel(ctx: JudgeContext): ChatModel {
  const known = wrapped.get(ctx);
  if (known && known.model === ctx.model && known.cache === ctx.cache) return known.wrapped;
  const onCall = ctx.onCall;
  const ledger: CallLedger | undefined = onCall && {
    append: (call) => onCall({ purpose: call.purpose, cacheKey: call.cacheKey, usage: call.usage, costUsd: call.costUsd ?? 0, ...(call.votes ? { votes: call.votes } : {}) }, call.reconciled === true),
    ...(ctx.reconcile ? { reconcile: ctx.reconcile } : {}),
  };
  const model = wrapModel(ctx.model, withSpend(ctx.costMeter, ledger), ctx.cache && withCache(ctx.cache), withBudget(ctx.costMeter));
  wrapped.set(ctx, { model: ctx.model, ...(ctx.cache ? { cache: ctx.cache } : {}), wrapped: model });
  return model;
}

export interface JudgeCallResult {
  /** One text per completion (n of them). */
  texts: string[];
  finishReason: FinishReason;
  usage: Usage;
  cached: boolean;
  costUsd: number;
}

export interface JudgeCallKey {
  /** Cache purpose: 'judge', 'af-vote' or 'partial'. */
  purpose: string;
  sampleIndex: number;
}

/** A judge prompt as one user message (a string), or as the messages it is sent as. */
function messagesOf(prompt: string | ChatMessage[]): ChatMessage[] {
  return typeof prompt === 'string' ? [{ role: 'user', content: prompt }] : prompt;
}

export async function callJudge(
  ctx: JudgeContext,
  prompt: string | ChatMessage[],
  params: { temperature: number; maxTokens: number; n?: number },
  key: JudgeCallKey,
): Promise<JudgeCallResult> {
  const n = params.n ?? 1;
  const response = await judgeModel(ctx).chat({
    messages: messagesOf(prompt),
    temperature: params.temperature,
    maxTokens: params.maxTokens,
    ...(n > 1 ? { n } : {}),
    ...(ctx.signal ? { signal: ctx.signal } : {}),
    call: { sampleIndex: key.sampleIndex, purpose: key.purpose },
  });
  const cached = response.served?.cached ?? false;
  return { texts: completions(response, n), finishReason: response.finishReason, usage: response.usage, cached, costUsd: cached ? 0 : (response.served?.costUsd ?? 0) };
}

/**
 * The votes still missing, asked for in one call with `n` (the provider splits it where it cannot):
 * the cache keeps a request's votes as one entry and asks only for the votes it lacks, so adding
 * votes later asks only for the new ones and a re-judge makes no call.
 */
export async function callJudgeVotes(
  ctx: JudgeContext,
  prompt: string | ChatMessage[],
  params: { temperature: number; maxTokens: number },
  voteIndices: number[],
  purpose: string,
): Promise<{ votes: Map<number, { text: string; finishReason: FinishReason }>; usage: Usage; calls: number; cachedCalls: number; costUsd: number }> {
  const response = await judgeModel(ctx).chat({
    messages: messagesOf(prompt),
    temperature: params.temperature,
    maxTokens: params.maxTokens,
    ...(ctx.signal ? { signal: ctx.signal } : {}),
    ...(voteIndices.length > 1 ? { n: voteIndices.length } : {}),
    completionIndices: voteIndices,
    call: { sampleIndex: 0, purpose },
  });
  // Without a cache the completions come in the order asked; through it, each with its vote index.
  const answered = response.votes ?? completions(response, voteIndices.length).map((text, j) => ({ index: voteIndices[j], text, finishReason: response.finishReason }));
  const votes = new Map<number, { text: string; finishReason: FinishReason }>();
  for (const vote of answered) votes.set(vote.index, { text: vote.text, finishReason: vote.finishReason });
  const served = response.served;
  const cachedCalls = served?.cachedVotes ?? 0;
  const sent = served?.cached ? 0 : 1;
  return { votes, usage: sent ? response.usage : ZERO_USAGE, calls: cachedCalls + sent, cachedCalls, costUsd: sent ? (served?.costUsd ?? 0) : 0 };
}

function completions(response: ChatResponse, n: number): string[] {
  const texts = [response.text, ...(response.alternatives ?? [])];
  if (texts.length < n) {
    // A provider that returned fewer completions than asked: the missing votes stay unanswered,
    // which the caller treats like unparseable answers (and retries).
    return texts;
  }
  return texts.slice(0, n);
}


