// The response cache's key of a call, in one place: the cache (core/cache.ts) stores answers under it,
// and the spend layer (core/middleware.ts) logs a call sent with no cache under the same key, so a run
// with --no-cache has the ledger (calls.jsonl) a cached run would have, and its reconciliation works.
//
// The key is the sha256 of JSON.stringify([spec, messages, prefill, temperature, maxTokens, seed, n,
// sampleIndex, purpose]), the spec as cacheIdentity names it (test/cache-key.test.ts pins it). The
// votes of one request (`completionIndices`) are one entry, under the key of the request without n,
// with the sample index VOTE_SET.
import { createHash, type Hash } from 'node:crypto';
import type { CallTag, ChatModel, ChatRequest } from './types.js';

/** The parts of a cache key besides the request (see `CallTag`). */
export type CacheKeyParts = CallTag;

/** The sample index under which the votes of one request are kept as one entry (no sample has it). */
export const VOTE_SET = -1;

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

/** The request a votes call's key is made from: its prompt and sampling, not how many votes or which. */
export function voteBase(request: ChatRequest): ChatRequest {
  const { messages, prefill, temperature, maxTokens, seed } = request;
  return { messages, prefill, temperature, maxTokens, seed };
}

/**
 * Cache keys, with the hashing of what calls share memoised: a request's prefix (a judge's 20 AF votes
 * share one prompt of several KB) and the first message (a system prompt shared by thousands of samples).
 */
export class CacheKeys {
  private readonly firstMessages = new Map<string, Map<string, Hash>>();

  /** Per request object: the hash state after everything but the sample index and purpose. */
  private readonly prefixes = new WeakMap<ChatRequest, { spec: string; head: unknown[]; hash: Hash }>();

  /** The key of a call to the model `spec` names exactly (callers pass cacheIdentity's spec, or the whole spec of an older key). */
  keyWith(spec: string, request: ChatRequest, parts: CacheKeyParts): string {
    const { messages, prefill, temperature, maxTokens, seed, n } = request;
    // Every field in a fixed order (messages as [role, content] pairs): plain JSON.stringify is
    // canonical here, and cheaper than sorting keys on every call. The part before sampleIndex is
    // hashed once per request object and the hash state copied for each vote.
    const head = [prefill ?? null, temperature, maxTokens, seed ?? null, n ?? 1];
    let prefix = this.prefixes.get(request);
    if (!prefix || prefix.spec !== spec || !sameHead(prefix.head, head)) {
      const [first, ...rest] = messages;
      const hash = first ? this.firstMessageHash(spec, first.role, first.content).copy() : createHash('sha256').update(`[${item(spec)},[`);
      hash.update(`${rest.map((m) => `,[${item(m.role)},${item(m.content)}]`).join('')}],${head.map(item).join(',')},`);
      prefix = { spec, head, hash };
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
}

const keys = new CacheKeys();

/**
 * The key the cache keeps a call's answer under: a single call's by its tag (sample 0 with none), a
 * votes call's (`completionIndices`) by its request without n, at VOTE_SET.
 */
export function requestKey(model: Pick<ChatModel, 'spec'>, request: ChatRequest): string {
  const identity = cacheIdentity(model.spec);
  if (request.completionIndices) return keys.keyWith(identity, voteBase(request), { sampleIndex: VOTE_SET, purpose: request.call?.purpose ?? 'sample' });
  return keys.keyWith(identity, request, request.call ?? { sampleIndex: 0 });
}

/** Whether a memoised key prefix still fits the request (its scalar fields unchanged; messages are compared by identity of the request). */
function sameHead(stored: unknown[], head: unknown[]): boolean {
  for (let i = 0; i < head.length; i++) if (stored[i] !== head[i]) return false;
  return true;
}

/** One element of a JSON array as JSON.stringify writes it (undefined and functions as null). */
const item = (value: unknown): string => JSON.stringify(value) ?? 'null';
