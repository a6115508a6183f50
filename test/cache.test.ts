import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { cachedChat, ResponseCache } from '../src/core/cache.js';
import type { ChatModel, ChatRequest } from '../src/core/types.js';
import { tempDir } from './helpers/tmp.js';

function countingModel(spec = 'test/echo'): ChatModel & { calls: number } {
  const model = {
    spec,
    provider: 'test',
    model: 'echo',
    simulated: false,
    supportsPrefill: false,
    calls: 0,
    async chat(request: ChatRequest) {
      model.calls++;
      await sleep(20);
      return { text: `answer ${request.messages.at(-1)!.content} t=${request.temperature}`, usage: { inputTokens: 3, outputTokens: 2 }, finishReason: 'stop' as const, prefillApplied: false };
    },
  };
  return model;
}

const ask = (content: string, temperature = 1): ChatRequest => ({ messages: [{ role: 'user', content }], temperature, maxTokens: 10 });

describe('response cache', () => {
  it('answers a repeated call from disk, across cache instances', async () => {
    const dir = tempDir();
    const model = countingModel();
    const first = await cachedChat(model, ask('hi'), new ResponseCache(dir), { sampleIndex: 0 });
    const second = await cachedChat(model, ask('hi'), new ResponseCache(dir), { sampleIndex: 0 });
    assert.equal(model.calls, 1);
    assert.equal(first.cached, false);
    assert.equal(second.cached, true);
    assert.deepEqual(second.response, first.response);
  });

  it('keys on everything that can change the answer: messages, parameters, sample index, purpose and spec', async () => {
    const cache = new ResponseCache(tempDir());
    const model = countingModel();
    await cachedChat(model, ask('hi'), cache, { sampleIndex: 0 });
    await cachedChat(model, ask('hi!'), cache, { sampleIndex: 0 });
    await cachedChat(model, ask('hi', 0), cache, { sampleIndex: 0 });
    await cachedChat(model, ask('hi'), cache, { sampleIndex: 1 });
    await cachedChat(model, ask('hi'), cache, { sampleIndex: 0, purpose: 'judge' });
    await cachedChat(countingModel('test/other'), ask('hi'), cache, { sampleIndex: 0 });
    assert.equal(model.calls, 5);
  });

  it('sends one call when the same call is asked twice at once', async () => {
    const cache = new ResponseCache(tempDir());
    const model = countingModel();
    const [a, b] = await Promise.all([cachedChat(model, ask('x'), cache, { sampleIndex: 0 }), cachedChat(model, ask('x'), cache, { sampleIndex: 0 })]);
    assert.equal(model.calls, 1);
    assert.deepEqual(a.response, b.response);
    assert.deepEqual([a.cached, b.cached].sort(), [false, true]);
  });

  it('never caches an error: the call is tried again', async () => {
    const cache = new ResponseCache(tempDir());
    let attempts = 0;
    const failing: ChatModel = { ...countingModel(), chat: async () => { attempts++; throw new Error('boom'); } };
    await assert.rejects(cachedChat(failing, ask('y'), cache, { sampleIndex: 0 }));
    await assert.rejects(cachedChat(failing, ask('y'), cache, { sampleIndex: 0 }));
    assert.equal(attempts, 2);
    assert.equal(cache.inflight.size, 0);
  });
});
