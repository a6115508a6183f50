// The transport against a loopback OpenAI-format server, through the real `openai` SDK: every fault a
// hosted API produces under load is retried or recorded, retries are bounded, and limits hold.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ModelCallError } from '../src/models/errors.js';
import { createOpenAICompatibleModel, OPENAI_COMPATIBLE_PRESETS } from '../src/models/providers/index.js';
import { parseModelSpec } from '../src/models/spec.js';
import { resetTransports, sharedTransport, transportStats } from '../src/models/transport/transport.js';
import { resolveLimits } from '../src/models/transport/limits.js';
import { httpFetch } from '../src/models/transport/httpFetch.js';
import type { ChatModel, ChatRequest } from '../src/core/types.js';
import { type Fault, type LoopbackServer } from './servers/loopback.js';
import { startOpenAIServer } from './servers/openai.js';

const FAKE_KEY = 'sk-transport-test-0123456789abcdef';
const ask: ChatRequest = { messages: [{ role: 'system', content: 'be brief' }, { role: 'user', content: 'hello' }], temperature: 0, maxTokens: 50 };

before(() => {
  process.env.OPENAI_API_KEY = FAKE_KEY;
});

function modelFor(server: LoopbackServer, options = '', limits?: Record<string, unknown>): ChatModel {
  resetTransports();
  const spec = parseModelSpec(`openai/gpt-4o-mini?base_url=${encodeURIComponent(`${server.url}/v1`)}&backoff_ms=5&max_backoff_ms=50${options}`);
  return createOpenAICompatibleModel(OPENAI_COMPATIBLE_PRESETS.openai, spec, { limits });
}

async function withServer(script: (i: number) => Fault | undefined, fn: (server: LoopbackServer) => Promise<void>, latencyMs = 0): Promise<void> {
  const server = await startOpenAIServer({ script, latencyMs });
  try {
    await fn(server);
  } finally {
    await server.close();
  }
}

describe('retryable faults are retried until a good response', () => {
  const cases: Array<[string, Fault]> = [
    ['500', { kind: 'status', status: 500 }],
    ['502', { kind: 'status', status: 502 }],
    ['503', { kind: 'status', status: 503 }],
    ['connection reset', { kind: 'reset' }],
    ['malformed JSON', { kind: 'malformed' }],
    ['empty choices', { kind: 'empty' }],
    ['hang past the timeout', { kind: 'hang' }],
  ];
  for (const [name, fault] of cases) {
    it(`${name}: two failures, then the answer, three attempts at the server`, async () => {
      await withServer((i) => (i < 2 ? fault : undefined), async (server) => {
        const model = modelFor(server, '&timeout_ms=300');
        const response = await model.chat(ask);
        assert.equal(response.text, 'loopback reply');
        assert.equal(response.finishReason, 'stop');
        assert.equal(server.log.length, 3);
      });
    });
  }
});

describe('rate limits from the server', () => {
  it('429 with Retry-After: waits at least that long before the next attempt', async () => {
    await withServer((i) => (i === 0 ? { kind: 'status', status: 429, retryAfter: '0.4' } : undefined), async (server) => {
      const model = modelFor(server);
      await model.chat(ask);
      assert.equal(server.log.length, 2);
      assert.ok(server.log[1].at - server.log[0].at >= 390, `retried after ${server.log[1].at - server.log[0].at} ms`);
    });
  });
});

describe('errors that retrying cannot fix', () => {
  for (const [status, kind] of [[400, 'bad_request'], [401, 'auth'], [403, 'auth'], [404, 'bad_request']] as const) {
    it(`${status} is thrown once as ModelCallError(${kind}) after exactly one request`, async () => {
      await withServer(() => ({ kind: 'status', status, message: `refused; your key ${FAKE_KEY} is wrong` }), async (server) => {
        const model = modelFor(server);
        const err = await model.chat(ask).then(() => undefined, (e: unknown) => e);
        assert.ok(err instanceof ModelCallError);
        assert.equal(err.kind, kind);
        assert.equal(err.httpStatus, status);
        assert.equal(err.attempts, 1);
        assert.equal(server.log.length, 1);
        assert.ok(!err.message.includes(FAKE_KEY), 'the key echoed by the server is masked in the error');
      });
    });
  }

  it('a content-policy 400 is recorded as content_policy', async () => {
    await withServer(() => ({ kind: 'status', status: 400, message: 'Your request was rejected by our content_policy' }), async (server) => {
      const err = await modelFor(server).chat(ask).then(() => undefined, (e: unknown) => e);
      assert.ok(err instanceof ModelCallError);
      assert.equal(err.kind, 'content_policy');
    });
  });
});

