// Batched runs against loopback servers speaking OpenAI's files + batches API and Anthropic's message
// batches API, through the real SDKs: the same records and labels as a direct run, CoT in rounds,
// failed lines sent again, limits, and the refusals that come before anything is sent.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { runExperiment } from '../src/pipeline/experiment.js';
import { cancelBatches, formatBatches, runExperimentBatched, readBatchRecords, splitAtLimits } from '../src/pipeline/batch/index.js';
import { estimateExperiment } from '../src/pipeline/estimate.js';
import { formatEstimate } from '../src/cost/index.js';
import { resetTransports } from '../src/models/transport/index.js';
import { CostMeter, batchPriceFor, priceFor, loadPrices } from '../src/cost/index.js';
import { startBatchServer, type BatchServer } from './servers/batchApis.js';
import { batchConfig, outcomeOf, scriptedReply } from './batch-helpers.js';
import { tempDir } from './helpers/tmp.js';

const noSleep = { pollDelayMs: () => 0, sleep: async () => {} };

before(() => {
  process.env.OPENAI_API_KEY = 'sk-batch-test-0123456789abcdef';
  process.env.ANTHROPIC_API_KEY = 'sk-ant-batch-test-0123456789';
});
after(() => resetTransports());

for (const provider of ['openai', 'anthropic'] as const) {
  describe(`${provider}: a batched run`, () => {
    let server: BatchServer;
    let spec: string;
    const dirs: string[] = [];
    before(async () => {
      server = await startBatchServer({ reply: scriptedReply });
      spec = provider === 'openai' ? `openai/gpt-4o-mini?base_url=${encodeURIComponent(`${server.url}/v1`)}` : `anthropic/claude-3-5-haiku-latest?base_url=${encodeURIComponent(server.url)}`;
    });
    after(async () => {
      await server.close();
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    });

    it('gives the records and labels of a direct run, CoT in three rounds and the judges as their own batches', async () => {
      const direct = tempDir();
      const batched = tempDir();
      dirs.push(direct, batched);
      await runExperiment(batchConfig(direct, spec), { figures: false, report: false, keepRecords: false });
      const directCalls = server.direct.length;
      assert.ok(directCalls > 0);

      const progress: string[] = [];
      const config = batchConfig(batched, spec);
      const result = await runExperimentBatched(config, { figures: false, report: false, batch: { target: 'both', ...noSleep, onProgress: (p) => p.note && progress.push(p.note) } });
      assert.ok(result.outcome, 'the run finished');
      assert.equal(server.direct.length, directCalls, 'the batched run sent nothing one by one');
      assert.deepEqual(outcomeOf(result.outcome.runDir), outcomeOf(join(direct, 'results', 'batched')));

      const records = readBatchRecords(result.outcome.runDir);
      const sampling = records.filter((r) => r.role === 'sample');
      const judging = records.filter((r) => r.role === 'judge');
      // 2 requests × 2 tiers: turn 1 of all four, then <NEXT/> twice; the judges after the answers exist.
      assert.deepEqual(sampling.map((r) => r.lines.length), [4, 4, 4]);
      assert.ok(judging.length >= 1);
      assert.ok(records.every((r) => r.state === 'completed' && r.downloadedAt && r.id));
      // Nothing paid twice: every line the server answered, once.
      assert.ok([...server.paid.values()].every((n) => n === 1));
      assert.ok(progress.some((line) => line.includes('submitted')));

      // Run again: everything is read from the folder and the cache; no batch is submitted.
      const before = server.batches.length;
      const again = await runExperimentBatched(config, { figures: false, report: false, batch: { target: 'both', ...noSleep } });
      assert.equal(server.batches.length, before);
      assert.deepEqual(outcomeOf(again.outcome!.runDir), outcomeOf(result.outcome.runDir));
    });

    it('refuses a model without a batch API in one line, before anything is sent', async () => {
      const dir = tempDir();
      dirs.push(dir);
      const sent = server.batches.length + server.direct.length;
      await assert.rejects(
        runExperimentBatched(batchConfig(dir, spec, { models: [spec, 'together/meta-llama/Llama-3-8b'] }), { figures: false, report: false, batch: { target: 'models', ...noSleep } }),
        /--batch: the model together\/meta-llama\/Llama-3-8b has no batch API/,
      );
      assert.equal(server.batches.length + server.direct.length, sent);
      assert.deepEqual(readdirSync(dir), []);
    });
  });
}

