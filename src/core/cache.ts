// A content-addressed cache of model responses: the same call (model spec, messages, prefill,
// sampling parameters, n, sample index, purpose) is answered from disk, so a re-run makes no calls.
// Errors are never cached: a failed call is tried again next time.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ChatModel, ChatRequest, ChatResponse } from './types.js';
import { writeFileAtomic } from './files.js';
import { hashJson, sha256 } from './hash.js';
import { cachedResponseSchema } from './lineCheck.js';

export interface CacheKeyParts {
  /** Distinguishes samples of the same prompt (sample 0, 1, ...) and judge votes. */
  sampleIndex: number;
  /** What the call is for: `sample` (default), `judge`, `af-vote`, `partial`, ... */
  purpose?: string;
}

interface CacheEntry {
  spec: string;
  purpose: string;
  createdAt: string;
  response: ChatResponse;
}

export class ResponseCache {
  hits = 0;
  misses = 0;
  /** Calls under way, by key: an identical call made meanwhile waits for the same answer. */
  readonly inflight = new Map<string, Promise<ChatResponse>>();

  constructor(readonly dir: string) {}

  /** Cache folders known to exist, so a write costs no mkdir. */
  private readonly madeDirs = new Set<string>();

  keyFor(model: ChatModel, request: ChatRequest, parts: CacheKeyParts): string {
    const { messages, prefill, temperature, maxTokens, seed, n } = request;
    // Every field in a fixed order (messages as [role, content] pairs): plain JSON.stringify is
    // canonical here, and cheaper than sorting keys on every call.
    return sha256(
      JSON.stringify([
        model.spec,
        messages.map((m) => [m.role, m.content]),
        prefill ?? null,
        temperature,
        maxTokens,
        seed ?? null,
        n ?? 1,
        parts.sampleIndex,
        parts.purpose ?? 'sample',
      ]),
    );
  }

  private pathFor(key: string): string {
    return join(this.dir, key.slice(0, 2), `${key}.json`);
  }

  get(key: string): ChatResponse | undefined {
    const path = this.pathFor(key);
    if (!existsSync(path)) return undefined;
    try {
      const response = (JSON.parse(readFileSync(path, 'utf8')) as CacheEntry).response;
      // An entry of the wrong shape is dropped like an unreadable one: a miss, asked again and rewritten.
      return cachedResponseSchema.safeParse(response).success ? response : undefined;
    } catch {
      return undefined; // an unreadable entry is a miss; it is rewritten on the next call
    }
  }

  /** Cache writes that failed (a full or read-only disk): the answers were kept, only not cached. */
  writeErrors = 0;
  lastWriteError?: string;

  /** `put`, except that a failed write is counted instead of thrown: the call was made and paid for, so its answer is kept. */
  putOrNote(key: string, spec: string, purpose: string, response: ChatResponse): void {
    try {
      this.put(key, spec, purpose, response);
    } catch (err) {
      this.writeErrors++;
      this.lastWriteError = err instanceof Error ? err.message : String(err);
    }
  }

  put(key: string, spec: string, purpose: string, response: ChatResponse): void {
    const entry: CacheEntry = { spec, purpose, createdAt: new Date().toISOString(), response };
    // Atomic (a kill leaves the old file or the new), not fsynced: a lost entry only costs a call.
    const path = this.pathFor(key);
    const dir = dirname(path);
    writeFileAtomic(path, JSON.stringify(entry), { durable: false, ensureDir: !this.madeDirs.has(dir) });
    this.madeDirs.add(dir);
  }
}

export interface CachedChatResult {
  response: ChatResponse;
  cached: boolean;
  latencyMs: number;
  key: string;
}

/** Ask the model, or answer from the cache when this exact call was made before. */
export async function cachedChat(model: ChatModel, request: ChatRequest, cache: ResponseCache | undefined, parts: CacheKeyParts): Promise<CachedChatResult> {
  const purpose = parts.purpose ?? 'sample';
  const key = cache ? cache.keyFor(model, request, parts) : hashJson({ spec: model.spec, parts });
  const hit = cache?.get(key);
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
      cache.putOrNote(key, model.spec, purpose, response);
    }
    return { response, cached: false, latencyMs, key };
  } finally {
    cache?.inflight.delete(key);
  }
}
