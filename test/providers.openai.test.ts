// OpenAI-compatible providers through the real `openai` SDK against a loopback server: what is sent
// (prefill, vLLM's continue-final-message, n, max tokens, key header) and how answers are read.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ModelCallError } from '../src/models/errors.js';
import { createOpenAICompatibleModel, OPENAI_COMPATIBLE_PRESETS } from '../src/models/providers/index.js';
import { resolveModel } from '../src/models/registry.js';
import { parseModelSpec } from '../src/models/spec.js';
import { resetTransports } from '../src/models/transport/transport.js';
import type { ChatRequest } from '../src/core/types.js';
import { UserError } from '../src/core/errors.js';
import { startLoopback, type Fault, type LoopbackServer } from './servers/loopback.js';
import { openaiWire, startOpenAIServer } from './servers/openai.js';
import { scaled } from './helpers/time.js';

const ask: ChatRequest = { messages: [{ role: 'system', content: 'system text' }, { role: 'user', content: 'question' }], prefill: '<', temperature: 1, maxTokens: 64 };
let server: LoopbackServer;
let fault: Fault | undefined;

before(async () => {
  process.env.OPENAI_API_KEY = 'sk-openai-provider-test-0123456789';
  process.env.DEEPINFRA_API_KEY = 'di-provider-test-0123456789';
  server = await startOpenAIServer({ script: () => fault, reply: (body) => `reply to ${body.messages.at(-1).content}` });
});
after(async () => {
  await server.close();
  resetTransports();
});

const spec = (provider: string, extra = '') => parseModelSpec(`${provider}/some-model?base_url=${encodeURIComponent(`${server.url}/v1`)}&backoff_ms=1${extra}`);
const model = (provider: string, extra = '') => createOpenAICompatibleModel(OPENAI_COMPATIBLE_PRESETS[provider], spec(provider, extra), {});

describe('prefill', () => {
  it('openai: cannot continue a message, so prefill is not sent and the response says so', async () => {
    fault = undefined;
    const response = await model('openai').chat(ask);
    const sent = server.log.at(-1)!.body;
    assert.equal(response.prefillApplied, false);
    assert.equal(sent.messages.at(-1).role, 'user');
    assert.equal(sent.max_completion_tokens, 64);
    assert.equal(response.text, 'reply to question');
  });

  it("vllm: prefill goes as a final assistant message with continue_final_message", async () => {
    const response = await model('vllm').chat(ask);
    const sent = server.log.at(-1)!.body;
    assert.equal(response.prefillApplied, true);
    assert.deepEqual(sent.messages.at(-1), { role: 'assistant', content: '<' });
    assert.equal(sent.continue_final_message, true);
    assert.equal(sent.add_generation_prompt, false);
    assert.equal(sent.max_tokens, 64);
    // The returned text is the continuation only, without the prefill.
    assert.equal(response.text, 'reply to <');
  });

  it('llamacpp: a final assistant message is continued, without vLLM fields', async () => {
    const response = await model('llamacpp').chat(ask);
    const sent = server.log.at(-1)!.body;
    assert.equal(response.prefillApplied, true);
    assert.equal(sent.messages.at(-1).role, 'assistant');
    assert.equal(sent.continue_final_message, undefined);
  });

  it('ollama: no prefill unless the spec asks for prefill=continue', async () => {
    assert.equal((await model('ollama').chat(ask)).prefillApplied, false);
    assert.equal((await model('ollama', '&prefill=continue').chat(ask)).prefillApplied, true);
  });
});

describe('n completions (judge votes)', () => {
  it('uses the API n where the host has it: one request, n texts', async () => {
    const before = server.log.length;
    const response = await model('openai').chat({ ...ask, n: 3 });
    assert.equal(server.log.length - before, 1);
    assert.equal(server.log.at(-1)!.body.n, 3);
    assert.equal(1 + (response.alternatives?.length ?? 0), 3);
  });

  it('makes several calls where the host has no n, summing usage', async () => {
    const before = server.log.length;
    const one = await model('deepinfra').chat(ask);
    const response = await model('deepinfra').chat({ ...ask, n: 3 });
    assert.equal(server.log.length - before, 4);
    assert.ok(server.log.slice(-3).every((r) => r.body.n === undefined));
    assert.equal(response.alternatives?.length, 2);
    assert.equal(response.usage.inputTokens, 3 * one.usage.inputTokens);
  });
});

