// Per-provider limits: how many requests in flight, how many per minute, how many tokens per minute,
// how long one attempt may take and how often it may be retried. Defaults are conservative enough for
// a new account on a hosted API; the experiment config (`limits.<provider>`) and the model spec
// (`?concurrency=8&rpm=500&tpm=200000&timeout_ms=60000&max_retries=4`) override them.
import type { ModelSpec } from '../spec.js';
import { numberOption } from '../spec.js';

export interface ProviderLimits {
  /** Requests in flight at once. */
  concurrency: number;
  /** Requests started per minute; spaced evenly (no bursts), `Infinity` for none. */
  requestsPerMinute: number;
  /** Tokens (input + output) per minute, `Infinity` for none. */
  tokensPerMinute: number;
  /** Per-attempt timeout. */
  timeoutMs: number;
  /** Retries of one request after its first attempt. */
  maxRetries: number;
  /** Backoff before retry k is drawn uniformly from [0, min(maxBackoffMs, baseBackoffMs * 2^k)] ("full jitter"). */
  baseBackoffMs: number;
  maxBackoffMs: number;
  /**
   * Provider-wide retry budget: retries may not exceed `retryBudgetMin + retryBudgetRatio * requests`,
   * so a failing provider cannot multiply the traffic (or the bill) by maxRetries.
   */
  retryBudgetRatio: number;
  retryBudgetMin: number;
  /** The longest Retry-After honoured; a server asking for longer fails the request at once (sampled again on the next run). */
  maxRetryAfterMs: number;
}

const HOSTED: ProviderLimits = {
  concurrency: 16,
  requestsPerMinute: 500,
  tokensPerMinute: Infinity,
  timeoutMs: 120_000,
  maxRetries: 6,
  baseBackoffMs: 500,
  maxBackoffMs: 30_000,
  retryBudgetRatio: 0.2,
  retryBudgetMin: 20,
  maxRetryAfterMs: 120_000,
};

/** Defaults per provider name; local servers get no rate limit and a longer timeout. */
export const DEFAULT_LIMITS: Record<string, Partial<ProviderLimits>> = {
  openai: { concurrency: 16, requestsPerMinute: 500 },
  anthropic: { concurrency: 8, requestsPerMinute: 50, tokensPerMinute: 40_000 },
  deepinfra: { concurrency: 32, requestsPerMinute: 600 },
  together: { concurrency: 16, requestsPerMinute: 600 },
  openrouter: { concurrency: 16, requestsPerMinute: 200 },
  groq: { concurrency: 8, requestsPerMinute: 30, tokensPerMinute: 6_000 },
  vllm: { concurrency: 64, requestsPerMinute: Infinity, timeoutMs: 600_000 },
  ollama: { concurrency: 2, requestsPerMinute: Infinity, timeoutMs: 600_000 },
  llamacpp: { concurrency: 4, requestsPerMinute: Infinity, timeoutMs: 600_000 },
  'openai-compatible': { concurrency: 16, requestsPerMinute: 300 },
  gguf: { concurrency: 1, requestsPerMinute: Infinity, timeoutMs: 1_800_000, maxRetries: 0 },
};

/** The limits as the config schema spells them (`limits.<provider>` in the experiment file). */
export interface ConfiguredLimits {
  concurrency?: number;
  requestsPerMinute?: number;
  tokensPerMinute?: number;
  timeoutMs?: number;
  maxRetries?: number;
}

const LIMIT_FIELDS = ['concurrency', 'requestsPerMinute', 'tokensPerMinute', 'timeoutMs', 'maxRetries'] as const;

/**
 * Defaults for the provider, then the config's limits, then the spec's own options. `configured` is
 * the provider's entry (`config.limits.<provider>`, as the runner passes it) or the whole
 * `config.limits` map keyed by provider name.
 */
export function resolveLimits(provider: string, configured?: Record<string, unknown>, spec?: ModelSpec): ProviderLimits {
  const limits: ProviderLimits = { ...HOSTED, ...DEFAULT_LIMITS[provider] };
  const isEntry = configured !== undefined && Object.keys(configured).some((key) => (LIMIT_FIELDS as readonly string[]).includes(key));
  const fromConfig = ((isEntry ? configured : configured?.[provider]) ?? {}) as ConfiguredLimits;
  for (const key of LIMIT_FIELDS) {
    const value = fromConfig[key];
    if (typeof value === 'number') limits[key] = value;
  }
  if (spec) {
    limits.concurrency = numberOption(spec, 'concurrency', limits.concurrency, [1, 10_000]);
    limits.requestsPerMinute = numberOption(spec, 'rpm', limits.requestsPerMinute, [0.001, Infinity]);
    limits.tokensPerMinute = numberOption(spec, 'tpm', limits.tokensPerMinute, [1, Infinity]);
    limits.timeoutMs = numberOption(spec, 'timeout_ms', limits.timeoutMs, [1, Infinity]);
    limits.maxRetries = numberOption(spec, 'max_retries', limits.maxRetries, [0, 100]);
    limits.baseBackoffMs = numberOption(spec, 'backoff_ms', limits.baseBackoffMs, [0, Infinity]);
    limits.maxBackoffMs = numberOption(spec, 'max_backoff_ms', limits.maxBackoffMs, [0, Infinity]);
    limits.maxRetryAfterMs = numberOption(spec, 'max_retry_after_ms', limits.maxRetryAfterMs, [0, Infinity]);
  }
  return limits;
}

/** Spec options that tune the transport, not the model: left out of the recorded model identity. */
export const LIMIT_OPTION_KEYS = ['concurrency', 'rpm', 'tpm', 'timeout_ms', 'max_retries', 'backoff_ms', 'max_backoff_ms', 'max_retry_after_ms'];
