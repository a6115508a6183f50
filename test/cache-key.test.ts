// One test per field of the two keys a run rests on: the response cache key (a cached answer is reused
// only for the very same call) and the sample key (a finished sample is skipped only when it is the very
// same sample). Each test changes one field and nothing else; a field left out of a key fails its test.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { rmSync } from 'node:fs';
import { cacheIdentity, requestKey, ResponseCache } from '../src/core/cache.js';
import { cachedChat } from './helpers/cachedChat.js';
import type { ChatModel, ChatRequest, Reasoning, SampleParams, Tier } from '../src/core/types.js';
import { sampleKey } from '../src/run/plan.js';
import { tempDir } from './helpers/tmp.js';

const model = (spec: string): ChatModel => ({
  spec,
  provider: spec.split('/')[0],
  model: spec.split('/')[1],
  simulated: false,
  supportsPrefill: true,
  async chat() {
    throw new Error('keyFor never calls the model');
  },
});

const base: ChatRequest = {
  messages: [
    { role: 'system', content: 'system prompt' },
    { role: 'user', content: 'user turn' },
  ],
  prefill: '<',
  temperature: 1,
  maxTokens: 4000,
  seed: 7,
  n: 1,
};

/** The key of `base` for `openai/gpt-4o?thinking=1` (any server address). */
const GOLDEN_THINKING = '030b231c4d63706d3d5ae0e6707cb373a8094dde02177a6a3191a4ed1712820c';

