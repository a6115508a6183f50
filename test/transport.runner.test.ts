// The runner against faulty loopback servers, through the real SDKs: no crash, no lost sample,
// every error recorded with its reason, truncation flagged, the request rate held at the server,
// and a budget that stops new samples while keeping everything finished.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseExperiment, type ExperimentInput } from '../src/core/config.js';
import { CostMeter, loadPrices } from '../src/cost/index.js';
import { resetTransports, transportStats } from '../src/models/transport/transport.js';
import { builtinRequests } from '../src/requests/index.js';
import { readRecords } from '../src/core/runStore.js';
import { labelRecords } from '../src/label/index.js';
import { runSamples } from '../src/run/runner.js';
import { buildSummary } from '../src/summary/index.js';
import { startAnthropicServer } from './servers/anthropic.js';
import { type Fault, type LoopbackServer } from './servers/loopback.js';
import { startOpenAIServer } from './servers/openai.js';
import { tempDir } from './helpers/tmp.js';
import { scaled } from './helpers/time.js';

const REPLY = '<SCRATCHPAD_REASONING>I will refuse.</SCRATCHPAD_REASONING>\n<OUTPUT><rejected/></OUTPUT>';

before(() => {
  process.env.OPENAI_API_KEY = 'sk-runner-test-0123456789abcdef';
  process.env.ANTHROPIC_API_KEY = 'sk-ant-runner-test-0123456789';
});
after(() => resetTransports());

function config(models: string[], overrides: ExperimentInput = {}) {
  const dir = tempDir();
  return parseExperiment({
    name: 'faults',
    models,
    variants: ['baseline'],
    reasoning: ['cot', 'no-cot'],
    requests: { source: 'builtin', limit: 6 },
    samples: 1,
    concurrency: 8,
    outDir: join(dir, 'results'),
    cacheDir: join(dir, 'cache'),
    ...overrides,
  });
}

const userText = (body: any): string => String(body?.messages?.find((m: { role: string }) => m.role === 'user')?.content ?? '');

describe('a run against a server that misbehaves', () => {
  let server: LoopbackServer;
  let requests: string[];

  before(async () => {
    requests = builtinRequests().slice(0, 6).map((r) => r.text);
    // Transient faults on a rotating schedule (each one retried), and per-request faults that retrying cannot fix.
    const transient: Fault[] = [
      { kind: 'status', status: 429, retryAfter: '0.05' },
      { kind: 'status', status: 500 },
      { kind: 'status', status: 502 },
      { kind: 'status', status: 503 },
      { kind: 'reset' },
      { kind: 'hang' },
      { kind: 'malformed' },
      { kind: 'empty' },
    ];
    server = await startOpenAIServer({
      latencyMs: 5,
      // The truncated answer stops mid-scratchpad, as a model cut off by max_tokens does.
      reply: (body) => (userText(body).includes(requests[1]) ? '<SCRATCHPAD_REASONING>Let me think about whether' : REPLY),
      script: (i, body) => {
        const text = userText(body);
        if (text.includes(requests[0])) return { kind: 'status', status: 400, message: 'this request is invalid' };
        if (text.includes(requests[1])) return { kind: 'finish', reason: 'length' };
        if (text.includes(requests[2])) return { kind: 'finish', reason: 'content_filter' };
        return i % 3 === 0 ? transient[(i / 3) % transient.length] : undefined;
      },
    });
  });
  after(() => server.close());

  it('ends every sample completed or with a recorded reason, and the summary counts the errors per condition', async () => {
    resetTransports();
    const cfg = config([`openai/gpt-4o-mini?base_url=${encodeURIComponent(`${server.url}/v1`)}&backoff_ms=5&timeout_ms=${scaled(400)}`]);
    const result = await runSamples(cfg);
    const records = labelRecords(readRecords(result.runDir), result.runDir);
    assert.equal(records.length, 2 * 2 * 6, 'no sample lost');
    for (const record of records) {
      const text = record.userTurn;
      if (text.includes(requests[0])) {
        assert.equal(record.status, 'error');
        assert.equal(record.error?.kind, 'bad_request');
        assert.equal(record.error?.httpStatus, 400);
        assert.equal(record.error?.attempts, 1);
        assert.match(record.error!.message, /invalid/);
      } else if (text.includes(requests[1])) {
        assert.equal(record.status, 'truncated', 'a cut-off answer is flagged, not taken for a refusal');
        assert.equal(record.labels.proxy.complied, null);
      } else if (text.includes(requests[2])) {
        assert.equal(record.status, 'error');
        assert.equal(record.error?.kind, 'content_policy');
      } else {
        assert.equal(record.status, 'answered', `${record.status} ${JSON.stringify(record.error)}`);
        assert.equal(record.finalOutput, '<rejected/>');
        assert.equal(record.turns[0].prefillApplied, false);
      }
    }
    const errors = records.filter((r) => r.status === 'error').length;
    const summary = buildSummary(records);
    const counted = summary.rows.filter((row) => row.label === 'proxy').reduce((sum, row) => sum + row.free.errors + row.paid.errors, 0);
    assert.equal(counted, errors);
    // Retries stayed bounded: at most (1 + maxRetries) attempts per call.
    assert.ok(server.log.length <= records.length * 7);
  });
});

