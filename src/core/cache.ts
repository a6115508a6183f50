// A content-addressed cache of model responses: the same call (the model as cacheIdentity names it,
// messages, prefill, sampling parameters, n, sample index, purpose) is answered from disk, so a re-run
// makes no calls. Errors are never cached: a failed call is tried again next time. The key names what
// determines the answer, not where it was asked: a local server moved to another port (base_url), a
// key read from another variable, other rate limits or timeouts, the same answers (the full spec is
// kept in the entry, as metadata). Answers cached before (under a key of the whole spec) are found
// on a miss and kept under the new key (ResponseCache.find).
import type { ChatModel, ChatRequest, ChatResponse } from './types.js';
import { createHash, type Hash } from 'node:crypto';
import { hashJson } from './hash.js';
import { cachedResponseSchema } from './lineCheck.js';
import { LmdbResponseStore } from './lmdbCache.js';

export interface CacheKeyParts {
  /** Distinguishes samples of the same prompt (sample 0, 1, ...) and judge votes. */
  sampleIndex: number;
  /** What the call is for: `sample` (default), `judge`, `af-vote`, `partial`, ... */
  purpose?: string;
  /** A cached answer this says yes to is asked again (e.g. a content-filtered answer under --retry-errors); not part of the key. */
  askAgainIf?: (cached: ChatResponse) => boolean;
}

interface CacheEntry {
  spec: string;
  purpose: string;
  createdAt: string;
  response: ChatResponse;
  /** The run folder whose call paid for it (its ledger, calls.jsonl, is reconciled with this on resume). */
  paidBy?: string;
}

export class ResponseCache {
  hits = 0;
  misses = 0;
  /** Calls under way, by key: an identical call made meanwhile waits for the same answer. */
  readonly inflight = new Map<string, Promise<ChatResponse>>();

  /**
   * Entries live in <dir>/responses.lmdb (see lmdbCache.ts; older one-file-per-entry folders are
   * migrated on open). Null when the store cannot be opened (a read-only or occupied cache folder):
   * the run then goes on without a cache, and every answer it could not keep is counted.
   */
  private readonly store: LmdbResponseStore | null;
  private readonly openError?: string;

  constructor(readonly dir: string) {
    let store: LmdbResponseStore | null = null;
    try {
      store = new LmdbResponseStore(dir);
    } catch (err) {
      this.openError = `cannot open the response cache in ${dir}: ${err instanceof Error ? err.message : String(err)}`;
    }
    this.store = store;
  }

  keyFor(model: Pick<ChatModel, 'spec'>, request: ChatRequest, parts: CacheKeyParts): string {
    return this.keyWith(cacheIdentity(model.spec), request, parts);
  }

  /**
   * The key of a call and its cached answer: under keyFor's key, else (a spec with a server address or
   * transport options, cached before they left the key) under the key of the whole spec, then kept
   * under the new key so the next lookup finds it there.
   */
  find(model: Pick<ChatModel, 'spec' | 'simulated'>, request: ChatRequest, parts: CacheKeyParts): { key: string; response?: ChatResponse } {
    const identity = cacheIdentity(model.spec);
    // Through keyFor, so a cache that notes the keys it is asked for (the batch rounds' KeyedCache) sees this one.
    const key = this.keyFor(model, request, parts);
    const response = this.get(key);
    if (response || identity === model.spec) return { key, response };
    const earlier = this.get(this.keyWith(model.spec, request, parts));
    if (!earlier) return { key };
    void this.keep(model, key, parts.purpose ?? 'sample', earlier);
    return { key, response: earlier };
  }

  private keyWith(spec: string, request: ChatRequest, parts: CacheKeyParts): string {
    const model = { spec };
    const { messages, prefill, temperature, maxTokens, seed, n } = request;
    // Every field in a fixed order (messages as [role, content] pairs): plain JSON.stringify is
    // canonical here, and cheaper than sorting keys on every call. The key is the sha256 of
    // JSON.stringify([spec, messages, prefill, temperature, maxTokens, seed, n, sampleIndex, purpose]);
    // the part before sampleIndex is hashed once per request object (a judge's 20 AF votes share one
    // prompt of several KB) and the hash state copied for each vote.
    const head = [prefill ?? null, temperature, maxTokens, seed ?? null, n ?? 1];
    let prefix = this.prefixes.get(request);
    if (!prefix || prefix.spec !== model.spec || !sameHead(prefix.head, head)) {
      // The first message (a system prompt shared by thousands of samples) is hashed once per spec.
      const [first, ...rest] = messages;
      const hash = first ? this.firstMessageHash(model.spec, first.role, first.content).copy() : createHash('sha256').update(`[${item(model.spec)},[`);
      hash.update(`${rest.map((m) => `,[${item(m.role)},${item(m.content)}]`).join('')}],${head.map(item).join(',')},`);
      prefix = { spec: model.spec, head, hash };
      this.prefixes.set(request, prefix);
    }
    return prefix.hash.copy().update(`${item(parts.sampleIndex)},${item(parts.purpose ?? 'sample')}]`).digest('hex');
  }

