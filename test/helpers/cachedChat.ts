// One call through the cache middleware, as the tests of the cache ask it: the response without the
// middleware's note, and that note (cached, key, latency) beside it.
import { withCache, type CacheKeyParts, type ResponseCache } from '../../src/core/cache.js';
import { wrapModel } from '../../src/core/middleware.js';
import { requestKey } from '../../src/core/cacheKey.js';
import type { ChatModel, ChatRequest, ChatResponse } from '../../src/core/types.js';

export async function cachedChat(model: ChatModel, request: ChatRequest, cache: ResponseCache | undefined, parts: CacheKeyParts): Promise<{ response: ChatResponse; cached: boolean; latencyMs: number; key: string }> {
  const asked = { ...request, call: parts };
  const started = performance.now();
  const { served, ...response } = await wrapModel(model, cache && withCache(cache)).chat(asked);
  return { response, cached: served?.cached ?? false, latencyMs: served?.latencyMs ?? Math.round(performance.now() - started), key: served?.key ?? requestKey(model, asked) };
}