describe('answers', () => {
  it('finish reason length is reported as length (a truncation, not a refusal)', async () => {
    fault = { kind: 'finish', reason: 'length' };
    const response = await model('openai').chat(ask);
    assert.equal(response.finishReason, 'length');
  });

  it('finish reason content_filter with null content gives empty text and content_filter', async () => {
    fault = { kind: 'finish', reason: 'content_filter' };
    const response = await model('openai').chat(ask);
    assert.equal(response.finishReason, 'content_filter');
    assert.equal(response.text, '');
    fault = undefined;
  });

  it('usage comes from the API, cached prompt tokens included', async () => {
    const long = { ...ask, messages: [{ role: 'system' as const, content: 'x'.repeat(8000) }, ask.messages[1]] };
    const response = await model('openai').chat(long);
    assert.ok(response.usage.inputTokens >= 2000);
    assert.equal(response.usage.cachedInputTokens, Math.floor(response.usage.inputTokens / 2));
  });

  it('usage with a count left out reads it as 0, and the tokens/min bucket keeps working', { timeout: scaled(20_000) }, async () => {
    // Some OpenAI-compatible hosts omit completion_tokens; it once turned the bucket into NaN, and every later request waited forever.
    const partial = await startLoopback({ ...openaiWire, success: (body, text, finish) => {
      const reply = openaiWire.success(body, text, finish) as { usage: Record<string, unknown> };
      delete reply.usage.completion_tokens;
      return reply;
    } }, { reply: () => 'short' });
    try {
      resetTransports();
      const m = createOpenAICompatibleModel(OPENAI_COMPATIBLE_PRESETS.openai, parseModelSpec(`openai/some-model?base_url=${encodeURIComponent(`${partial.url}/v1`)}&tpm=100000`), {});
      const first = await m.chat(ask);
      assert.equal(first.usage.outputTokens, 0);
      assert.ok(first.usage.inputTokens > 0);
      await m.chat(ask);
      assert.equal(partial.log.length, 2);
    } finally {
      await partial.close();
      resetTransports();
    }
  });

  it('the key travels in the Authorization header and nowhere in the recorded spec', async () => {
    const m = model('openai', '&rpm=1000');
    await m.chat(ask);
    assert.equal(server.log.at(-1)!.headers.authorization, `Bearer ${process.env.OPENAI_API_KEY}`);
    assert.ok(!m.spec.includes('rpm='), 'transport options are not part of the model identity');
  });
});

describe('configuration errors', () => {
  it('a missing key is a UserError naming the variable', async () => {
    const saved = process.env.GROQ_API_KEY;
    delete process.env.GROQ_API_KEY;
    assert.throws(() => createOpenAICompatibleModel(OPENAI_COMPATIBLE_PRESETS.groq, parseModelSpec('groq/llama-3.1-8b-instant'), {}), (err: unknown) => err instanceof UserError && /GROQ_API_KEY/.test(err.message));
    if (saved) process.env.GROQ_API_KEY = saved;
  });

  it('a key written into the spec is refused (specs are written into results)', () => {
    assert.throws(() => model('openai', '&api_key=sk-abcdefgh12345'), (err: unknown) => err instanceof UserError && !err.message.includes('sk-abcdefgh12345'));
  });

  it('openai-compatible needs a base URL', () => {
    delete process.env.OPENAI_COMPATIBLE_BASE_URL;
    assert.throws(() => createOpenAICompatibleModel(OPENAI_COMPATIBLE_PRESETS['openai-compatible'], parseModelSpec('openai-compatible/m'), {}), UserError);
  });

  it('the registry resolves every preset by name, and base URLs come from the documented variables', async () => {
    await import('../src/models/providers/index.js');
    process.env.TOGETHER_API_KEY = 'tg-provider-test-0123456789';
    process.env.TOGETHER_BASE_URL = `${server.url}/v1`;
    const m = await resolveModel('together/meta-llama/Llama-3-8b-chat-hf');
    assert.equal(m.provider, 'together');
    assert.equal(m.model, 'meta-llama/Llama-3-8b-chat-hf');
    const response = await m.chat({ ...ask, prefill: undefined });
    assert.equal(server.log.at(-1)!.body.model, 'meta-llama/Llama-3-8b-chat-hf');
    assert.equal(response.prefillApplied, false);
    delete process.env.TOGETHER_BASE_URL;
  });

  it('an unreachable server ends in a network ModelCallError after bounded retries', async () => {
    const closed = await startOpenAIServer();
    const url = closed.url;
    await closed.close();
    const m = createOpenAICompatibleModel(OPENAI_COMPATIBLE_PRESETS.vllm, parseModelSpec(`vllm/m?base_url=${encodeURIComponent(`${url}/v1`)}&backoff_ms=1&max_retries=2`), {});
    const err = await m.chat(ask).then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof ModelCallError);
    assert.equal(err.kind, 'network');
    assert.equal(err.attempts, 3);
  });
});
