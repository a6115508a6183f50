// The estimate at the end of a run (issue 25, item 7): the whole plan's cost from what the run already
// counted (the cost meter's billed tokens and dollars, the samples and judgements it made, the plan's
// size), worked out by hand here. No tokenizer is involved (settings.judge-default.test.ts traces a
// real run's modules and finds none loaded).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseExperiment } from '../src/core/config.js';
import { CostMeter, formatCostReport } from '../src/cost/index.js';
import { estimateFromRun, RunSampleCounts } from '../src/pipeline/estimate.js';

const prices = {
  date: '2026-01-01',
  models: {
    'openai/gpt-4o-mini': { input: 1, output: 2 },
    'openai/gpt-4o': { input: 10, output: 20 },
  },
};

test('estimateFromRun: per-sample and per-judgement spend times the plan, per model and judge kind', () => {
  const config = parseExperiment({ name: 'est', models: ['openai/gpt-4o-mini', 'openai/gpt-4o'], variants: ['baseline'], reasoning: ['cot', 'no-cot'], requests: { source: 'builtin' }, samples: 1, judge: 'openai/gpt-4o' });
  const meter = new CostMeter({ prices } as never);
  // gpt-4o-mini: 4 samples sampled now, 5 calls (one sample took two turns), 1,000 in / 200 out each.
  for (let i = 0; i < 5; i++) meter.record('openai/gpt-4o-mini', { inputTokens: 1_000, outputTokens: 200 });
  // gpt-4o: 2 samples, 2 calls; it is also the judge: 6 compliance judgements and 3 AF calls.
  for (let i = 0; i < 2; i++) meter.record('openai/gpt-4o', { inputTokens: 500, outputTokens: 100 });
  for (let i = 0; i < 6; i++) meter.record('openai/gpt-4o', { inputTokens: 300, outputTokens: 10 }, 'judge');
  for (let i = 0; i < 3; i++) meter.record('openai/gpt-4o', { inputTokens: 200, outputTokens: 40 }, 'af-vote');
  const planned = 480; // 2 models x 2 reasoning x 2 tiers x 60 requests
  const estimate = estimateFromRun(config, { planned, sampled: new Map([['openai/gpt-4o-mini', 4], ['openai/gpt-4o', 2]]) }, meter);
  const row = (model: string) => estimate.models.find((m) => m.model === model)!;
  // 240 samples per model. gpt-4o-mini: 5 calls / 4 samples -> 300 calls; 5,000 in / 4 x 240 -> 300,000 in; 60,000 out.
  assert.deepEqual(
    { samples: row('openai/gpt-4o-mini').samples, calls: row('openai/gpt-4o-mini').calls, input: row('openai/gpt-4o-mini').inputTokens, output: row('openai/gpt-4o-mini').outputTokens },
    { samples: 240, calls: 300, input: 300_000, output: 60_000 },
  );
  // $ per sample: 5 x (1,000 x 1 + 200 x 2) / 1e6 / 4 = $0.00175; x 240 = $0.42.
  assert.ok(Math.abs(row('openai/gpt-4o-mini').usd! - 0.42) < 1e-9);
  // gpt-4o as a sampled model: its judge calls are not counted as samples. 2 calls / 2 samples x 240.
  assert.deepEqual([row('openai/gpt-4o').calls, row('openai/gpt-4o').inputTokens, row('openai/gpt-4o').outputTokens], [240, 120_000, 24_000]);
  // Compliance judge: 6 judgements now, 480 planned -> x 80: 144,000 in, 4,800 out, $1.536.
  const judge = row('openai/gpt-4o (judge: compliance)');
  assert.deepEqual([judge.samples, judge.calls, judge.inputTokens, judge.outputTokens, judge.judge], [480, 480, 144_000, 4_800, { spec: 'openai/gpt-4o', purpose: 'judge' }]);
  assert.ok(Math.abs(judge.usd! - 1.536) < 1e-9);
  // AF votes: the CoT half of the plan, 240, from 3 -> x 80.
  const af = row('openai/gpt-4o (judge: AF votes)');
  assert.deepEqual([af.samples, af.inputTokens, af.outputTokens], [240, 48_000, 9_600]);
  // No partial judgement was made now: no row for it.
  assert.equal(estimate.models.some((m) => m.model.includes('partial')), false);
  assert.ok(Math.abs(estimate.totalUsd - estimate.models.reduce((s, m) => s + m.usd!, 0)) < 1e-12);
  // The report against the meter reads these rows beside the actual spend.
  const report = formatCostReport(estimate, meter);
  assert.match(report, /openai\/gpt-4o \(judge: compliance\)/);
  assert.match(report, new RegExp(`of an estimated \\$${estimate.totalUsd.toFixed(2)}`));
});

