// The estimate at the end of a batched run (issue 25, item 7): from what the run counted, as a direct
// run's is (the cost meter's billed tokens per sample and per judge call it paid for, times the plan),
// not from the plan and a tokenizer. A batched run's samples are written from the cache once its
// batches are in, so they are counted by their turns; an API without `n` sends each AF vote as its
// own line, and a judge call is counted once however many lines it took. Loopback servers speaking
// OpenAI's and Anthropic's batch APIs, through the real SDKs (test/servers/batchApis.ts).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runExperiment } from '../src/pipeline/experiment.js';
import { runExperimentBatched } from '../src/pipeline/batch/index.js';
import { batchLinesPerCall, estimateFromRun, RunSampleCounts } from '../src/pipeline/estimate.js';
import { resetTransports } from '../src/models/transport/index.js';
import { CostMeter } from '../src/cost/index.js';
import type { ModelEstimate } from '../src/cost/estimate.js';
import { startBatchServer, type BatchServer } from './servers/batchApis.js';
import { batchConfig, scriptedReply } from './batch-helpers.js';
import { tempDir } from './helpers/tmp.js';

const noSleep = { pollDelayMs: () => 0, sleep: async () => {} };

before(() => {
  process.env.OPENAI_API_KEY = 'sk-batch-estimate-0123456789abcdef';
  process.env.ANTHROPIC_API_KEY = 'sk-ant-batch-estimate-0123456789';
});
after(() => resetTransports());

/** The rows of an estimate as token counts, named without the server's address. */
const rowsOf = (models: ModelEstimate[], url: string) =>
  models.map((row) => ({ model: row.model.split(encodeURIComponent(url)).join('SERVER'), samples: row.samples, calls: row.calls, input: row.inputTokens, output: row.outputTokens })).sort((a, b) => a.model.localeCompare(b.model));

for (const provider of ['openai', 'anthropic'] as const) {
  describe(`${provider}: the estimate at the end of a batched run`, () => {
    let server: BatchServer;
    let spec: string;
    before(async () => {
      server = await startBatchServer({ reply: scriptedReply });
      const base = provider === 'openai' ? `${server.url}/v1` : server.url;
      spec = provider === 'openai' ? `openai/gpt-4o-mini?base_url=${encodeURIComponent(base)}` : `anthropic/claude-3-5-haiku-latest?base_url=${encodeURIComponent(base)}`;
    });
    after(() => server.close());

    it("counts the run's own tokens per sample and per judge call: the rows of the same plan run directly", async () => {
      // Direct: the estimate the CLI makes at the end of a run, from the samples as they pass.
      const direct = batchConfig(tempDir(), spec);
      const directMeter = new CostMeter();
      const directCounts = new RunSampleCounts();
      const directRun = await runExperiment(direct, { figures: false, report: false, keepRecords: false, costMeter: directMeter, onProgress: (p) => p.latest && directCounts.add(p.latest) });
      const fromDirect = estimateFromRun(direct, { planned: directRun.progress.total, sampled: directCounts.sampled }, directMeter);

      // Batched (models and judge), in its own folder and cache: every answer paid again, through the batches.
      const batched = batchConfig(tempDir(), spec);
      const meter = new CostMeter();
      const counts = new RunSampleCounts();
      const result = await runExperimentBatched(batched, { figures: false, report: false, costMeter: meter, onProgress: (p) => p.latest && counts.add(p.latest), batch: { target: 'both', ...noSleep } });
      assert.ok(result.outcome, 'the run finished');
      // The samples came from the cache: no turn was seen being sent, so the direct path's count is empty.
      assert.equal(counts.sampled.size, 0);
      const linesPerCall = batchLinesPerCall(result.batches.clients, batched.judge, batched.afVotes);
      // OpenAI's batch API takes `n` (the 3 votes in one line); Anthropic's does not (a line each).
      assert.deepEqual(linesPerCall, { 'af-vote': provider === 'openai' ? 1 : 3 });
      const fromBatched = estimateFromRun(batched, { planned: result.outcome.progress.total, sampled: counts.sampled, batched: { written: counts.written, linesPerCall } }, meter);

      // The same rows as the direct run's: the model's tokens to the token (its samples are the same
      // texts); the judges' calls and samples (their prompts carry a random nonce: tokens differ a little).
      const rows = rowsOf(fromBatched.models, base(server, provider));
      const directRows = rowsOf(fromDirect.models, base(server, provider));
      assert.deepEqual(rows.map((row) => row.model), directRows.map((row) => row.model));
      assert.deepEqual(rows.filter((row) => !row.model.includes('(judge')), directRows.filter((row) => !row.model.includes('(judge')));
      assert.deepEqual(rows.map((row) => [row.samples, row.calls]), directRows.map((row) => [row.samples, row.calls]));
      // 4 CoT samples of 3 turns each.
      const model = rows.find((row) => !row.model.includes('(judge'))!;
      assert.deepEqual([model.samples, model.calls], [4, 12]);
      // Each judge row: the tokens this run billed per judge call (its lines counted as one call) times the calls planned.
      for (const row of fromBatched.models.filter((r) => r.judge)) {
        const spend = meter.byPurpose.get(row.judge!.spec)!.get(row.judge!.purpose)!;
        const calls: number = spend.calls / ((linesPerCall as Partial<Record<string, number>>)[row.judge!.purpose] ?? 1);
        assert.equal(row.calls, row.samples, `${row.model}: one call per judgement planned`);
        assert.equal(row.inputTokens, Math.round((spend.inputTokens * row.samples) / calls), row.model);
      }
      const af = rows.find((row) => row.model.includes('AF votes'))!;
      assert.equal(af.calls, 4, 'one AF votes call per CoT sample, however many batch lines it took');
      // The whole plan's samples were paid for here: the model's row is what it billed, at the batch price.
      const own = fromBatched.models.find((row) => !row.judge)!;
      const judging = [...meter.byPurpose.get(own.model)!.values()];
      const billed = meter.byModel.get(own.model)!;
      assert.deepEqual([own.inputTokens, own.outputTokens], [billed.inputTokens - judging.reduce((sum, s) => sum + s.inputTokens, 0), billed.outputTokens - judging.reduce((sum, s) => sum + s.outputTokens, 0)]);
      assert.ok(own.usd! > 0 && own.usd! < fromDirect.models.find((row) => !row.judge)!.usd!, 'priced at the batch price, below the direct one');
    });
  });
}

function base(server: BatchServer, provider: 'openai' | 'anthropic'): string {
  return provider === 'openai' ? `${server.url}/v1` : server.url;
}
