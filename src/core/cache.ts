// A content-addressed cache of model responses: the same call (the model as cacheIdentity names it,
// messages, prefill, sampling parameters, n, sample index, purpose) is answered from disk, so a re-run
// makes no calls. Errors are never cached: a failed call is tried again next time. The key names what
// determines the answer, not where it was asked: a local server moved to another port (base_url), a
// key read from another variable, other rate limits or timeouts, the same answers (the full spec is
// kept in the entry, as metadata). Answers cached before (under a key of the whole spec) are found
// on a miss and moved to the new key, the old entry removed in the same commit (ResponseCache.find).
//
// The votes of one judge request (a call with `completionIndices`: AF votes) are one entry, under the
// request's key with the sample index VOTE_SET, holding every vote by its index: a later call asking
// for more votes asks only for those it lacks. The entry is merged in one LMDB write transaction (two
// processes topping it up lose no vote), and records each payment (run folder, votes, usage) for the
// ledger's reconciliation. Votes cached one entry each by earlier versions are found, moved into the
// request's entry and removed in the same transaction (never asked, never paid for again).
//
// `withCache(cache)` puts the cache around a model (core/middleware.ts): the code that calls the model
// knows nothing of it, and reads how a call was served from `response.served`.
import { randomUUID } from 'node:crypto';
import type { CallServed, ChatModel, ChatRequest, ChatResponse, Usage, VoteCompletion } from './types.js';
import { cachedResponseSchema } from './lineCheck.js';
import { LmdbResponseStore, type StoredEntry, type VotePayment } from './lmdbCache.js';
import { addUsage, ZERO_USAGE } from './usage.js';
import { CacheKeys, cacheIdentity, VOTE_SET, voteBase, type CacheKeyParts } from './cacheKey.js';
import type { ModelMiddleware } from './middleware.js';

export { cacheIdentity, requestKey, TRANSPORT_OPTIONS, VOTE_SET, type CacheKeyParts } from './cacheKey.js';
export type { VotePayment } from './lmdbCache.js';

type CacheEntry = StoredEntry;


/**
 * The payments recorded in a stored votes entry; an entry written before they were recorded, with a
 * payer, is one payment of everything in it with no vote list.
 */
function paymentsOf(entry: StoredEntry | undefined): VotePayment[] {
  if (!entry) return [];
  if (Array.isArray(entry.payments)) return [...entry.payments];
  const usage = (entry.response as { usage?: Usage } | undefined)?.usage;
  return typeof entry.paidBy === 'string' && usage ? [{ paidBy: entry.paidBy, usage }] : [];
}

export interface ResponseCacheOptions {
  /** The run folder whose calls pay for the answers this instance stores (see CacheEntry.paidBy). */
  paidBy?: string;
}

export class ResponseCache {
  #hits = 0;
  #misses = 0;
  #writeErrors = 0;
  #lastWriteError?: string;
  /** Calls under way, by key: an identical call made meanwhile waits for the same answer. */
  readonly #inflight = new Map<string, Promise<ChatResponse>>();
  readonly #paidBy?: string;
  /**
   * This cache, as the payer of what it stores (StoredEntry.paidIn): a payment made through it is logged
   * by the call that made it, so reconciliation (a resume opens a new cache) leaves out what this one
   * paid for: an identical call that finds the answer in the moment between its commit and its ledger
   * line does not log it a second time.
   */
  readonly #session = randomUUID();

  /**
   * Entries live in <dir>/responses.lmdb (see lmdbCache.ts; older one-file-per-entry folders are
   * migrated on open). Null when the store cannot be opened (a read-only or occupied cache folder):
   * the run then goes on without a cache, and every answer it could not keep is counted.
   */
  private readonly store: LmdbResponseStore | null;
  private readonly openError?: string;