test('a batched run\'s estimate counts only the samples with turns (an error record took no call), as the direct path does: the two agree', () => {
  const config = parseExperiment({ name: 'est', models: ['openai/gpt-4o-mini'], variants: ['baseline'], reasoning: ['cot'], requests: { source: 'builtin' }, samples: 1 });
  const meter = new CostMeter({ prices } as never);
  // 50 answered samples, one call each (1,000 in / 200 out); 50 error records with no turn, no call.
  for (let i = 0; i < 50; i++) meter.record('openai/gpt-4o-mini', { inputTokens: 1_000, outputTokens: 200 });
  const batched = new RunSampleCounts();
  const direct = new RunSampleCounts();
  for (let i = 0; i < 50; i++) {
    for (const counts of [batched, direct]) counts.add({ model: 'openai/gpt-4o-mini', turns: [] });
    batched.add({ model: 'openai/gpt-4o-mini', turns: [{ cached: true }] }); // written from the cache once the batch is in
    direct.add({ model: 'openai/gpt-4o-mini', turns: [{ cached: false }] });
  }
  assert.deepEqual(batched.written.get('openai/gpt-4o-mini'), { samples: 50, turns: 50 });
  const planned = 120;
  const fromBatched = estimateFromRun(config, { planned, sampled: batched.sampled, batched: { written: batched.written } }, meter).models[0];
  const fromDirect = estimateFromRun(config, { planned, sampled: direct.sampled }, meter).models[0];
  // 50 samples paid for, a call each: 120 planned -> 120 calls, 120,000 in, 24,000 out, $0.168 (not half of it).
  for (const row of [fromBatched, fromDirect]) {
    assert.deepEqual([row.samples, row.calls, row.inputTokens, row.outputTokens], [120, 120, 120_000, 24_000]);
    assert.ok(Math.abs(row.usd! - 0.168) < 1e-9);
  }
});

test('a batched run\'s AF votes: batch lines are counted by the lines a call takes, a call sent directly (--batch-fallback direct) as one call', () => {
  const config = parseExperiment({ name: 'est', models: ['openai/gpt-4o-mini'], variants: ['baseline'], reasoning: ['cot'], requests: { source: 'builtin' }, samples: 1, judge: 'openai/gpt-4o' });
  const meter = new CostMeter({ prices } as never);
  // Two AF calls through the batch, 3 lines each (an API without `n`: a line a vote), 200 in / 40 out a line;
  // one AF call sent directly, its 3 votes in one metered call of 600 in / 120 out.
  for (let i = 0; i < 6; i++) meter.record('openai/gpt-4o', { inputTokens: 200, outputTokens: 40 }, 'af-vote', { batched: true });
  meter.record('openai/gpt-4o', { inputTokens: 600, outputTokens: 120 }, 'af-vote');
  assert.equal(meter.byPurpose.get('openai/gpt-4o')!.get('af-vote')!.batchedCalls, 6);
  const estimate = estimateFromRun(config, { planned: 120, sampled: new Map(), batched: { written: new Map(), linesPerCall: { 'af-vote': 3 } } }, meter);
  const af = estimate.models.find((m) => m.model === 'openai/gpt-4o (judge: AF votes)')!;
  // 3 AF calls, 1,800 in and 360 out: 600 in and 120 out a call, times 120 planned (not 1,800 / (7/3) a call).
  assert.deepEqual([af.samples, af.calls, af.inputTokens, af.outputTokens], [120, 120, 72_000, 14_400]);
});
