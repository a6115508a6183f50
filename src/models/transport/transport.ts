// Every call to a real provider goes through one Transport per provider (and base URL): it enforces
// the concurrency, requests/min and tokens/min limits, times each attempt out, retries what retrying
// can fix with exponential backoff and jitter (honouring Retry-After, within a provider-wide retry
// budget), and throws a single ModelCallError for everything else. SDK retries are switched off so
// that every request the server sees was sent, counted and paced here.
import pLimit, { type LimitFunction } from 'p-limit';
import type { ModelErrorKind } from '../errors.js';
import { ModelCallError } from '../errors.js';
import type { ProviderLimits } from './limits.js';
import { AttemptTimeoutError, backoffDelay, classifyFailure } from './retry.js';
import { Pacer } from './pacer.js';
import { redactSecrets } from './secrets.js';
import { sleep } from './sleep.js';
import { TokenBucket } from './tokenBucket.js';

export interface TransportStats {
  /** Calls made to `call` (one per model request, whatever its retries). */
  requests: number;
  /** Attempts sent to the provider, retries included. */
  attempts: number;
  retries: number;
  succeeded: number;
  /** Calls that ended in a ModelCallError, by kind. */
  failed: Partial<Record<ModelErrorKind, number>>;
  /** Failed attempts, by kind (each retry's cause). */
  attemptFailures: Partial<Record<ModelErrorKind, number>>;
  /** Retries refused because the provider-wide retry budget was spent. */
  retryBudgetDenied: number;
}

export interface CallOptions<T> {
  /** Tokens this call is expected to use (input + expected output), taken from the tokens/min bucket up front. */
  estimatedTokens?: number;
  /** Tokens the call really used, read from its result, to settle the tokens/min bucket. */
  usedTokens?: (result: T) => number;
  /** The caller's cancellation: aborts waiting and the attempt in flight, and is rethrown as is. */
  signal?: AbortSignal;
  /**
   * The attempt enforces `timeoutMs` itself (the SDKs' `timeout` option) and then receives the
   * caller's signal as is; otherwise the transport aborts the attempt's signal when time is up.
   */
  nativeTimeout?: boolean;
}

/** One attempt of a request: `signal` to abort it, `timeoutMs` its time limit. */
export type Attempt<T> = (signal: AbortSignal | undefined, timeoutMs: number) => Promise<T>;

export class Transport {
  readonly stats: TransportStats = { requests: 0, attempts: 0, retries: 0, succeeded: 0, failed: {}, attemptFailures: {}, retryBudgetDenied: 0 };
  private readonly slots: LimitFunction;
  private readonly pacer: Pacer;
  private readonly tokens?: TokenBucket;
  /** Set by a 429's Retry-After: no attempt of this provider starts before then. */
  private pausedUntil = 0;

  constructor(
    readonly name: string,
    readonly limits: ProviderLimits,
    private readonly random: () => number = Math.random,
  ) {
    // Requests are spaced evenly at 95% of the allowed rate: the 5% margin absorbs network jitter, so the
    // rate measured at the server stays under the limit in every window, not only on average.
    this.pacer = new Pacer(Number.isFinite(limits.requestsPerMinute) ? 60_000 / (0.95 * limits.requestsPerMinute) : 0);
    this.slots = pLimit(limits.concurrency);
    if (Number.isFinite(limits.tokensPerMinute)) this.tokens = new TokenBucket(limits.tokensPerMinute);
  }

  /** Until when the terminal was last told that this provider waits. */
  private noticedUntil = 0;

  /** A long wait is said on the terminal (once per pause, not once per waiting request). */
  private noticeWait(delayMs: number, retryAfter: boolean): void {
    const until = Date.now() + delayMs;
    if (delayMs < WAIT_NOTICE_MS || until <= this.noticedUntil + 1000) return;
    this.noticedUntil = until;
    waitNotice(`${this.name}: ${retryAfter ? 'the server asked to wait (Retry-After)' : 'backing off after errors'}; waiting ${seconds(delayMs)} s, until ${new Date(until).toLocaleTimeString()}`);
  }

  private retryAllowed(): boolean {
    return this.stats.retries < this.limits.retryBudgetMin + this.limits.retryBudgetRatio * this.stats.requests;
  }