  /** The hash state after `[spec,[[role,content]` (the key's text up to the end of the first message). */
  private firstMessageHash(spec: string, role: string, content: string): Hash {
    let bySpec = this.firstMessages.get(content);
    if (!bySpec) {
      if (this.firstMessages.size >= 64) this.firstMessages.clear();
      this.firstMessages.set(content, (bySpec = new Map()));
    }
    const id = `${spec}\u0000${role}`;
    let hash = bySpec.get(id);
    if (!hash) {
      hash = createHash('sha256').update(`[${item(spec)},[[${item(role)},${item(content)}]`);
      bySpec.set(id, hash);
    }
    return hash;
  }

  private readonly firstMessages = new Map<string, Map<string, Hash>>();

  /** Per request object: the hash state after everything but the sample index and purpose (see keyFor). */
  private readonly prefixes = new WeakMap<ChatRequest, { spec: string; head: unknown[]; hash: Hash }>();

  /** The run folder whose call paid for the answers this cache instance stores (see CacheEntry.paidBy). */
  paidBy?: string;

  /** The run folder that paid for a stored answer, when it was recorded. */
  paidByOf(key: string): string | undefined {
    const paidBy = this.store?.get(key)?.paidBy;
    return typeof paidBy === 'string' ? paidBy : undefined;
  }

  get(key: string): ChatResponse | undefined {
    const remembered = this.remembered.get(key);
    if (remembered) return remembered;
    const response = this.store?.get(key)?.response;
    // An entry of the wrong shape is dropped like an unreadable one: a miss, asked again and rewritten.
    return response !== undefined && cachedResponseSchema.safeParse(response).success ? (response as ChatResponse) : undefined;
  }

  /**
   * Answers of models the cache does not store (the simulator's), kept in memory for this process
   * only, the latest REMEMBERED of them: identical calls (the same transcript judged twice) are not
   * made again, and memory stays bounded however long the run.
   */
  private readonly remembered = new Map<string, ChatResponse>();

  /**
   * Keep an answer just received: committed to disk for a model that is paid for (resolved once
   * committed; a failed write is counted, see putOrNote), remembered in memory for the simulator
   * (storesAnswersOf). Returned and logged calls wait for it, so a killed run never pays twice.
   */
  keep(model: Pick<ChatModel, 'spec' | 'simulated'>, key: string, purpose: string, response: ChatResponse): Promise<void> {
    if (storesAnswersOf(model)) return this.putOrNote(key, model.spec, purpose, response);
    this.remember(key, response);
    return Promise.resolve();
  }

  /** Keep a simulated answer in memory (see `remembered`); nothing is written. */
  remember(key: string, response: ChatResponse): void {
    this.remembered.delete(key);
    this.remembered.set(key, response);
    if (this.remembered.size > REMEMBERED) this.remembered.delete(this.remembered.keys().next().value!);
  }

  /** Cache writes that failed (a full or read-only disk): the answers were kept, only not cached. */
  writeErrors = 0;
  lastWriteError?: string;

  /**
   * `put`, resolved once the answer is committed, and a failed write counted instead of thrown: the
   * call was made and paid for, so its answer is kept (in the records) either way.
   */
  async putOrNote(key: string, spec: string, purpose: string, response: ChatResponse): Promise<void> {
    try {
      await this.put(key, spec, purpose, response);
    } catch (err) {
      this.writeErrors++;
      this.lastWriteError = err instanceof Error ? err.message : String(err);
    }
  }

  put(key: string, spec: string, purpose: string, response: ChatResponse): Promise<void> {
    if (!this.store) return Promise.reject(new Error(this.openError));
    const entry: CacheEntry = { spec, purpose, createdAt: new Date().toISOString(), response, ...(this.paidBy ? { paidBy: this.paidBy } : {}) };
    // Served from memory until committed, so the same call is never asked twice meanwhile.
    return this.store.put(key, entry);
  }

