import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cachedChat, ResponseCache } from '../src/core/cache.js';
import { RESPONSES_FILE } from '../src/core/lmdbCache.js';
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
    assert.equal(cache.inflight.size, 0);
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
