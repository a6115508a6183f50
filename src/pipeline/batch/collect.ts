// How the protocol and the judges are run in rounds without being rewritten: they run as they always
// do, against a model that answers from the batches' results and, for a call with no answer yet,
// notes the request line it needs and stops that sample (or judgement) for this round. The next
// round, after the batch is read, replays the sample from the cache up to the turn that was missing.
import type { ChatMessage, ChatModel, ChatRequest, ChatResponse } from '../../core/types.js';
import { ResponseCache, type CacheKeyParts } from '../../core/cache.js';
import { sha256 } from '../../core/hash.js';
import { addUsage } from '../../core/usage.js';
import { ModelCallError, type ModelErrorKind } from '../../models/errors.js';
import type { BatchClient } from '../../models/batch/index.js';
import { BatchBook, type WantedLine } from './book.js';

export { BatchBook, type WantedLine };

export const DEFERRED_MESSAGE = 'waiting for a batch answer';

/** Thrown by a batched model for a call whose answer is not in yet: the round ends that sample here. */
export class DeferredToBatch extends Error {
  constructor() {
    super(DEFERRED_MESSAGE);
    this.name = 'DeferredToBatch';
  }
}

interface KeyOf {
  key: string;
  purpose: string;
}

/**
 * The response cache, remembering which cache key each request object was asked under, so the
 * batched model knows the keys a call stands for (a sample's turn: one; a judge's votes: one each).
 */
export class KeyedCache extends ResponseCache {
  private readonly byRequest = new WeakMap<ChatRequest, KeyOf>();
  private readonly byMessages = new WeakMap<ChatMessage[], Map<number, KeyOf>>();

  /**
   * Told of each answer once committed, with how many are so far (the kill tests' injection point,
   * BatchRunOptions.onCacheCommit): with it, answers are committed one at a time, so a kill lands with
   * part of a results file's answers in the cache (normally the answers of one moment share one commit).
   * Entries carry no `paidBy`: a batch line's spend is logged by ledger.ts, and the runner's reconcile
   * must not log it again as a direct call.
   */
  constructor(
    dir: string,
    private readonly onCommit?: (committed: number) => void,
  ) {
    super(dir);
  }

  private commits = 0;
  private lastCommit: Promise<unknown> = Promise.resolve();

  protected override committed(commit: () => Promise<unknown>): Promise<unknown> {
    const onCommit = this.onCommit;
    if (!onCommit) return super.committed(commit);
    const committed = this.lastCommit.then(() => super.committed(commit)).then(() => onCommit(++this.commits));
    this.lastCommit = committed.catch(() => undefined);
    return committed;
  }

  override keyFor(model: ChatModel, request: ChatRequest, parts: CacheKeyParts): string {
    const key = super.keyFor(model, request, parts);
    const keyOf = { key, purpose: parts.purpose ?? 'sample' };
    this.byRequest.set(request, keyOf);
    let byIndex = this.byMessages.get(request.messages);
    if (!byIndex) this.byMessages.set(request.messages, (byIndex = new Map()));
    byIndex.set(parts.sampleIndex, keyOf);
    return key;
  }

  /** The keys a chat request stands for: a sample turn's one, or one per vote of a judge's votes call (the key of each vote's single-vote call). */
  keysOf(request: ChatRequest): { keys: string[]; purpose: string } | undefined {
    const own = this.byRequest.get(request);
    if (own) return { keys: [own.key], purpose: own.purpose };
    const byIndex = this.byMessages.get(request.messages);
    if (!request.completionIndices || !byIndex) return undefined;
    const keyed = request.completionIndices.map((index) => byIndex.get(index));
    if (keyed.some((k) => k === undefined)) return undefined;
    return { keys: keyed.map((k) => k!.key), purpose: keyed[0]!.purpose };
  }
}


/** The custom id of line `index` of a call standing for these cache keys (a-z, 0-9: both APIs take it). */
export function lineId(keys: readonly string[], index: number): string {
  return `afl${sha256(`${keys.join(',')}#${index}`).slice(0, 40)}`;
}