  constructor(
    readonly dir: string,
    options: ResponseCacheOptions = {},
  ) {
    this.#paidBy = options.paidBy;
    let store: LmdbResponseStore | null = null;
    try {
      store = new LmdbResponseStore(dir);
    } catch (err) {
      this.openError = `cannot open the response cache in ${dir}: ${err instanceof Error ? err.message : String(err)}`;
    }
    this.store = store;
  }

  /** Calls answered from the cache (or by an identical call under way), and calls sent; a votes call counts each vote. */
  get hits(): number {
    return this.#hits;
  }
  get misses(): number {
    return this.#misses;
  }
  get writeErrors(): number {
    return this.#writeErrors;
  }
  get lastWriteError(): string | undefined {
    return this.#lastWriteError;
  }
  /** Calls under way now (each waited for by any identical call). */
  get inflightCount(): number {
    return this.#inflight.size;
  }

  async serve(model: ChatModel, request: ChatRequest): Promise<ChatResponse> {
    const parts = request.call ?? { sampleIndex: 0 };
    const { key, response: found } = this.find(model, request, parts);
    const hit = found && parts.askAgainIf?.(found) ? undefined : found;
    if (hit) {
      this.#hits++;
      return servedAs(hit, { cached: true, key, latencyMs: 0 });
    }
    const pending = this.#inflight.get(key);
    if (pending) {
      // The same call is already under way (e.g. two identical transcripts judged at once): pay once.
      const response = await pending;
      this.#hits++;
      return servedAs(response, { cached: true, key, latencyMs: 0, shared: true });
    }
    const call = timed(model, request);
    const answer = call.then((c) => c.response);
    answer.catch(() => undefined); // a failed call is reported by awaiting `call` below
    this.#inflight.set(key, answer);
    try {
      const { response, latencyMs } = await call;
      this.#misses++;
      // Returned (and logged as sent) only once kept: a process killed after logging a call finds
      // its answer in the cache when resumed, and never pays for it twice.
      await this.keep(model, key, parts.purpose ?? 'sample', response);
      return servedAs(response, { cached: false, key, latencyMs });
    } finally {
      this.#inflight.delete(key);
    }
  }

  async serveVotes(model: ChatModel, request: ChatRequest, wanted: readonly number[]): Promise<ChatResponse> {
    const purpose = request.call?.purpose ?? 'sample';
    const base = voteBase(request);
    const key = this.keyFor(model, base, { sampleIndex: VOTE_SET, purpose });
    // The same votes asked for right now (an identical transcript judged at once): wait until they are
    // kept, then take what that call got (each call waited for once: no spin on one already settled).
    let waited: Promise<unknown> | undefined;
    for (let pending = this.#inflight.get(key); pending && pending !== waited; pending = this.#inflight.get(key)) {
      waited = pending;
      await pending.catch(() => undefined);
    }
    const { held, migrated, usage: heldUsage } = this.heldVotes(model, base, key, purpose, wanted);
    const missing = wanted.filter((index) => !held.has(index));
    const fromCache = wanted.length - missing.length;
    this.#hits += fromCache;
    if (missing.length === 0) {
      if (migrated.length) await this.keepVotes(model, key, purpose, held, migrated);
      // With the usage the entry was paid with (a resume's ledger reconciliation logs it; callers count a cached answer as free).
      return votesResponse(wanted, held, heldUsage, 'stop', { cached: true, key, latencyMs: 0, cachedVotes: fromCache, ...(waited ? { shared: true } : {}) });
    }
    const asked: ChatRequest = { ...base, ...(request.signal ? { signal: request.signal } : {}), ...(request.call ? { call: request.call } : {}), ...(missing.length > 1 ? { n: missing.length } : {}), completionIndices: missing };
    const work = (async () => {
      const { response, latencyMs } = await timed(model, asked);
      const texts = [response.text, ...(response.alternatives ?? [])];
      // A provider that returned fewer completions than asked: the votes left out stay unanswered.
      const paidVotes = missing.slice(0, texts.length);
      for (const [j, index] of paidVotes.entries()) held.set(index, { index, text: texts[j], finishReason: response.finishReason });
      this.#misses += paidVotes.length;
      // The judgement is written only after its votes are committed to the cache.
      await this.keepVotes(model, key, purpose, held, migrated, { votes: paidVotes, usage: response.usage });
      return { response, latencyMs, paidVotes };
    })();
    // Settled once the votes are kept: a call waiting for it then finds them in the cache.
    const kept = work.then(({ response }) => response);
    kept.catch(() => undefined); // a failed call is reported by awaiting `work` below
    this.#inflight.set(key, kept);
    try {
      const { response, latencyMs, paidVotes } = await work;
      return votesResponse(wanted, held, response.usage, response.finishReason, { cached: false, key, latencyMs, cachedVotes: fromCache, paidVotes });
    } finally {
      this.#inflight.delete(key);
    }
  }