  private async attemptOnce<T>(attempt: Attempt<T>, signal: AbortSignal | undefined, nativeTimeout: boolean): Promise<T> {
    return this.slots(async () => {
      // The start slot is taken while holding a concurrency slot, so starts stay spaced even when
      // many requests were waiting for a free slot.
      await this.pacer.wait(signal);
      signal?.throwIfAborted();
      this.stats.attempts++;
      // SDKs time a request out themselves (and throw a *Timeout* error); creating a second
      // AbortController per request costs measurable CPU at hundreds of requests a second.
      if (nativeTimeout) return attempt(signal, this.limits.timeoutMs);
      const controller = new AbortController();
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        controller.abort(new AttemptTimeoutError(this.limits.timeoutMs));
      }, this.limits.timeoutMs);
      const onAbort = () => controller.abort(signal?.reason);
      signal?.addEventListener('abort', onAbort, { once: true });
      try {
        return await attempt(controller.signal, this.limits.timeoutMs);
      } catch (err) {
        if (timedOut) throw new AttemptTimeoutError(this.limits.timeoutMs);
        if (signal?.aborted) throw signal.reason;
        throw err;
      } finally {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      }
    });
  }

  /** Run one model request under the provider's limits, retrying what can be retried. */
  async call<T>(attempt: Attempt<T>, options: CallOptions<T> = {}): Promise<T> {
    const { signal, estimatedTokens = 0 } = options;
    this.stats.requests++;
    for (let tries = 0; ; tries++) {
      await sleep(this.pausedUntil - Date.now(), signal);
      if (this.tokens && estimatedTokens > 0) await this.tokens.take(estimatedTokens, signal);
      try {
        const result = await this.attemptOnce(attempt, signal, options.nativeTimeout ?? false);
        if (this.tokens && options.usedTokens) this.tokens.adjust(options.usedTokens(result) - estimatedTokens);
        this.stats.succeeded++;
        return result;
      } catch (err) {
        if (signal?.aborted) throw signal.reason;
        const failure = classifyFailure(err);
        this.stats.attemptFailures[failure.kind] = (this.stats.attemptFailures[failure.kind] ?? 0) + 1;
        const attempts = tries + 1;
        // A Retry-After over the cap (an hour, say) is not waited for: the sample records the error
        // and the next run samples it again.
        const waitTooLong = failure.retryAfterMs !== undefined && failure.retryAfterMs > this.limits.maxRetryAfterMs;
        let giveUp = !failure.retryable || tries >= this.limits.maxRetries || waitTooLong;
        let why = '';
        if (waitTooLong && failure.retryable) why = ` (the server asked to wait ${seconds(failure.retryAfterMs!)} s, over the ${seconds(this.limits.maxRetryAfterMs)} s cap: raise it with max_retry_after_ms in the model spec)`;
        else if (!giveUp && !this.retryAllowed()) {
          this.stats.retryBudgetDenied++;
          giveUp = true;
          why = ' (provider retry budget spent)';
        }
        if (giveUp) {
          this.stats.failed[failure.kind] = (this.stats.failed[failure.kind] ?? 0) + 1;
          throw new ModelCallError(failure.kind, `${this.name}: ${failure.message}${why}`, failure.httpStatus, attempts);
        }
        this.stats.retries++;
        const delay = backoffDelay(tries, failure, this.limits.baseBackoffMs, this.limits.maxBackoffMs, this.random);
        if (failure.retryAfterMs !== undefined) this.pausedUntil = Math.max(this.pausedUntil, Date.now() + failure.retryAfterMs);
        this.noticeWait(delay, failure.retryAfterMs !== undefined);
        await sleep(delay, signal);
      }
    }
  }
}

/** Waits at least this long are said on the terminal. */
const WAIT_NOTICE_MS = 5_000;

const seconds = (ms: number) => String(Math.round(ms / 100) / 10);

let waitNotice: (line: string) => void = (line) => process.stderr.write(`${line}\n`);

/** Where long waits are announced (default: a line on stderr); returns the previous one. */
export function setWaitNotice(notice: (line: string) => void): (line: string) => void {
  const previous = waitNotice;
  waitNotice = notice;
  return previous;
}

const transports = new Map<string, Transport>();

/** One shared transport per provider, base URL and limits: every model of that provider shares its limits. */
export function sharedTransport(provider: string, endpoint: string, limits: ProviderLimits): Transport {
  const key = `${provider}|${endpoint}|${JSON.stringify(limits)}`;
  let transport = transports.get(key);
  if (!transport) {
    transport = new Transport(provider, limits);
    transports.set(key, transport);
  }
  return transport;
}

/** Forget shared transports (tests and benchmarks start each scenario with fresh limits and stats). */
export function resetTransports(): void {
  transports.clear();
}

/** Every shared transport's counters (requests, attempts, retries, failures by kind), for progress displays. */
export function transportStats(): Array<{ provider: string; endpoint: string; stats: TransportStats; limits: ProviderLimits }> {
  return [...transports].map(([key, transport]) => ({ provider: transport.name, endpoint: redactSecrets(key.split('|')[1]), stats: { ...transport.stats }, limits: transport.limits }));
}
