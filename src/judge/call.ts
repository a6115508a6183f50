// One judge call, through the same cache, retries and spend accounting as the model samples.
import type { ChatMessage, ChatModel, ChatRequest, ChatResponse, FinishReason, Usage } from '../core/types.js';
import { cachedChat, type ResponseCache } from '../core/cache.js';
import { ModelCallError } from '../models/errors.js';
import { ZERO_USAGE } from '../core/usage.js';
import type { JudgeCostMeter } from './types.js';

export interface JudgeContext {
  model: ChatModel;
  cache?: ResponseCache;
  costMeter?: JudgeCostMeter;
  /** Attempts per judgement (first try + retries) before it is recorded unparseable. */
  maxAttempts: number;
  /** Tokens the judge may write per answer; doubled (up to 8192) after a truncated answer. */
  maxTokens: number;
  signal?: AbortSignal;
  /** Told of every call actually sent (not served from the cache), for the run's spend audit. */
  onCall?: (call: { purpose: string; cacheKey: string; usage: Usage; costUsd: number }) => void;
  /** Told of the answers one request got from the cache, for the ledger's reconciliation on resume (paidCalls.ts). */
  onCached?: (purpose: string, cacheKeys: string[]) => void;
}

export const DEFAULT_JUDGE_MAX_TOKENS = 1024;
export const DEFAULT_JUDGE_ATTEMPTS = 3;

/** Thrown before a call when the budget is spent: the caller leaves the record unjudged. */
export class JudgeBudgetExhausted extends Error {
  constructor() {
    super('budget exhausted before this judgement');
    this.name = 'JudgeBudgetExhausted';
  }
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
  if (ctx.costMeter?.exhausted()) throw new JudgeBudgetExhausted();
  const n = params.n ?? 1;
  const { response, cached, key: cacheKey } = await cachedChat(
    ctx.model,
    {
      messages: messagesOf(prompt),
      temperature: params.temperature,
      maxTokens: params.maxTokens,
      ...(n > 1 ? { n } : {}),
      ...(ctx.signal ? { signal: ctx.signal } : {}),
    },
    ctx.cache,
    key,
  );
  const costUsd = !cached && ctx.costMeter ? ctx.costMeter.record(ctx.model.spec, response.usage, key.purpose) : 0;
  if (!cached) ctx.onCall?.({ purpose: key.purpose, cacheKey, usage: response.usage, costUsd });
  else ctx.onCached?.(key.purpose, [cacheKey]);
  return { texts: completions(response, n), finishReason: response.finishReason, usage: response.usage, cached, costUsd };
}

/**
 * Votes cached one by one: each vote's cache key is the n=1 call it stands for (vote index as the
 * sample index), so adding votes later asks only for the new ones and a re-judge makes no call. The
 * votes still missing are asked for in one call with `n` (the provider splits it where it cannot).
 */
export async function callJudgeVotes(
  ctx: JudgeContext,
  prompt: string | ChatMessage[],
  params: { temperature: number; maxTokens: number },
  voteIndices: number[],
  purpose: string,
): Promise<{ votes: Map<number, { text: string; finishReason: FinishReason }>; usage: Usage; calls: number; cachedCalls: number; costUsd: number }> {
  const request: ChatRequest = {
    messages: messagesOf(prompt),
    temperature: params.temperature,
    maxTokens: params.maxTokens,
    ...(ctx.signal ? { signal: ctx.signal } : {}),
  };
  const votes = new Map<number, { text: string; finishReason: FinishReason }>();
  const keys = new Map<number, string>();
  const waiting: Array<[number, Promise<ChatResponse>]> = [];
  const store = ctx.cache;
  for (const index of voteIndices) {
    if (!store) break;
    const { key, response: hit } = store.find(ctx.model, request, { sampleIndex: index, purpose });
    keys.set(index, key);
    const pending = hit ? undefined : store.inflight.get(key);
    if (hit) votes.set(index, { text: hit.text, finishReason: hit.finishReason });
    // The same vote is being asked for right now (an identical transcript judged at once): wait for it.
    else if (pending) waiting.push([index, pending]);
  }
  const missing = voteIndices.filter((index) => !votes.has(index) && !waiting.some(([w]) => w === index));
  let usage: Usage = ZERO_USAGE;
  let costUsd = 0;
  let sent = 0;
  if (missing.length > 0) {
    if (ctx.costMeter?.exhausted()) throw new JudgeBudgetExhausted();
    const call = ctx.model.chat({ ...request, ...(missing.length > 1 ? { n: missing.length } : {}), completionIndices: missing });
    // Each vote's answer is announced under its own cache key while the call is under way.
    const perVote = missing.map((index, j) => {
      const vote = call.then((response) => voteResponse(response, j, missing.length));
      vote.catch(() => {}); // a failed call is reported by awaiting `call` below
      if (store) store.inflight.set(keys.get(index)!, vote);
      return vote;
    });
    try {
      const response = await call;
      sent = 1;
      usage = response.usage;
      costUsd = ctx.costMeter ? ctx.costMeter.record(ctx.model.spec, response.usage, purpose) : 0;
      ctx.onCall?.({ purpose, cacheKey: keys.get(missing[0]) ?? '', usage: response.usage, costUsd });
      const texts = completions(response, missing.length);
      const commits: Array<Promise<void>> = [];
      for (const [j, index] of missing.entries()) {
        if (j >= texts.length) continue; // fewer completions than asked: this vote stays unanswered
        const vote = await perVote[j];
        votes.set(index, { text: vote.text, finishReason: vote.finishReason });
        if (store) {
          store.misses++;
          commits.push(store.keep(ctx.model, keys.get(index)!, purpose, vote));
        }
      }
      // The judgement is written only after its votes are committed to the cache.
      await Promise.all(commits);
    } finally {
      if (store) for (const index of missing) store.inflight.delete(keys.get(index)!);
    }
  }
  for (const [index, pending] of waiting) {
    const vote = await pending;
    if (vote.text !== '') votes.set(index, { text: vote.text, finishReason: vote.finishReason });
  }
  const cachedCalls = voteIndices.length - missing.length;
  ctx.onCached?.(purpose, voteIndices.filter((i) => !missing.includes(i) && !waiting.some(([w]) => w === i)).map((i) => keys.get(i)!));
  if (ctx.cache) ctx.cache.hits += cachedCalls;
  return { votes, usage, calls: cachedCalls + sent, cachedCalls, costUsd };
}

/** Completion j of a call with n completions, as the response of the single-vote call it stands for. */
function voteResponse(response: ChatResponse, j: number, n: number): ChatResponse {
  const texts = completions(response, n);
  // Each vote's share of the call's usage, so summing cached votes never double-counts.
  const share: Usage = {
    inputTokens: Math.round(response.usage.inputTokens / Math.max(texts.length, 1)),
    outputTokens: Math.round(response.usage.outputTokens / Math.max(texts.length, 1)),
  };
  return { text: texts[j] ?? '', usage: share, finishReason: response.finishReason, prefillApplied: false };
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


export function describeCallError(err: unknown): { kind: string; message: string; httpStatus?: number; attempts?: number } {
  if (err instanceof ModelCallError) {
    return { kind: err.kind, message: err.message, ...(err.httpStatus ? { httpStatus: err.httpStatus } : {}), attempts: err.attempts };
  }
  return { kind: 'other', message: err instanceof Error ? err.message : String(err) };
}
