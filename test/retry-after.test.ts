// A Retry-After longer than the cap (an hour) is not waited for: the request fails at once with the
// reason recorded (and is sampled again on the next run); a long wait within the cap is said on the terminal.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ModelCallError } from '../src/models/errors.js';
import { createOpenAICompatibleModel, OPENAI_COMPATIBLE_PRESETS } from '../src/models/providers/index.js';
import { parseModelSpec } from '../src/models/spec.js';
import { resolveLimits } from '../src/models/transport/limits.js';
import { resetTransports, setWaitNotice, Transport } from '../src/models/transport/transport.js';
import type { ChatRequest } from '../src/core/types.js';
import { startOpenAIServer } from './servers/openai.js';

const ask: ChatRequest = { messages: [{ role: 'user', content: 'hello' }], temperature: 0, maxTokens: 20 };

before(() => {
  process.env.OPENAI_API_KEY = 'sk-retry-after-test-0123456789';
});
after(() => resetTransports());

describe('Retry-After', () => {
  it('`Retry-After: 3600` fails the request at once, naming the wait and the cap', async () => {
    const server = await startOpenAIServer({ script: () => ({ kind: 'status', status: 429, retryAfter: '3600' }) });
    try {
      resetTransports();
      const model = createOpenAICompatibleModel(OPENAI_COMPATIBLE_PRESETS.openai, parseModelSpec(`openai/gpt-4o-mini?base_url=${encodeURIComponent(`${server.url}/v1`)}`), {});
      await assert.rejects(model.chat(ask), (err: unknown) => {
        assert.ok(err instanceof ModelCallError);
        assert.equal(err.kind, 'rate_limited');
        assert.equal(err.attempts, 1);
        assert.match(err.message, /the server asked to wait 3600 s, over the 120 s cap: raise it with max_retry_after_ms/);
        return true;
      });
      assert.equal(server.log.length, 1);
    } finally {
      await server.close();
    }
  });

  it('the cap is configurable in the spec, and a long wait within it is announced once with its length', async () => {
    const limits = resolveLimits('openai', undefined, parseModelSpec('openai/x?max_retry_after_ms=20000'));
    assert.equal(limits.maxRetryAfterMs, 20_000);
    const transport = new Transport('openai', { ...limits, requestsPerMinute: Infinity }, () => 0);
    const lines: string[] = [];
    const previous = setWaitNotice((line) => lines.push(line));
    const controller = new AbortController();
    const rateLimited = Object.assign(new Error('429 slow down'), { status: 429, headers: { 'retry-after': '9' } });
    try {
      const calls = [transport.call(async () => { throw rateLimited; }, { signal: controller.signal }), transport.call(async () => { throw rateLimited; }, { signal: controller.signal })];
      // Both requests are now waiting (no real time passes in this test: the waits are aborted).
      for (let i = 0; i < 50 && lines.length === 0; i++) await new Promise((resolve) => setImmediate(resolve));
      controller.abort(new Error('stop'));
      for (const call of calls) await assert.rejects(call, /stop/);
    } finally {
      setWaitNotice(previous);
    }
    assert.equal(lines.length, 1, lines.join('\n'));
    assert.match(lines[0], /^openai: the server asked to wait \(Retry-After\); waiting 9 s, until /);
  });
});