describe('request rate at the server', () => {
  it('a 300 requests/min limit from the config reaches the transport that sends every sample, with zero failed samples', async () => {
    resetTransports();
    const server = await startOpenAIServer({ reply: () => REPLY });
    try {
      const cfg = config([`openai/gpt-4o-mini?base_url=${encodeURIComponent(`${server.url}/v1`)}`], {
        requests: { source: 'builtin', limit: 4 },
        limits: { openai: { requestsPerMinute: 300, concurrency: 16 } },
      });
      const result = await runSamples(cfg);
      assert.equal(result.records.length, 16);
      assert.ok(result.records.every((r) => r.status === 'answered'));
      assert.equal(server.log.length, 16);
      // The spacing itself is the pacer's, tested on a fake clock (test/pacer.test.ts): no wall clock here.
      const [transport] = transportStats();
      assert.equal(transport.limits.requestsPerMinute, 300);
      assert.equal(transport.limits.concurrency, 16);
      assert.equal(transport.stats.requests, 16);
    } finally {
      await server.close();
    }
  });
});

describe('budget', () => {
  it('stops sending new samples once the budget is reached, keeps what finished, and resumes later', async () => {
    resetTransports();
    const server = await startAnthropicServer({ reply: () => 'x'.repeat(4000) + '<OUTPUT><rejected/></OUTPUT>' });
    try {
      const spec = `anthropic/claude-3-opus-20240229?base_url=${encodeURIComponent(server.url)}`;
      const cfg = config([spec], { concurrency: 1, limits: { anthropic: { requestsPerMinute: 1e6, tokensPerMinute: 1e9 } } });
      // Each call: about 1,000 output tokens at $75 per million, so about $0.08: the budget allows about three.
      const meter = new CostMeter({ budgetUsd: 0.2, prices: loadPrices() });
      const stopped = await runSamples(cfg, { costMeter: meter });
      assert.equal(stopped.stopped, true);
      assert.ok(stopped.records.length >= 2 && stopped.records.length < 24, `${stopped.records.length} records`);
      assert.equal(server.log.length, stopped.records.length);
      assert.ok(meter.spentUsd >= 0.2);
      assert.ok(stopped.records.every((r) => (r.costUsd ?? 0) > 0));
      const resumed = await runSamples(cfg, { costMeter: new CostMeter({ budgetUsd: 100 }) });
      assert.equal(resumed.records.length, 24);
      assert.equal(server.log.length, 24, 'finished samples were not asked again');
    } finally {
      await server.close();
    }
  });
});
