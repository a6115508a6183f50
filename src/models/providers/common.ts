// Pieces every real provider shares: the spec as recorded (no secrets, no transport tuning), finish
// reasons in af-lab's words, and usage estimated when a server leaves it out.
import type { ChatMessage, FinishReason, Usage } from '../../core/types.js';
import type { ModelSpec } from '../spec.js';
import { LIMIT_OPTION_KEYS } from '../transport/limits.js';
import { redactKnownSecrets, redactSecrets } from '../transport/secrets.js';
import type { ChatResponse } from '../../core/types.js';
import { roughTokens } from '../../core/usage.js';
import { UserError } from '../../core/errors.js';

/** Spec options that never identify a model: keys (refused anyway) and transport tuning. */
// `batch`: how the calls are sent, not what is asked: a batched answer and a direct one share a cache entry.
const NOT_IDENTITY = new Set([...LIMIT_OPTION_KEYS, 'api_key', 'key', 'http', 'batch']);

/** The spec string as results record it: transport options dropped, credentials masked. */
export function recordedSpec(spec: ModelSpec): string {
  const kept = Object.entries(spec.options).filter(([key]) => !NOT_IDENTITY.has(key));
  const query = kept.length ? `?${new URLSearchParams(kept).toString()}` : '';
  return redactSecrets(`${spec.provider}/${spec.model}${query}`);
}

/**
 * An answer with every registered secret (the provider's key, a base URL's credentials and query
 * values) masked, in each of its forms: a server that echoes them back never gets them into the
 * cache, the records or the terminal. Nothing else in the answer changes.
 */
export function withoutSecrets(response: ChatResponse): ChatResponse {
  const text = redactKnownSecrets(response.text);
  const reasoning = response.nativeReasoning?.text ? redactKnownSecrets(response.nativeReasoning.text) : undefined;
  const alternatives = response.alternatives?.map(redactKnownSecrets);
  return {
    ...response,
    text,
    ...(response.nativeReasoning && reasoning !== undefined ? { nativeReasoning: { ...response.nativeReasoning, text: reasoning } } : {}),
    ...(alternatives ? { alternatives } : {}),
  };
}

/** Refuse a key written into the spec (`?api_key=` or `?key=`): specs are written into results. */
export function refuseKeyInSpec(spec: ModelSpec, keyEnv: string): void {
  if (spec.options.api_key !== undefined || spec.options.key !== undefined) {
    throw new UserError(`model spec "${recordedSpec(spec)}" carries an API key`, `put the key in the environment variable ${keyEnv} (or name another with api_key_env=NAME); specs are written into results`);
  }
}

export function normaliseFinishReason(reason: string | null | undefined): FinishReason {
  switch (reason) {
    case 'stop':
    case 'end_turn':
    case 'stop_sequence':
    case 'eos':
      return 'stop';
    case 'length':
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'content_filter':
    case 'refusal':
      return 'content_filter';
    default:
      return 'other';
  }
}

/** Usage when the server reported none: a rough count, so budgets still move. */
export function estimatedUsage(messages: ChatMessage[], texts: string[]): Usage {
  return {
    inputTokens: messages.reduce((sum, m) => sum + roughTokens(m.content), 0),
    outputTokens: texts.reduce((sum, t) => sum + roughTokens(t), 0),
  };
}


/** Tokens a request will use for the tokens/min limit: its prompt plus a guess at its output. */
export function expectedTokens(messages: ChatMessage[], maxTokens: number | undefined, n = 1): number {
  const input = messages.reduce((sum, m) => sum + roughTokens(m.content), 0);
  return input + n * Math.min(maxTokens ?? 1000, 1000);
}
