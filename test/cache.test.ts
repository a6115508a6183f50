import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it, mock } from 'node:test';
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

  it('stores each answer at <dir>/<first two hex digits of the key>/<key>.json, with its spec and purpose', async () => {
    // The layout is part of the cache's contract: changing it would orphan every cached answer.
    const dir = tempDir();
    const model = countingModel();
    const a = await cachedChat(model, ask('hi'), new ResponseCache(dir), { sampleIndex: 0 });
    const path = join(dir, a.key.slice(0, 2), `${a.key}.json`);
    assert.ok(existsSync(path), path);
    const entry = JSON.parse(readFileSync(path, 'utf8'));
    assert.equal(entry.spec, 'test/echo');
    assert.equal(entry.purpose, 'sample', 'no purpose given is a sample');
    assert.deepEqual(entry.response, a.response);
    const j = await cachedChat(model, ask('hi'), new ResponseCache(dir), { sampleIndex: 0, purpose: 'judge' });
    assert.equal(JSON.parse(readFileSync(join(dir, j.key.slice(0, 2), `${j.key}.json`), 'utf8')).purpose, 'judge');
  });

  it('two keys that share their first two hex digits are two entries', async () => {
    const dir = tempDir();
    const cache = new ResponseCache(dir);
    const response = (text: string) => ({ text, usage: { inputTokens: 1, outputTokens: 1 }, finishReason: 'stop' as const, prefillApplied: false });
    cache.put('ab01', 'test/echo', 'sample', response('one'));
    cache.put('ab02', 'test/echo', 'sample', response('two'));
    assert.equal(cache.get('ab01')?.text, 'one');
    assert.equal(cache.get('ab02')?.text, 'two');
    assert.equal(cache.get('ab03'), undefined);
  });

  it('an unreadable entry is a miss: the call is made again and the entry rewritten', async () => {
    const dir = tempDir();
    const model = countingModel();
    const first = await cachedChat(model, ask('hi'), new ResponseCache(dir), { sampleIndex: 0 });
    const path = join(dir, first.key.slice(0, 2), `${first.key}.json`);
    writeFileSync(path, '{"response": {"text": "cut sho');
    const second = await cachedChat(model, ask('hi'), new ResponseCache(dir), { sampleIndex: 0 });
    assert.equal(second.cached, false);
    assert.equal(model.calls, 2);
    assert.deepEqual(JSON.parse(readFileSync(path, 'utf8')).response, second.response);
  });

  it('counts hits and misses: a stored answer and a call already under way are hits', async () => {
    const cache = new ResponseCache(tempDir());
    const model = countingModel();
    await cachedChat(model, ask('a'), cache, { sampleIndex: 0 });
    await cachedChat(model, ask('a'), cache, { sampleIndex: 0 });
    await Promise.all([cachedChat(model, ask('b'), cache, { sampleIndex: 0 }), cachedChat(model, ask('b'), cache, { sampleIndex: 0 })]);
    assert.deepEqual([cache.hits, cache.misses], [2, 2]);
  });

  it('a call made reports its latency; an answer from the cache reports 0', async (t) => {
    let clock = 5000;
    t.after(() => mock.restoreAll());
    mock.method(performance, 'now', () => clock);
    const model: ChatModel = {
      ...countingModel(),
      async chat() {
        clock += 250;
        return { text: 'ok', usage: { inputTokens: 1, outputTokens: 1 }, finishReason: 'stop', prefillApplied: false };
      },
    };
    const cache = new ResponseCache(tempDir());
    assert.equal((await cachedChat(model, ask('a'), cache, { sampleIndex: 0 })).latencyMs, 250);
    assert.equal((await cachedChat(model, ask('a'), cache, { sampleIndex: 0 })).latencyMs, 0);
  });

  it('without a cache every call is made, under a key that still names the model and the sample', async () => {
    const model = countingModel();
    const a = await cachedChat(model, ask('a'), undefined, { sampleIndex: 0 });
    const b = await cachedChat(model, ask('a'), undefined, { sampleIndex: 0 });
    assert.equal(model.calls, 2);
    assert.equal(b.cached, false);
    assert.equal(a.key, b.key);
    assert.notEqual((await cachedChat(model, ask('a'), undefined, { sampleIndex: 1 })).key, a.key);
    assert.notEqual((await cachedChat(countingModel('test/other'), ask('a'), undefined, { sampleIndex: 0 })).key, a.key);
  });
});