describe('response cache key: one field at a time', () => {
  const cache = new ResponseCache(tempDir());
  const key = (request: ChatRequest, spec = 'openai/gpt-4o', parts = { sampleIndex: 0, purpose: 'sample' }) => cache.keyFor(model(spec), request, parts);
  const reference = key(base);

  it('is the same for the same call', () => assert.equal(key({ ...base, messages: base.messages.map((m) => ({ ...m })) }), reference));
  it('model spec', () => assert.notEqual(key(base, 'openai/gpt-4o-mini'), reference));
  it('model options in the spec that shape the answer', () => assert.notEqual(key(base, 'openai/gpt-4o?thinking=1'), reference));
  it('not where or how the call is sent: the server address, the key variable, the HTTP client, limits, retries, timeouts', () => {
    for (const option of ['base_url=http://127.0.0.1:1/v1', 'api_key_env=OTHER_KEY', 'http=fetch', 'rpm=60', 'tpm=1000', 'concurrency=2', 'timeout_ms=5', 'max_retries=0', 'backoff_ms=1', 'max_backoff_ms=2', 'max_retry_after_ms=3'])
      assert.equal(key(base, `openai/gpt-4o?${option}`), reference, option);
    assert.equal(key(base, 'openai/gpt-4o?base_url=http://127.0.0.1:1/v1&thinking=1'), key(base, 'openai/gpt-4o?thinking=1&base_url=http://127.0.0.1:2/v1'));
    assert.notEqual(key(base, 'openai/gpt-4o?base_url=http://127.0.0.1:1/v1&thinking=1'), key(base, 'openai/gpt-4o?base_url=http://127.0.0.1:1/v1&thinking=2'));
  });
  it('names the model by cacheIdentity: the spec without its transport options, the others in the order written', () => {
    assert.equal(cacheIdentity('openai/gpt-4o'), 'openai/gpt-4o');
    assert.equal(cacheIdentity('openai/gpt-4o?base_url=http%3A%2F%2F127.0.0.1%3A8000%2Fv1'), 'openai/gpt-4o');
    assert.equal(cacheIdentity('openai/gpt-4o?a=1&base_url=x&b=2&rpm=9'), 'openai/gpt-4o?a=1&b=2');
    assert.equal(cacheIdentity('local/models/x.gguf?threads=2&timeout_ms=9'), 'local/models/x.gguf?threads=2');
    assert.equal(cacheIdentity('openai/gpt-4o?b=2&a=1'), 'openai/gpt-4o?b=2&a=1', 'a spec with no transport option is itself: its key never changed');
    assert.equal(cacheIdentity('sim/faker?seed=3&latency=5'), 'sim/faker?seed=3&latency=5');
  });
  it('system prompt', () => assert.notEqual(key({ ...base, messages: [{ role: 'system', content: 'system prompt.' }, base.messages[1]] }), reference));
  it('user turn', () => assert.notEqual(key({ ...base, messages: [base.messages[0], { role: 'user', content: 'user turn.' }] }), reference));
  it('a message role', () => assert.notEqual(key({ ...base, messages: [{ role: 'user', content: 'system prompt' }, base.messages[1]] }), reference));
  it('a later turn (the conversation so far)', () =>
    assert.notEqual(key({ ...base, messages: [...base.messages, { role: 'assistant', content: '<SCRATCHPAD_REASONING>x</SCRATCHPAD_REASONING>' }, { role: 'user', content: '<NEXT/>' }] }), reference));
  it('prefill', () => assert.notEqual(key({ ...base, prefill: '<OUTPUT>' }), reference));
  it('no prefill', () => assert.notEqual(key({ ...base, prefill: undefined }), reference));
  it('temperature', () => assert.notEqual(key({ ...base, temperature: 0 }), reference));
  it('max tokens', () => assert.notEqual(key({ ...base, maxTokens: 3999 }), reference));
  it('seed', () => assert.notEqual(key({ ...base, seed: 8 }), reference));
  it('no seed', () => assert.notEqual(key({ ...base, seed: undefined }), reference));
  it('n (votes in one call)', () => assert.notEqual(key({ ...base, n: 20 }), reference));
  it('n = 1 and n left out are the same call', () => assert.equal(key({ ...base, n: undefined }), reference));
  it('sample index', () => assert.notEqual(key(base, 'openai/gpt-4o', { sampleIndex: 1, purpose: 'sample' }), reference));
  it('purpose', () => assert.notEqual(key(base, 'openai/gpt-4o', { sampleIndex: 0, purpose: 'judge' }), reference));
  it('purpose left out is a sample', () => assert.equal(cache.keyFor(model('openai/gpt-4o'), base, { sampleIndex: 0 }), reference));
  it('the abort signal is not part of the call', () => assert.equal(key({ ...base, signal: new AbortController().signal }), reference));
  it('one request object asked for several votes gives each vote the key a fresh object gets (the hashed prefix is reused, not the key)', () => {
    const shared: ChatRequest = { ...base };
    const fresh = (sampleIndex: number, purpose: string, spec = 'openai/gpt-4o') => key({ ...base, messages: base.messages.map((m) => ({ ...m })) }, spec, { sampleIndex, purpose });
    for (const [index, purpose] of [[0, 'af-vote'], [1, 'af-vote'], [19, 'af-vote'], [0, 'sample']] as const) assert.equal(key(shared, 'openai/gpt-4o', { sampleIndex: index, purpose }), fresh(index, purpose));
    assert.equal(key(shared, 'openai/gpt-4o', { sampleIndex: 0, purpose: 'sample' }), reference);
    // Another model, or a field changed on the same object, is another prefix.
    assert.equal(key(shared, 'openai/gpt-4o-mini', { sampleIndex: 1, purpose: 'af-vote' }), fresh(1, 'af-vote', 'openai/gpt-4o-mini'));
    shared.temperature = 0;
    assert.equal(key(shared, 'openai/gpt-4o-mini', { sampleIndex: 1, purpose: 'af-vote' }), key({ ...base, temperature: 0 }, 'openai/gpt-4o-mini', { sampleIndex: 1, purpose: 'af-vote' }));
  });
  it('is the sha256 of the JSON of every field, for any number of turns and with fields left out (null)', () => {
    const long: ChatRequest = {
      messages: [
        { role: 'system', content: 'system "prompt"\n' },
        { role: 'user', content: 'user turn' },
        { role: 'assistant', content: '<SCRATCHPAD_REASONING>x</SCRATCHPAD_REASONING>' },
        { role: 'user', content: '<NEXT/>' },
      ],
      temperature: 0.5,
      maxTokens: undefined as unknown as number,
    };
    const expected = (request: ChatRequest, spec: string, index: number, purpose: string) =>
      createHash('sha256').update(JSON.stringify([spec, request.messages.map((m) => [m.role, m.content]), request.prefill ?? null, request.temperature, request.maxTokens, request.seed ?? null, request.n ?? 1, index, purpose])).digest('hex');
    assert.equal(key(long, 'openai/gpt-4o', { sampleIndex: 3, purpose: 'judge' }), expected(long, 'openai/gpt-4o', 3, 'judge'));
    const none: ChatRequest = { messages: [], temperature: 1, maxTokens: 5 };
    assert.equal(key(none, 'openai/gpt-4o', { sampleIndex: 0, purpose: 'sample' }), expected(none, 'openai/gpt-4o', 0, 'sample'));
  });
  it('a field changed on a request object already keyed gives the new key (same model)', () => {
    const shared: ChatRequest = { ...base };
    assert.equal(key(shared), reference);
    for (const change of [{ temperature: 0 }, { maxTokens: 3999 }, { seed: 8 }, { n: 20 }, { prefill: '<OUTPUT>' }] as const) {
      const before = { ...shared };
      Object.assign(shared, change);
      assert.equal(key(shared), key({ ...shared, messages: shared.messages.map((m) => ({ ...m })) }), JSON.stringify(change));
      assert.notEqual(key(shared), key(before), JSON.stringify(change));
    }
  });
  it('is pinned: changing how keys are computed would orphan every cached answer', () => {
    assert.equal(reference, 'b3bfd67fecc154b450bc4191ebee76e39ef3823de530cc6ca9fbdb438ae3218a');
    assert.equal(key(base, 'openai/gpt-4o?base_url=http://127.0.0.1:8000/v1'), 'b3bfd67fecc154b450bc4191ebee76e39ef3823de530cc6ca9fbdb438ae3218a');
    assert.equal(key(base, 'openai/gpt-4o?thinking=1&base_url=http://127.0.0.1:8000/v1'), GOLDEN_THINKING);
  });

  it('an answer cached under the key of the whole spec (before the address left the key) is found, and moved to the new key (the old entry removed)', async () => {
    const dir = tempDir();
    try {
      const spec = 'openai/gpt-4o?base_url=http://127.0.0.1:8000/v1';
      const legacy = createHash('sha256').update(JSON.stringify([spec, base.messages.map((m) => [m.role, m.content]), base.prefill, base.temperature, base.maxTokens, base.seed, 1, 0, 'sample'])).digest('hex');
      const answer = { text: 'cached before', usage: { inputTokens: 1, outputTokens: 1 }, finishReason: 'stop' as const, prefillApplied: false };
      const old = new ResponseCache(dir);
      await old.put(legacy, spec, 'sample', answer);
      await old.flushed();
      let calls = 0;
      const moved: ChatModel = { ...model('openai/gpt-4o?base_url=http://127.0.0.1:9999/v1'), async chat() { calls++; throw new Error('not asked'); } };
      const original: ChatModel = { ...model(spec), async chat() { calls++; throw new Error('not asked'); } };
      const cache = new ResponseCache(dir);
      // The same server: found under the old key, and kept under the new one.
      assert.equal((await cachedChat(original, base, cache, { sampleIndex: 0 })).response.text, 'cached before');
      await cache.flushed();
      assert.equal(cache.get(reference)?.text, 'cached before');
      // Moved, not copied: the old entry was removed in the commit that wrote the new one.
      assert.equal(cache.get(legacy), undefined, 'the entry under the old key is gone');
      // The server moved to another port: the same answer, under the new key.
      assert.equal((await cachedChat(moved, base, cache, { sampleIndex: 0 })).response.text, 'cached before');
      assert.equal(calls, 0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a call found under neither key is asked once, and kept under the new key only', async () => {
    const dir = tempDir();
    try {
      let calls = 0;
      const asked: ChatModel = { ...model('openai/gpt-4o?base_url=http://127.0.0.1:7000/v1'), async chat() { calls++; return { text: 'fresh', usage: { inputTokens: 1, outputTokens: 1 }, finishReason: 'stop', prefillApplied: false }; } };
      const cache = new ResponseCache(dir);
      const first = await cachedChat(asked, base, cache, { sampleIndex: 0 });
      assert.equal(first.key, reference);
      assert.equal(first.cached, false);
      await cache.flushed();
      assert.equal((await cachedChat(asked, base, new ResponseCache(dir), { sampleIndex: 0 })).response.text, 'fresh');
      assert.equal(calls, 1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a different spec is a different call through cachedChat too (both models counted)', async () => {
    const dir = tempDir();
    let calls = 0;
    const counting = (spec: string): ChatModel => ({
      ...model(spec),
      async chat() {
        calls++;
        return { text: 'ok', usage: { inputTokens: 1, outputTokens: 1 }, finishReason: 'stop', prefillApplied: false };
      },
    });
    await cachedChat(counting('test/a'), base, new ResponseCache(dir), { sampleIndex: 0 });
    await cachedChat(counting('test/b'), base, new ResponseCache(dir), { sampleIndex: 0 });
    await cachedChat(counting('test/a'), base, new ResponseCache(dir), { sampleIndex: 0 });
    assert.equal(calls, 2);
  });
});

describe('sample key: one field at a time', () => {
  const params: SampleParams = { temperature: 1, maxTokens: 4000, seed: 0, suffix: true, prefill: true, maxTurns: 4 };
  const identity = {
    model: 'sim/faker',
    variant: 'baseline',
    reasoning: 'cot' as Reasoning,
    tier: 'free' as Tier,
    request: { id: 'r1', text: 'Explain a thing.', source: 'builtin' },
    sampleIndex: 0,
    params,
    promptHash: 'ab'.repeat(32),
  };
  const reference = sampleKey(identity);
  const changed: Array<[string, Partial<typeof identity>]> = [
    ['model', { model: 'sim/no-gap' }],
    ['variant', { variant: 'koorndijk-a' }],
    ['reasoning', { reasoning: 'no-cot' as never }],
    ['tier', { tier: 'paid' as never }],
    ['request text', { request: { id: 'r1', text: 'Explain a thing!', source: 'builtin' } }],
    ['sample index', { sampleIndex: 1 }],
    ['prompt hash', { promptHash: 'cd'.repeat(32) }],
    ...(Object.keys(params) as Array<keyof SampleParams>).map((field): [string, Partial<typeof identity>] => [
      `params.${field}`,
      { params: { ...params, [field]: typeof params[field] === 'boolean' ? !params[field] : (params[field] as number) + 1 } },
    ]),
  ];
  for (const [field, change] of changed) {
    it(field, () => assert.notEqual(sampleKey({ ...identity, ...change }), reference));
  }
  it('the request id alone is not identity (the text is)', () => assert.equal(sampleKey({ ...identity, request: { id: 'other', text: 'Explain a thing.', source: 'builtin' } }), reference));
});

describe('requestKey (the ledger\'s key with no cache around the model)', () => {
  it('is the key a cache keeps the same call under: a call with no tag as sample 0, a tagged call by its tag', () => {
    const cache = new ResponseCache(tempDir());
    const model = { spec: 'openai/gpt-4o-mini?base_url=http%3A%2F%2F127.0.0.1%3A9%2Fv1' };
    const request: ChatRequest = { messages: [{ role: 'user', content: 'hello' }], temperature: 1, maxTokens: 64 };
    assert.equal(requestKey(model, request), cache.keyFor(model, request, { sampleIndex: 0 }));
    const tagged: ChatRequest = { ...request, call: { sampleIndex: 3, purpose: 'judge' } };
    assert.equal(requestKey(model, tagged), cache.keyFor(model, tagged, { sampleIndex: 3, purpose: 'judge' }));
    assert.notEqual(requestKey(model, tagged), requestKey(model, request));
  });
});
