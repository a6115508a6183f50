// The retry loop shared by the single-answer judges (compliance, partial): ask, parse the verdict
// block, and on a parse failure ask again with a fresh nonce, up to ctx.maxAttempts times.
import type { Transcript, Usage } from '../core/types.js';
import { ModelCallError } from '../models/errors.js';
import { addUsage, ZERO_USAGE } from '../core/usage.js';
import { callJudge, describeCallError, type JudgeContext } from './call.js';
import type { Parsed } from './parse.js';
import { judgeMessages, judgeNonce, type JudgePrompt } from './prompts.js';
import type { JudgeOutcome } from './types.js';

export interface RetryResult<V> {
  /** The parsed verdict, when an attempt produced one. */
  value?: V;
  /** One line per failed attempt: `kind: reason`. */
  errors: string[];
  callError?: ReturnType<typeof describeCallError>;
  bookkeeping: Omit<JudgeOutcome<never>, 'label' | 'callError' | 'detail'>;
}

export async function askUntilParsed<V>(
  ctx: JudgeContext,
  prompt: JudgePrompt,
  transcript: Transcript,
  purpose: string,
  parse: (text: string, nonce: string, truncated: boolean) => Parsed<V>,
): Promise<RetryResult<V>> {
  let usage: Usage = ZERO_USAGE;
  let costUsd = 0;
  let calls = 0;
  let cachedCalls = 0;
  let maxTokens = ctx.maxTokens;
  const errors: string[] = [];
  for (let attempt = 0; attempt < ctx.maxAttempts; attempt++) {
    const nonce = judgeNonce(prompt, transcript, attempt);
    const bookkeeping = () => ({ calls, cachedCalls, attempts: attempt + 1, usage, costUsd });
    let result;
    try {
      // At temperature 0 a retry only differs by its nonce (and sample index): enough to get a fresh answer.
      result = await callJudge(ctx, judgeMessages(prompt, transcript, nonce), { temperature: 0, maxTokens }, { purpose, sampleIndex: attempt });
    } catch (err) {
      if (!(err instanceof ModelCallError)) throw err;
      return { errors, callError: describeCallError(err), bookkeeping: bookkeeping() };
    }
    calls++;
    if (result.cached) cachedCalls++;
    usage = addUsage(usage, result.usage);
    costUsd += result.costUsd;
    const parsed = parse(result.texts[0] ?? '', nonce, result.finishReason === 'length');
    if (parsed.ok) return { value: parsed.value, errors, bookkeeping: bookkeeping() };
    errors.push(`${parsed.kind}: ${parsed.error}`);
    if (parsed.kind === 'truncated') maxTokens = Math.min(maxTokens * 2, 8192);
  }
  return { errors, bookkeeping: { calls, cachedCalls, attempts: ctx.maxAttempts, usage, costUsd } };
}

/** The error text of a label whose judge gave no usable verdict. */
export function failureMessage(result: RetryResult<unknown>, maxAttempts: number): string {
  return result.callError ? `judge call failed: ${result.callError.message}` : `unparseable after ${maxAttempts} attempts: ${result.errors[result.errors.length - 1]}`;
}