describe('failed lines and limits', () => {
  let server: BatchServer;
  let spec: string;
  const dirs: string[] = [];
  let failOnce = new Set<string>();
  before(async () => {
    server = await startBatchServer({
      reply: scriptedReply,
      // The first batch expires; after that, each request errors the first time it is sent (a line
      // sent again goes under a new intent's custom id, so the request is known by its body).
      finalState: (index) => (index === 0 ? 'expired' : 'completed'),
      lineOutcome: (_customId, body) => {
        const request = JSON.stringify(body);
        if (failOnce.has(request)) return 'ok';
        failOnce.add(request);
        return { status: 500, message: 'scripted server error' };
      },
    });
    spec = `openai/gpt-4o-mini?base_url=${encodeURIComponent(`${server.url}/v1`)}`;
  });
  after(async () => {
    await server.close();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('sends expired and errored lines again in a later batch, and each answer is paid once', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const result = await runExperimentBatched(batchConfig(dir, spec, { judge: 'sim/judge' }), { figures: false, report: false, batch: { target: 'models', ...noSleep } });
    const records = readBatchRecords(result.outcome!.runDir);
    assert.equal(records[0].state, 'expired');
    assert.ok(records.length > 3, 'the lines were sent again');
    assert.ok([...server.paid.values()].every((n) => n === 1));
    assert.equal(result.outcome!.recordCount, 4);
    assert.deepEqual(result.outcome!.errorKinds, {});
  });

  it('splits a round at the requests-per-batch limit and says so', async () => {
    const lines = Array.from({ length: 5 }, (_, i) => i);
    assert.deepEqual(splitAtLimits(lines, { maxRequests: 2, maxBytes: 1e9 }, () => 10), { chunks: [[0, 1], [2, 3], [4]], splitBy: 'limit of 2 requests per batch' });
    assert.deepEqual(splitAtLimits(lines, { maxRequests: 100, maxBytes: 25 }, () => 10), { chunks: [[0, 1], [2, 3], [4]], splitBy: 'limit of 25 bytes per batch' });
    const dir = tempDir();
    dirs.push(dir);
    const notes: string[] = [];
    failOnce = new Set(['*']);
    const result = await runExperimentBatched(batchConfig(dir, spec, { judge: 'sim/judge', name: 'split' }), { figures: false, report: false, batch: { target: 'models', limits: { maxRequests: 3 }, ...noSleep, onProgress: (p) => p.note && notes.push(p.note) } });
    const records = readBatchRecords(result.outcome!.runDir);
    assert.ok(records.every((r) => r.lines.length <= 3));
    assert.ok(notes.some((n) => /split into 2 batches at the limit of 3 requests per batch/.test(n)), notes.join('\n'));
  });
});

describe('batch prices', () => {
  it('prices a batched call at half the direct price where the table says so', () => {
    const table = loadPrices();
    const direct = priceFor('openai/gpt-4o-mini', table)!;
    const batch = batchPriceFor('openai/gpt-4o-mini', table)!;
    assert.equal(batch.input, direct.input / 2);
    assert.equal(batch.output, direct.output / 2);
    assert.equal(batchPriceFor('together/meta-llama/Llama-3-8b', table), undefined);
    const meter = new CostMeter();
    const usage = { inputTokens: 1_000_000, outputTokens: 1_000_000 };
    assert.equal(meter.record('openai/gpt-4o-mini', usage, undefined, { batched: true }) * 2, new CostMeter().record('openai/gpt-4o-mini', usage));
  });
});

describe('waiting, listing and cancelling', () => {
  let server: BatchServer;
  let spec: string;
  const dirs: string[] = [];
  before(async () => {
    // Six polls before a batch ends: a run that does not wait sees them in flight.
    server = await startBatchServer({ reply: scriptedReply, steps: ['validating', 'in_progress', 'in_progress', 'in_progress', 'in_progress', 'finalizing'] });
    spec = `openai/gpt-4o-mini?base_url=${encodeURIComponent(`${server.url}/v1`)}`;
  });
  after(async () => {
    await server.close();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('a run that does not wait returns with its batches in flight, and calling it again picks the results up', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const config = batchConfig(dir, spec, { judge: 'sim/judge', name: 'notebook' });
    const first = await runExperimentBatched(config, { figures: false, report: false, batch: { target: 'models', wait: false } });
    assert.equal(first.outcome, undefined);
    assert.equal(first.batches.done, false);
    const inFlight = first.batches.batches.filter((b) => !b.downloadedAt);
    // Submitted, and looked at once: in progress.
    assert.deepEqual(inFlight.map((b) => [b.state, b.lines.length]), [['in_progress', 4]]);
    assert.match(formatBatches(first.batches.batches), /batch_\d+\s+sample\s+\S+\s+in_progress\s+4/);
    let calls = 1;
    let result = first;
    while (!result.outcome && calls < 40) {
      result = await runExperimentBatched(config, { figures: false, report: false, batch: { target: 'models', wait: false } });
      calls++;
    }
    assert.ok(result.outcome, 'the run finished once every batch was read');
    assert.equal(result.outcome.recordCount, 4);
    assert.ok(calls > 3, 'it took several calls, as a notebook cell re-run later would');
    assert.ok([...server.paid.values()].every((n) => n === 1));
  });

  it('af-lab batches --cancel cancels the batches in flight: the run reading them records their samples as errors, the next re-run sends them again', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const config = batchConfig(dir, spec, { judge: 'sim/judge', name: 'cancelled' });
    server.paid.clear(); // the same lines as the test above, in another cache: paid again, once
    const first = await runExperimentBatched(config, { figures: false, report: false, batch: { target: 'models', wait: false } });
    const lines = await cancelBatches(first.batches.runDir);
    assert.equal(lines.length, 1);
    assert.match(lines[0], /^batch batch_\d+: cancel/);
    const stopped = await runExperimentBatched(config, { figures: false, report: false, batch: { target: 'models', ...noSleep } });
    const records = readBatchRecords(stopped.outcome!.runDir);
    assert.equal(records[0].state, 'cancelled');
    assert.ok(records[0].cancelRequestedAt);
    assert.equal(records.length, 1, 'the cancelled lines were not sent again by the run that read them');
    assert.deepEqual(stopped.outcome!.errorKinds, { other: 4 });
    const result = await runExperimentBatched(config, { figures: false, report: false, batch: { target: 'models', ...noSleep } });
    assert.equal(result.outcome!.recordCount, 4);
    assert.deepEqual(result.outcome!.errorKinds, {});
    assert.ok([...server.paid.values()].every((n) => n === 1));
  });

  it('af-lab estimate --batch prints both prices; batched rows at half where the table says so', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const config = batchConfig(dir, 'openai/gpt-4o-mini', { judge: 'openai/gpt-4o-mini' });
    const direct = await estimateExperiment(config);
    const both = await estimateExperiment(config, { batch: 'both' });
    assert.equal(both.totalUsd, direct.totalUsd, 'the direct total is unchanged');
    assert.ok(Math.abs(both.batchTotalUsd! - direct.totalUsd / 2) < 1e-12);
    const judgeOnly = await estimateExperiment(config, { batch: 'judge' });
    const [modelRow, judgeRow] = judgeOnly.models;
    assert.equal(modelRow.batchUsd, undefined);
    assert.equal(judgeRow.batchUsd, judgeRow.usd! / 2);
    const printed = formatEstimate(both);
    assert.match(printed, /batched/);
    assert.match(printed, /total with --batch: \$/);
    const withSim = await estimateExperiment(batchConfig(dir, 'openai/gpt-4o-mini', { models: ['openai/gpt-4o-mini', 'together/meta-llama/Llama-3-8b'] }), { batch: 'models' });
    assert.equal(withSim.models.find((m) => m.model.startsWith('together'))?.batchUsd, undefined, 'a provider without a batch price keeps its direct price');
  });
});