describe('retries are bounded', () => {
  it('a server that always fails sees maxRetries + 1 attempts, then the error names the cause', async () => {
    await withServer(() => ({ kind: 'status', status: 503 }), async (server) => {
      const model = modelFor(server, '&max_retries=3');
      const err = await model.chat(ask).then(() => undefined, (e: unknown) => e);
      assert.ok(err instanceof ModelCallError);
      assert.equal(err.kind, 'server_error');
      assert.equal(err.attempts, 4);
      assert.equal(server.log.length, 4);
      const [entry] = transportStats();
      assert.equal(entry.provider, 'openai');
      assert.deepEqual([entry.stats.requests, entry.stats.attempts, entry.stats.retries, entry.stats.failed.server_error], [1, 4, 3, 1]);
    });
  });

  it('a server that never answers ends in a timeout error after maxRetries + 1 attempts', async () => {
    await withServer(() => ({ kind: 'hang' }), async (server) => {
      const err = await modelFor(server, '&max_retries=1&timeout_ms=200').chat(ask).then(() => undefined, (e: unknown) => e);
      assert.ok(err instanceof ModelCallError);
      assert.equal(err.kind, 'timeout');
      assert.equal(err.attempts, 2);
      assert.equal(server.log.length, 2);
    });
  });

  it('the provider-wide retry budget caps retries across many failing requests', async () => {
    await withServer(() => ({ kind: 'status', status: 500 }), async (server) => {
      resetTransports();
      const spec = parseModelSpec(`openai/gpt-4o-mini?base_url=${encodeURIComponent(`${server.url}/v1`)}&backoff_ms=1&max_backoff_ms=2&max_retries=5`);
      const limits = resolveLimits('openai', undefined, spec);
      // Budget: 4 retries + 10% of requests. 30 requests would retry 150 times without it.
      const transport = sharedTransport('openai', `${server.url}/v1`, limits);
      Object.assign(transport.limits, { retryBudgetMin: 4, retryBudgetRatio: 0.1 });
      const model = createOpenAICompatibleModel(OPENAI_COMPATIBLE_PRESETS.openai, spec, {});
      const results = await Promise.allSettled(Array.from({ length: 30 }, () => model.chat(ask)));
      assert.ok(results.every((r) => r.status === 'rejected' && r.reason instanceof ModelCallError));
      assert.ok(transport.stats.retries <= 4 + 0.1 * 30, `retries ${transport.stats.retries}`);
      assert.equal(server.log.length, 30 + transport.stats.retries);
      assert.ok(transport.stats.retryBudgetDenied > 0);
    });
  });
});

describe('limits measured at the server', () => {
  it('requests per minute: every request of a paced provider goes through its pacer (spacing is tested on a fake clock in pacer.test.ts)', async () => {
    await withServer(() => undefined, async (server) => {
      const model = modelFor(server, '&rpm=600&concurrency=16');
      const responses = await Promise.all(Array.from({ length: 25 }, () => model.chat(ask)));
      assert.equal(responses.length, 25);
      assert.equal(server.log.length, 25);
      // What the server can check without a clock: none was lost or sent twice.
    });
  });

  it('concurrency: never more requests in flight than allowed', async () => {
    await withServer(() => undefined, async (server) => {
      const model = modelFor(server, '', { openai: { concurrency: 3, requestsPerMinute: 1e6 } });
      await Promise.all(Array.from({ length: 12 }, () => model.chat(ask)));
      assert.equal(server.log.length, 12);
      assert.equal(server.maxInFlight, 3);
    }, 50);
  });

  it('tokens per minute: a request waits for the bucket to refill', async () => {
    // Each reply is reported as ~600 output tokens; two requests spend a 1,200 tokens/min bucket.
    const server = await startOpenAIServer({ reply: () => 'x'.repeat(2400) });
    try {
      const model = modelFor(server, '&tpm=1200&rpm=100000');
      const small = { ...ask, maxTokens: 500 };
      await model.chat(small);
      await model.chat(small);
      assert.equal(server.log.length, 2);
      const third = model.chat({ ...small, signal: AbortSignal.timeout(400) });
      await assert.rejects(third, (err: unknown) => (err as Error).name === 'TimeoutError');
      assert.equal(server.log.length, 2, 'third request held back by the token bucket');
    } finally {
      await server.close();
    }
  });
});

describe('the SDK transport', () => {
  it("the SDK's own fetch (?http=fetch) gets the same retries", async () => {
    await withServer((i) => (i === 0 ? { kind: 'reset' } : i === 1 ? { kind: 'status', status: 429, retryAfter: '0.05' } : undefined), async (server) => {
      const response = await modelFor(server, '&http=fetch').chat(ask);
      assert.equal(response.text, 'loopback reply');
      assert.equal(server.log.length, 3);
    });
  });

  it('httpFetch decodes compressed bodies and passes statuses and headers through', async () => {
    const { createServer } = await import('node:http');
    const { gzipSync } = await import('node:zlib');
    const server = createServer((_req, res) => {
      res.writeHead(429, { 'content-type': 'application/json', 'content-encoding': 'gzip', 'retry-after': '3' }).end(gzipSync(JSON.stringify({ error: { message: 'slow down' } })));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as { port: number };
      const response = await httpFetch(`http://127.0.0.1:${port}/x`, { method: 'POST', body: '{}' });
      assert.equal(response.status, 429);
      assert.equal(response.headers.get('retry-after'), '3');
      assert.deepEqual(await response.json(), { error: { message: 'slow down' } });
    } finally {
      server.close();
    }
  });
});

after(() => resetTransports());