export function requestHash(body: unknown): string {
  return sha256(JSON.stringify(body));
}

/** A batch line's failure kind as the error kinds samples and judgements record. */
function errorKind(kind: string): ModelErrorKind {
  if (kind === 'expired') return 'timeout';
  if (kind === 'cancelled') return 'other';
  return kind as ModelErrorKind;
}

/** Several completions' responses as one, the way the direct path sums a call made several times. */
function combine(responses: ChatResponse[]): ChatResponse {
  if (responses.length === 1) return responses[0];
  const texts = responses.flatMap((r) => [r.text, ...(r.alternatives ?? [])]);
  return { ...responses[0], alternatives: texts.slice(1), usage: responses.map((r) => r.usage).reduce(addUsage) };
}

export interface BatchedModelOptions {
  client: BatchClient;
  book: BatchBook;
  role: 'sample' | 'judge';
  /** Collecting rounds know each call's cache keys; the pass that writes the records does not. */
  cache?: KeyedCache;
  /** `direct`: a line given up on is asked one by one instead (the pass that writes the records). */
  fallback: 'none' | 'direct';
}

/**
 * The model as the rounds see it: a call whose lines were all answered is answered from the results
 * (withCache then commits it to the cache under its own key, a votes call's under its request's, as it commits a
 * direct answer); a line given up on is the call's error; any other call is noted and deferred.
 */
export function batchedModel(model: ChatModel, options: BatchedModelOptions): ChatModel {
  const { client, book, role, cache } = options;
  async function chat(request: ChatRequest): Promise<ChatResponse> {
    const n = request.n ?? 1;
    const bodies = client.bodiesFor(request, n);
    const keyed = cache?.keysOf(request);
    if (!keyed) {
      // The pass writing the records: everything answered is in the cache; what reaches here was given up on.
      const failure = bodies.map((b) => book.givenUp.get(requestHash(b.body))).find(Boolean);
      if (options.fallback === 'direct') return model.chat(request);
      throw new ModelCallError(errorKind(failure?.kind ?? 'other'), `no answer from the batch API${failure ? `: ${failure.message}` : ''} (af-lab batches <run> lists the batches; re-run to send it again, or add --batch-fallback direct)`);
    }
    const lines = bodies.map((b, index) => ({ customId: lineId(keyed.keys, index), body: b.body, prefillApplied: b.prefillApplied }));
    const results = lines.map((line) => book.results.get(line.customId));
    if (results.every((r) => r?.ok)) {
      try {
        const responses = lines.map((line, i) => client.response((results[i] as { body: unknown }).body, line.prefillApplied));
        book.answered++;
        return combine(responses);
      } catch (err) {
        // An answer that cannot be used is a failed line: sent again, like a malformed direct response.
        for (const line of lines) book.setResult({ customId: line.customId, ok: false, kind: 'malformed_response', message: err instanceof Error ? err.message : String(err) }, true);
      }
    }
    const givenUp = lines.find((line) => book.givenUpOn(line.customId));
    if (givenUp) {
      const failure = book.results.get(givenUp.customId) as { kind: string; message: string };
      for (const line of lines) book.givenUp.set(requestHash(line.body), failure);
      if (options.fallback === 'direct') return model.chat(request);
      throw new ModelCallError(errorKind(failure.kind), `batch line failed: ${failure.message}`);
    }
    for (const [index, line] of lines.entries()) {
      if (book.results.get(line.customId)?.ok || book.live.has(line.customId)) continue;
      // One key per line (a vote each), or one key for a line asking every completion with `n`.
      const cacheKey = keyed.keys[Math.min(index, keyed.keys.length - 1)];
      book.wanted.set(line.customId, { spec: model.spec, role, line: { customId: line.customId, body: line.body }, requestHash: requestHash(line.body), cacheKey, purpose: keyed.purpose });
    }
    book.waiting++;
    throw new DeferredToBatch();
  }
  return { ...model, chat };
}
