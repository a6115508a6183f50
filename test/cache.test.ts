import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it, mock } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { spawnSync } from 'node:child_process';
import { ResponseCache } from '../src/core/cache.js';
import { cachedChat } from './helpers/cachedChat.js';
import { LmdbResponseStore, RESPONSES_FILE } from '../src/core/lmdbCache.js';
import { ROOT } from './helpers/cli.js';
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
    assert.equal(cache.inflightCount, 0);
  });

  it('stores each answer under its key in <dir>/responses.lmdb, with its spec and purpose', async () => {
    const dir = tempDir();
    const model = countingModel();
    const cache = new ResponseCache(dir);
    const a = await cachedChat(model, ask('hi'), cache, { sampleIndex: 0 });
    const j = await cachedChat(model, ask('hi'), cache, { sampleIndex: 0, purpose: 'judge' });
    await cache.flushed();
    assert.ok(existsSync(join(dir, RESPONSES_FILE)));
    const store = new LmdbResponseStore(dir);
    const entry = store.get(a.key)!;
    assert.equal(entry.spec, 'test/echo');
    assert.equal(entry.purpose, 'sample', 'no purpose given is a sample');
    assert.deepEqual(entry.response, a.response);
    assert.equal(store.get(j.key)!.purpose, 'judge');
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

  it('an entry of the wrong shape is a miss: the call is made again and the entry rewritten', async () => {
    const dir = tempDir();
    const model = countingModel();
    const cache = new ResponseCache(dir);
    const first = await cachedChat(model, ask('hi'), cache, { sampleIndex: 0 });
    cache.put(first.key, 'test/echo', 'sample', { text: 'cut sho' } as never);
    await cache.flushed();
    const second = await cachedChat(model, ask('hi'), new ResponseCache(dir), { sampleIndex: 0 });
    assert.equal(second.cached, false);
    assert.equal(model.calls, 2);
    assert.deepEqual(new ResponseCache(dir).get(first.key), second.response);
  });

  it('writes no simulated answer to disk: it is remembered by this cache object only, and another process asks again', async () => {
    const dir = tempDir();
    const cache = new ResponseCache(dir);
    const simulated = Object.assign(countingModel('sim/faker'), { simulated: true });
    const first = await cachedChat(simulated, ask('a'), cache, { sampleIndex: 0 });
    const second = await cachedChat(simulated, ask('a'), cache, { sampleIndex: 0 });
    assert.equal(simulated.calls, 1);
    assert.deepEqual([first.cached, second.cached], [false, true]);
    assert.equal(first.key, cache.keyFor(simulated, ask('a'), { sampleIndex: 0 }));
    await cache.flushed();
    const elsewhere = new ResponseCache(dir);
    assert.equal(elsewhere.get(first.key), undefined);
    await cachedChat(simulated, ask('a'), elsewhere, { sampleIndex: 0 });
    assert.equal(simulated.calls, 2);
    // The same call to a model that is paid for is written, and found by another cache object.
    const paid = countingModel('test/echo');
    const kept = await cachedChat(paid, ask('a'), cache, { sampleIndex: 0 });
    assert.deepEqual(new ResponseCache(dir).get(kept.key), kept.response);
  });

  it('remembers the latest 4,096 simulated answers: the oldest is forgotten first, a repeated one is kept', () => {
    const cache = new ResponseCache(tempDir());
    const answer = (i: number) => ({ text: `a${i}`, usage: { inputTokens: 1, outputTokens: 1 }, finishReason: 'stop' as const, prefillApplied: false });
    for (let i = 0; i < 4096; i++) cache.remember(`k${i}`, answer(i));
    cache.remember('k0', answer(0)); // asked again: now the latest
    cache.remember('k4096', answer(4096));
    assert.equal(cache.get('k1'), undefined, 'the oldest is forgotten');
    assert.equal(cache.get('k0')?.text, 'a0');
    assert.equal(cache.get('k2')?.text, 'a2');
    assert.equal(cache.get('k4096')?.text, 'a4096');
  });

  it('a cache that cannot be opened answers nothing and counts each write it could not make, saying why', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, RESPONSES_FILE)); // the store's file name taken by a folder
    const cache = new ResponseCache(dir);
    assert.equal(cache.get('ab01'), undefined);
    const model = countingModel();
    await cachedChat(model, ask('a'), cache, { sampleIndex: 0 });
    await cachedChat(model, ask('a'), cache, { sampleIndex: 0 });
    assert.equal(model.calls, 2);
    assert.equal(cache.writeErrors, 2);
    assert.match(cache.lastWriteError!, /^cannot open the response cache in /);
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

describe('response cache storage (LMDB)', () => {
  it('migrates a one-file-per-entry cache folder: answers from it, removes the files, leaves other folders', async () => {
    const dir = tempDir();
    const model = countingModel();
    const cache = new ResponseCache(tempDir());
    const key = cache.keyFor(model, ask('old'), { sampleIndex: 0 });
    const response = { text: 'from the old cache', usage: { inputTokens: 1, outputTokens: 1 }, finishReason: 'stop', prefillApplied: false };
    mkdirSync(join(dir, key.slice(0, 2)), { recursive: true });
    writeFileSync(join(dir, key.slice(0, 2), `${key}.json`), JSON.stringify({ spec: model.spec, purpose: 'sample', createdAt: '2025-01-01T00:00:00.000Z', response }));
    // A torn entry (a kill under an old version) and a folder that is not the cache's.
    const torn = 'ab'.padEnd(64, '0');
    mkdirSync(join(dir, 'ab'), { recursive: true });
    writeFileSync(join(dir, 'ab', `${torn}.json`), '{"spec":"x","resp');
    mkdirSync(join(dir, 'datasets'));
    writeFileSync(join(dir, 'datasets', 'keep.csv'), 'goal\nx\n');

    const result = await cachedChat(model, ask('old'), new ResponseCache(dir), { sampleIndex: 0 });
    assert.equal(model.calls, 0);
    assert.equal(result.cached, true);
    assert.deepEqual(result.response, response);
    assert.deepEqual(readdirSync(dir).sort(), ['datasets', RESPONSES_FILE, `${RESPONSES_FILE}-lock`].sort());
    assert.ok(existsSync(join(dir, 'datasets', 'keep.csv')));
    // The torn entry was a miss: asked again, then cached.
    assert.equal(new ResponseCache(dir).get(torn), undefined);
  });

  it('an answer is served to a second cache on the same folder before its write is committed, and survives a new process', async () => {
    const dir = tempDir();
    const model = countingModel();
    await cachedChat(model, ask('now'), new ResponseCache(dir), { sampleIndex: 0 });
    const again = await cachedChat(model, ask('now'), new ResponseCache(dir), { sampleIndex: 0 });
    assert.equal(again.cached, true);
    const cache = new ResponseCache(dir);
    await cache.flushed();
    const key = cache.keyFor(model, ask('now'), { sampleIndex: 0 });
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', `const { ResponseCache } = await import('./src/core/cache.ts'); console.log(JSON.stringify(new ResponseCache(${JSON.stringify(dir)}).get(${JSON.stringify(key)})));`], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(child.status, 0, child.stderr);
    assert.deepEqual(JSON.parse(child.stdout), again.response);
  });
});