  /**
   * The votes of a request the cache holds: its entry's, and those an earlier version kept one entry
   * per vote (under the key of the single-vote call, the vote index as the sample index), which are
   * returned in `migrated` to be moved into the request's entry.
   */
  private heldVotes(model: ChatModel, base: ChatRequest, key: string, purpose: string, wanted: readonly number[]): { held: Map<number, VoteCompletion>; migrated: string[]; usage: Usage } {
    const entry = this.get(key);
    const held = new Map<number, VoteCompletion>();
    for (const vote of entry?.votes ?? []) held.set(vote.index, vote);
    const migrated: string[] = [];
    for (const index of wanted) {
      if (held.has(index)) continue;
      // Through find (and keyFor): the batch rounds' KeyedCache notes each vote's key here.
      const { key: voteKey, response } = this.find(model, base, { sampleIndex: index, purpose });
      if (!response) continue;
      held.set(index, { index, text: response.text, finishReason: response.finishReason });
      migrated.push(voteKey);
    }
    return { held, migrated, usage: entry?.usage ?? ZERO_USAGE };
  }

  /**
   * Keep a request's votes as one entry, merged in one transaction with what the entry holds when it
   * is written (another process, or another cache on the folder, may have topped it up meanwhile: no
   * vote is lost), the payment just made (`paid`: its votes and usage, under this run's folder) added
   * to the entry's payments, and the single-vote entries moved into it removed in the same
   * transaction. A failed write is counted, like a failed put: the answer is returned either way, and
   * the old entries stay until a later write moves them.
   */
  private async keepVotes(model: ChatModel, key: string, purpose: string, held: ReadonlyMap<number, VoteCompletion>, migrated: readonly string[], paid?: { votes: number[]; usage: Usage }): Promise<void> {
    const ours = [...held.values()];
    if (!storesAnswersOf(model)) {
      return this.remember(key, { text: '', usage: addUsage(this.get(key)?.usage ?? ZERO_USAGE, paid?.usage ?? ZERO_USAGE), finishReason: 'stop', prefillApplied: false, votes: ours });
    }
    const payer = this.#paidBy;
    const merge = (current: StoredEntry | undefined): StoredEntry => {
      const now = current && cachedResponseSchema.safeParse(current.response).success ? (current.response as ChatResponse) : undefined;
      const votes = new Map((now?.votes ?? []).map((vote) => [vote.index, vote]));
      for (const vote of ours) if (!votes.has(vote.index)) votes.set(vote.index, vote);
      const usage = addUsage(now?.usage ?? ZERO_USAGE, paid?.usage ?? ZERO_USAGE);
      const response: ChatResponse = { text: '', usage, finishReason: 'stop', prefillApplied: false, votes: [...votes.values()].sort((a, b) => a.index - b.index) };
      const payments = now ? paymentsOf(current) : [];
      if (paid && payer !== undefined) payments.push({ paidBy: payer, paidIn: this.#session, votes: paid.votes, usage: paid.usage });
      // Written again without a payment (old votes moved into their request's entry), it keeps who paid.
      const paidBy = paid ? payer : now ? current?.paidBy : undefined;
      const paidIn = paid ? this.#session : now ? current?.paidIn : undefined;
      return { spec: model.spec, purpose, createdAt: new Date().toISOString(), response, ...(typeof paidBy === 'string' ? { paidBy } : {}), ...(typeof paidIn === 'string' ? { paidIn } : {}), ...(payments.length ? { payments } : {}) };
    };
    await this.write(() => (this.store ? this.store.update(key, merge, migrated) : Promise.reject(new Error(this.openError))));
  }

  keyFor(model: Pick<ChatModel, 'spec'>, request: ChatRequest, parts: CacheKeyParts): string {
    return this.keys.keyWith(cacheIdentity(model.spec), request, parts);
  }

  /**
   * The key of a call and its cached answer: under keyFor's key, else (a spec with a server address or
   * transport options, cached before they left the key) under the key of the whole spec, then moved
   * to the new key (the old entry removed in the same transaction) so the next lookup finds it there.
   */
  find(model: Pick<ChatModel, 'spec' | 'simulated'>, request: ChatRequest, parts: CacheKeyParts): { key: string; response?: ChatResponse } {
    const identity = cacheIdentity(model.spec);
    // Through keyFor, so a cache that notes the keys it is asked for (the batch rounds' KeyedCache) sees this one.
    const key = this.keyFor(model, request, parts);
    const response = this.get(key);
    if (response || identity === model.spec) return { key, response };
    const oldKey = this.keys.keyWith(model.spec, request, parts);
    const earlier = this.get(oldKey);
    if (!earlier) return { key };
    const store = this.store;
    if (storesAnswersOf(model) && store) {
      // Moved with who paid for it: written under the new key and the old entry removed in one commit.
      const old = store.get(oldKey);
      // An entry another process wrote under the new key meanwhile is kept as it is (with its payer).
      const moved = (current: StoredEntry | undefined): StoredEntry => current ?? { ...(old ?? { spec: model.spec, purpose: parts.purpose ?? 'sample', createdAt: new Date().toISOString() }), response: earlier };
      void this.write(() => store.update(key, moved, [oldKey]));
    } else this.remember(key, earlier);
    return { key, response: earlier };
  }

  private readonly keys = new CacheKeys();

  /** The run folder that paid for a stored answer, when it was recorded. */
  paidByOf(key: string): string | undefined {
    const paidBy = this.store?.get(key)?.paidBy;
    return typeof paidBy === 'string' ? paidBy : undefined;
  }

  /** The run folder that paid for a stored answer in an earlier process (what a resume reconciles); undefined when this process paid for it or nobody recorded. */
  paidEarlierBy(key: string): string | undefined {
    const entry = this.store?.get(key);
    return entry?.paidIn === this.#session ? undefined : this.paidByOf(key);
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
  keep(model: Pick<ChatModel, 'spec' | 'simulated'>, key: string, purpose: string, response: ChatResponse, paid = true): Promise<void> {
    if (storesAnswersOf(model)) return this.putOrNote(key, model.spec, purpose, response, paid);
    this.remember(key, response);
    return Promise.resolve();
  }

  /** Keep a simulated answer in memory (see `remembered`); nothing is written. */
  remember(key: string, response: ChatResponse): void {
    this.remembered.delete(key);
    this.remembered.set(key, response);
    if (this.remembered.size > REMEMBERED) this.remembered.delete(this.remembered.keys().next().value!);
  }

  /**
   * `put`, resolved once the answer is committed, and a failed write counted instead of thrown: the
   * call was made and paid for, so its answer is kept (in the records) either way.
   */
  putOrNote(key: string, spec: string, purpose: string, response: ChatResponse, paid = true): Promise<void> {
    return this.write(() => this.put(key, spec, purpose, response, paid));
  }

  /** A write to the store, resolved once committed; a failure (a full disk) is counted with its line, never thrown. */
  private async write(commit: () => Promise<unknown>): Promise<void> {
    try {
      await this.committed(commit);
    } catch (err) {
      this.#writeErrors++;
      this.#lastWriteError = err instanceof Error ? err.message : String(err);
    }
  }

  /** Every write of an answer goes through here (the batch rounds' kill tests commit one at a time through it: KeyedCache). */
  protected committed(commit: () => Promise<unknown>): Promise<unknown> {
    return commit();
  }

  put(key: string, spec: string, purpose: string, response: ChatResponse, paid = true): Promise<void> {
    if (!this.store) return Promise.reject(new Error(this.openError));
    // Written again without a payment, it keeps who paid.
    const before = paid ? undefined : this.store.get(key);
    const payer = paid ? this.#paidBy : before?.paidBy;
    const paidIn = paid ? this.#session : before?.paidIn;
    const entry: CacheEntry = { spec, purpose, createdAt: new Date().toISOString(), response, ...(typeof payer === 'string' ? { paidBy: payer } : {}), ...(typeof paidIn === 'string' && typeof payer === 'string' ? { paidIn } : {}) };
    // Served from memory until committed, so the same call is never asked twice meanwhile.
    return this.store.put(key, entry);
  }

  /**
   * What this run (the cache's paidBy folder) paid for of a votes entry: one payment per call, with
   * the votes it paid for; an entry written before payments were recorded, paid for by this run, is
   * one payment with no vote list (the ledger's line under its key covers it).
   */
  paymentsHere(key: string): VotePayment[] {
    const payer = this.#paidBy;
    if (payer === undefined) return [];
    // A payment made through this cache is logged by its own call (#session).
    return paymentsOf(this.store?.get(key)).filter((p) => p.paidBy === payer && p.paidIn !== this.#session);
  }

  /** Resolves once every answer put so far is committed to disk. */
  flushed(): Promise<void> {
    return this.store ? this.store.flushed() : Promise.resolve();
  }
}

/** Simulated answers kept in memory per cache (about 20 KB each at most: some 80 MB in the worst case, a few MB in practice). */
const REMEMBERED = 4096;

/** The response as served: a copy with how it was served (the cached object itself is never changed). */
function servedAs(response: ChatResponse, served: CallServed): ChatResponse {
  return { ...response, served };
}

/** The response of a votes call: the votes asked for that are held, in the order asked. */
function votesResponse(wanted: readonly number[], held: ReadonlyMap<number, VoteCompletion>, usage: Usage, finishReason: ChatResponse['finishReason'], served: CallServed): ChatResponse {
  const votes = wanted.flatMap((index) => (held.has(index) ? [held.get(index)!] : []));
  const [first, ...rest] = votes;
  return { text: first?.text ?? '', ...(rest.length ? { alternatives: rest.map((v) => v.text) } : {}), usage, finishReason, prefillApplied: false, votes, served };
}

/**
 * The cache around a model: a call made before is answered from the cache (`served.cached`), an
 * identical call under way is waited for, and a new answer is committed before it is returned, so a
 * process killed after logging a call finds its answer when resumed and never pays for it twice.
 * A votes call (`completionIndices`) asks the model only for the votes its request's entry lacks.
 */
export function withCache(cache: ResponseCache): ModelMiddleware {
  return (model) => ({
    ...model,
    chat: (request) => (request.completionIndices ? cache.serveVotes(model, request, request.completionIndices) : cache.serve(model, request)),
  });
}

/** The inner model's call, timed. */
async function timed(model: ChatModel, request: ChatRequest): Promise<{ response: ChatResponse; latencyMs: number }> {
  const started = performance.now();
  const response = await model.chat(request);
  return { response, latencyMs: Math.round(performance.now() - started) };
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
