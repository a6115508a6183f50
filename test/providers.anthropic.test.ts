// `anthropic/<model>` through the real `@anthropic-ai/sdk` against a loopback server speaking the
// messages wire format: prefill, system prompt caching, usage, stop reasons and faults.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ModelCallError } from '../src/models/errors.js';
import { createAnthropicModel } from '../src/models/providers/index.js';
import { parseModelSpec } from '../src/models/spec.js';
import { resetTransports } from '../src/models/transport/transport.js';
import type { ChatRequest } from '../src/core/types.js';
import { startAnthropicServer } from './servers/anthropic.js';
import type { Fault, LoopbackServer } from './servers/loopback.js';

const KEY = 'sk-ant-test-0123456789abcdefghij';
const ask: ChatRequest = {
  messages: [{ role: 'system', content: 'S'.repeat(4000) }, { role: 'user', content: 'question' }],
  prefill: '<',
  temperature: 1,
  maxTokens: 64,
};
let server: LoopbackServer;
let script: (i: number) => Fault | undefined = () => undefined;

before(async () => {
  process.env.ANTHROPIC_API_KEY = KEY;
  server = await startAnthropicServer({ script: (i) => script(i), reply: () => 'SCRATCHPAD_REASONING>thinking</SCRATCHPAD_REASONING>' });
});
after(async () => {
  await server.close();
  resetTransports();
});

const model = (extra = '') => {
  resetTransports();
  return createAnthropicModel(parseModelSpec(`anthropic/claude-3-opus-20240229?base_url=${encodeURIComponent(server.url)}&backoff_ms=1${extra}`), {});
};

describe('anthropic messages', () => {
  it('sends the system prompt apart (cache-marked), the prefill as a final assistant turn, and the key in a header', async () => {
    const response = await model().chat(ask);
    const { body, headers, path } = server.log.at(-1)!;
    assert.equal(path, '/v1/messages');
    // SDK 1.x sends the key as a bearer token (older ones as x-api-key).
    assert.ok(headers['x-api-key'] === KEY || headers.authorization === `Bearer ${KEY}`);
    assert.equal(body.system[0].text, 'S'.repeat(4000));
    assert.deepEqual(body.system[0].cache_control, { type: 'ephemeral' });
    assert.deepEqual(body.messages.at(-1), { role: 'assistant', content: '<' });
    assert.equal(body.messages.filter((m: { role: string }) => m.role === 'system').length, 0);
    assert.equal(body.temperature, 1);
    assert.equal(response.prefillApplied, true);
    assert.equal(response.text, 'SCRATCHPAD_REASONING>thinking</SCRATCHPAD_REASONING>');
    assert.equal(response.finishReason, 'stop');
  });

  it('reports the whole prompt as input tokens and the cache reads as cached', async () => {
    const response = await model().chat(ask);
    assert.equal(response.usage.cachedInputTokens, 1000);
    assert.ok(response.usage.inputTokens > 1000);
  });

  it('cache=0 leaves the system prompt unmarked; temperature=omit leaves temperature out', async () => {
    await model('&cache=0&temperature=omit').chat(ask);
    const { body } = server.log.at(-1)!;
    assert.equal(body.system[0].cache_control, undefined);
    assert.equal(body.temperature, undefined);
  });

  it('max_tokens maps to length and refusal to content_filter', async () => {
    script = () => ({ kind: 'finish', reason: 'length' });
    assert.equal((await model().chat(ask)).finishReason, 'length');
    script = () => ({ kind: 'finish', reason: 'content_filter' });
    const refused = await model().chat(ask);
    assert.equal(refused.finishReason, 'content_filter');
    assert.equal(refused.text, '');
    script = () => undefined;
  });

  it('429 with Retry-After and 529 overloaded are retried; empty content is retried as malformed', async () => {
    const faults: Fault[] = [{ kind: 'status', status: 429, retryAfter: '0.2' }, { kind: 'status', status: 529 }, { kind: 'empty' }, { kind: 'malformed' }, { kind: 'reset' }];
    const start = server.log.length;
    script = (i) => faults[i - start];
    const response = await model().chat(ask);
    assert.equal(server.log.length - start, 6);
    assert.ok(response.text.length > 0);
    script = () => undefined;
  });

  it('401 is an auth error after one request, with the key masked', async () => {
    const start = server.log.length;
    script = () => ({ kind: 'status', status: 401, message: `invalid x-api-key ${KEY}` });
    const err = await model().chat(ask).then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof ModelCallError);
    assert.equal(err.kind, 'auth');
    assert.equal(server.log.length - start, 1);
    assert.ok(!err.message.includes(KEY));
    script = () => undefined;
  });

  it('n completions are n calls', async () => {
    const start = server.log.length;
    const response = await model().chat({ ...ask, n: 4 });
    assert.equal(server.log.length - start, 4);
    assert.equal(response.alternatives?.length, 3);
  });
});