  /** Resolves once every answer put so far is committed to disk. */
  flushed(): Promise<void> {
    return this.store ? this.store.flushed() : Promise.resolve();
  }
}

/**
 * Spec options that say where and how a call is sent, not what answers it: the server's address, the
 * variable the key is read from, the HTTP client, rate limits, retries and timeouts.
 */
export const TRANSPORT_OPTIONS: ReadonlySet<string> = new Set(['base_url', 'api_key_env', 'http', 'rpm', 'tpm', 'concurrency', 'timeout_ms', 'max_retries', 'backoff_ms', 'max_backoff_ms', 'max_retry_after_ms']);

const identities = new Map<string, string>();

/**
 * The model as the cache key names it: the spec without its TRANSPORT_OPTIONS, the other options in
 * the order written (`openai/m?base_url=http://127.0.0.1:8000/v1&thinking=1` is `openai/m?thinking=1`).
 * A spec without such options is itself, so its key is the one it always had.
 */
export function cacheIdentity(spec: string): string {
  let identity = identities.get(spec);
  if (identity === undefined) {
    const q = spec.indexOf('?', spec.indexOf('/') + 1);
    const options = q === -1 ? [] : [...new URLSearchParams(spec.slice(q + 1))];
    const kept = options.filter(([name]) => !TRANSPORT_OPTIONS.has(name));
    identity = kept.length === options.length ? spec : kept.length ? `${spec.slice(0, q)}?${new URLSearchParams(kept).toString()}` : spec.slice(0, q);
    if (identities.size >= 256) identities.clear();
    identities.set(spec, identity);
  }
  return identity;
}

/** Whether a memoised key prefix still fits the request (its scalar fields unchanged; messages are compared by identity of the request). */
function sameHead(stored: unknown[], head: unknown[]): boolean {
  for (let i = 0; i < head.length; i++) if (stored[i] !== head[i]) return false;
  return true;
}

/** One element of a JSON array as JSON.stringify writes it (undefined and functions as null). */
const item = (value: unknown): string => JSON.stringify(value) ?? 'null';

/** Simulated answers kept in memory per cache (about 20 KB each at most: some 80 MB in the worst case, a few MB in practice). */
const REMEMBERED = 4096;

export interface CachedChatResult {
  response: ChatResponse;
  cached: boolean;
  latencyMs: number;
  key: string;
}

/** Ask the model, or answer from the cache when this exact call was made before. */
export async function cachedChat(model: ChatModel, request: ChatRequest, cache: ResponseCache | undefined, parts: CacheKeyParts): Promise<CachedChatResult> {
  const purpose = parts.purpose ?? 'sample';
  const { key, response: found } = cache ? cache.find(model, request, parts) : { key: hashJson({ spec: model.spec, parts }), response: undefined };
  const hit = found && parts.askAgainIf?.(found) ? undefined : found;
  if (hit) {
    cache!.hits++;
    return { response: hit, cached: true, latencyMs: 0, key };
  }
  const pending = cache?.inflight.get(key);
  if (pending) {
    // The same call is already under way (e.g. two identical transcripts judged at once): pay once.
    const response = await pending;
    cache!.hits++;
    return { response, cached: true, latencyMs: 0, key };
  }
  const started = performance.now();
  const call = model.chat(request);
  cache?.inflight.set(key, call);
  try {
    const response = await call;
    const latencyMs = Math.round(performance.now() - started);
    if (cache) {
      cache.misses++;
      // Returned (and logged as sent) only once kept: a process killed after logging a call finds
      // its answer in the cache when resumed, and never pays for it twice.
      await cache.keep(model, key, purpose, response);
    }
    return { response, cached: false, latencyMs, key };
  } finally {
    cache?.inflight.delete(key);
  }
}

/**
 * Whether the cache writes a model's answers to disk: every model's but the simulator's, whose
 * answers cost nothing and are made again, the same, from its seed (a million simulated samples
 * would store some twelve million copies, mostly AF votes, for no saving). Its latest answers are
 * remembered in memory instead (ResponseCache.remember).
 */
export function storesAnswersOf(model: Pick<ChatModel, 'simulated'>): boolean {
  return !model.simulated;
}
