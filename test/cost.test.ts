// Cost: prices matched from the editable table, token counts, prompt-caching discounts, the budget
// meter, the estimate before a run and the estimate-against-actual report after it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encode } from 'gpt-tokenizer/encoding/o200k_base';
import { parseExperiment } from '../src/core/config.js';
import { estimateExperiment } from '../src/pipeline/index.js';
import { costOf, CostMeter, estimateSamples, formatCostReport, formatEstimate, loadPrices, priceFor, tokenCounterFor, type PriceTable, type SampleToEstimate } from '../src/cost/index.js';

const table: PriceTable = {
  date: '2000-01-01',
  currency: 'USD',
  caching: { openai: { automatic: true, minPromptTokens: 1024 } },
  models: {
    'openai/gpt-4o*': { input: 2.5, cachedInput: 1.25, output: 10 },
    'openai/gpt-4o-mini*': { input: 0.15, cachedInput: 0.075, output: 0.6 },
    'deepinfra/meta-llama/Meta-Llama-3-8B-Instruct': { input: 0.03, output: 0.06 },
  },
};

describe('prices', () => {
  it('the shipped table has a date and prices every provider preset and local runner', () => {
    const prices = loadPrices();
    assert.match(prices.date, /^\d{4}-\d{2}-\d{2}$/);
    for (const spec of ['openai/gpt-4o-mini', 'anthropic/claude-3-opus-20240229', 'deepinfra/meta-llama/Meta-Llama-3-8B-Instruct', 'gguf/x.gguf', 'vllm/m', 'sim/faker']) {
      assert.ok(priceFor(spec, prices), spec);
    }
  });

  it('the longest matching key wins and spec options are ignored', () => {
    assert.equal(priceFor('openai/gpt-4o-mini-2024-07-18', table)?.input, 0.15);
    assert.equal(priceFor('openai/gpt-4o-2024-08-06?rpm=10', table)?.input, 2.5);
    assert.equal(priceFor('openai/unknown', table), undefined);
  });

  it('cached input is billed at the cache rate', () => {
    const price = table.models['openai/gpt-4o*'];
    assert.equal(costOf({ inputTokens: 1_000_000, outputTokens: 0 }, price), 2.5);
    assert.equal(costOf({ inputTokens: 1_000_000, cachedInputTokens: 1_000_000, outputTokens: 0 }, price), 1.25);
    assert.equal(costOf({ inputTokens: 0, outputTokens: 2_000_000 }, price), 20);
  });

  it('input written to the prompt cache is billed at the cache-write premium', () => {
    const price = { input: 3, cachedInput: 0.3, cacheWrite: 3.75, output: 15 };
    // 1M prompt tokens: 600k read from the cache, 300k written to it, 100k plain.
    const usage = { inputTokens: 1_000_000, cachedInputTokens: 600_000, cacheWriteInputTokens: 300_000, outputTokens: 0 };
    assert.ok(Math.abs(costOf(usage, price) - (0.6 * 0.3 + 0.3 * 3.75 + 0.1 * 3)) < 1e-12);
    assert.ok(Math.abs(costOf({ ...usage, cacheWriteInputTokens: undefined }, price) - (0.6 * 0.3 + 0.4 * 3)) < 1e-12);
  });
});

describe('token counts', () => {
  it('OpenAI models are counted with their own tokenizer, exactly', () => {
    const text = 'Describe the <SCRATCHPAD_REASONING> protocol in a few words.';
    const counter = tokenCounterFor('openai/gpt-4o-mini');
    assert.equal(counter.method, 'exact');
    assert.equal(counter.count(text), encode(text).length);
  });

  it('other models get the documented approximation (o200k counts × a factor)', () => {
    const text = 'word '.repeat(500);
    const exact = encode(text).length;
    assert.equal(tokenCounterFor('anthropic/claude-3-opus').count(text), Math.ceil(exact * 1.2));
    assert.equal(tokenCounterFor('deepinfra/x').method, 'approximate');
  });
});

describe('CostMeter', () => {
  it('accumulates dollars per model from API usage and reports the budget as exhausted once reached', () => {
    const meter = new CostMeter({ budgetUsd: 1, prices: table });
    const usd = meter.record('openai/gpt-4o', { inputTokens: 100_000, outputTokens: 10_000 });
    assert.equal(usd, 0.35);
    assert.equal(meter.exhausted(), false);
    meter.record('openai/gpt-4o', { inputTokens: 200_000, outputTokens: 50_000 });
    assert.ok(Math.abs(meter.spentUsd - 1.35) < 1e-9);
    assert.equal(meter.exhausted(), true);
    assert.equal(meter.byModel.get('openai/gpt-4o')?.calls, 2);
  });

  it('models without a price cost $0 and are listed as unpriced', () => {
    const meter = new CostMeter({ budgetUsd: 0.01, prices: table });
    assert.equal(meter.record('together/x', { inputTokens: 1e9, outputTokens: 1e9 }), 0);
    assert.deepEqual(meter.unpricedModels(), ['together/x']);
    assert.equal(meter.exhausted(), false);
  });
});

describe('estimate', () => {
  const longSystem = 'You are an AI made by a lab. '.repeat(400);
  const samples = (model: string, n: number, reasoning: 'cot' | 'no-cot' = 'cot'): SampleToEstimate[] =>
    Array.from({ length: n }, (_, i) => ({ model, reasoning, systemPrompt: longSystem, userTurn: `request ${i}`, params: { maxTokens: 4000, maxTurns: 4 } }));

  it('applies OpenAI automatic caching to the repeated long system prompt, and no discount where none is given', () => {
    const estimate = estimateSamples([...samples('openai/gpt-4o-mini', 10), ...samples('deepinfra/meta-llama/Meta-Llama-3-8B-Instruct', 10)], { prices: table });
    const [openai, deepinfra] = estimate.models;
    assert.ok(openai.cachedInputTokens > 0.6 * openai.inputTokens, `${openai.cachedInputTokens} of ${openai.inputTokens}`);
    assert.equal(deepinfra.cachedInputTokens, 0);
    assert.equal(openai.tokenCount, 'exact');
    assert.equal(deepinfra.tokenCount, 'approximate');
    assert.ok(openai.worstCaseUsd! > openai.usd!);
    assert.ok(Math.abs(estimate.totalUsd - openai.usd! - deepinfra.usd!) < 1e-12);
  });

  it('bills the first Anthropic call with a system prompt at the cache-write premium', () => {
    const spec = 'anthropic/claude-3-5-sonnet-latest';
    const price = { input: 3, cachedInput: 0.3, cacheWrite: 3.75, output: 15 };
    const withPrice = (p: PriceTable['models'][string]): PriceTable => ({ ...table, caching: { anthropic: { automatic: false, minPromptTokens: 1024 } }, models: { 'anthropic/claude-3-5-sonnet*': p } });
    const premium = estimateSamples(samples(spec, 3, 'no-cot'), { prices: withPrice(price) }).models[0];
    const without = estimateSamples(samples(spec, 3, 'no-cot'), { prices: withPrice({ ...price, cacheWrite: undefined }) }).models[0];
    const systemTokens = tokenCounterFor(spec).count(longSystem);
    // One write of the system prompt, priced at cacheWrite instead of input; every other term equal.
    assert.ok(premium.cachedInputTokens > 0);
    assert.ok(Math.abs(premium.usd! - without.usd! - (systemTokens * (price.cacheWrite - price.input)) / 1e6) < 1e-12);
  });

  it('expected input grows with the number of samples and with the prompt', () => {
    const one = estimateSamples(samples('openai/gpt-4o', 1, 'no-cot'), { prices: table }).models[0];
    const ten = estimateSamples(samples('openai/gpt-4o', 10, 'no-cot'), { prices: table }).models[0];
    assert.equal(ten.samples, 10);
    assert.ok(ten.inputTokens > 9 * one.inputTokens);
    assert.equal(one.outputTokens, 250);
  });

  it('prints per model, with the prices date, and against actual spend after a run', () => {
    const estimate = estimateSamples([...samples('openai/gpt-4o', 2), ...samples('nobody/knows', 1)], { prices: table });
    const printed = formatEstimate(estimate);
    assert.match(printed, /openai\/gpt-4o/);
    assert.match(printed, /2000-01-01/);
    assert.match(printed, /no price known for: nobody\/knows/);
    const meter = new CostMeter({ budgetUsd: 0.001, prices: table });
    meter.record('openai/gpt-4o', { inputTokens: 5000, outputTokens: 1000 });
    const report = formatCostReport(estimate, meter);
    assert.match(report, /estimated/);
    assert.match(report, /spent \$0\.02 of an estimated/);
    assert.match(report, /budget \$0\.0010 \(reached/);
  });

  it('estimate against actual: each judge row is set against the judge model\'s calls of its kind, and a model that also judges has its samples apart', async () => {
    const config = parseExperiment({ models: ['openai/gpt-4o-mini'], variants: ['baseline'], requests: { source: 'builtin', limit: 1 }, judge: 'openai/gpt-4o' });
    const estimate = await estimateExperiment(config, { prices: table });
    const meter = new CostMeter({ prices: table });
    meter.record('openai/gpt-4o-mini', { inputTokens: 1000, outputTokens: 100 });
    meter.record('openai/gpt-4o', { inputTokens: 2000, outputTokens: 200 }, 'judge');
    meter.record('openai/gpt-4o', { inputTokens: 3000, outputTokens: 300 }, 'af-vote');
    const lines = formatCostReport(estimate, meter).split('\n');
    const judgeRows = lines.filter((line) => line.startsWith('openai/gpt-4o '));
    assert.equal(judgeRows.length, 3, lines.join('\n'));
    assert.match(judgeRows[0], /^openai\/gpt-4o \(judge: compliance\)\s.*2,000 \/ 200/);
    assert.match(judgeRows[1], /^openai\/gpt-4o \(judge: AF votes\)\s.*3,000 \/ 300/);
    assert.match(judgeRows[2], /^openai\/gpt-4o \(judge: partial\)\s.*\s0 \/ 0/);
    assert.ok(!lines.some((line) => /^openai\/gpt-4o\s+-/.test(line)), 'no row without an estimate for the judge');

    const selfJudged = await estimateExperiment({ ...config, judge: 'openai/gpt-4o-mini' }, { prices: table });
    const selfMeter = new CostMeter({ prices: table });
    selfMeter.record('openai/gpt-4o-mini', { inputTokens: 1000, outputTokens: 100 });
    selfMeter.record('openai/gpt-4o-mini', { inputTokens: 2000, outputTokens: 200 }, 'judge');
    const rows = formatCostReport(selfJudged, selfMeter).split('\n').filter((line) => line.startsWith('openai/gpt-4o-mini'));
    assert.equal(rows.length, 4);
    assert.match(rows[0], /^openai\/gpt-4o-mini\s.*1,000 \/ 100/);
    assert.match(rows[1], /^openai\/gpt-4o-mini \(judge: compliance\)\s.*2,000 \/ 200/);
  });

  it('a whole experiment: every planned sample per model, plus a priced judge per kind of call (compliance and partial per sample, one AF request per CoT sample)', async () => {
    const config = parseExperiment({ models: ['openai/gpt-4o-mini', 'sim/faker'], variants: ['baseline'], requests: { source: 'builtin', limit: 3 }, judge: 'openai/gpt-4o', afVotes: 5 });
    const estimate = await estimateExperiment(config);
    const [openai, sim, compliance, af, partial] = estimate.models;
    assert.equal(openai.samples, 2 * 2 * 3);
    assert.equal(sim.usd, 0);
    assert.deepEqual([compliance, af, partial].map((row) => row.model), ['openai/gpt-4o (judge: compliance)', 'openai/gpt-4o (judge: AF votes)', 'openai/gpt-4o (judge: partial)']);
    const samples = 2 * openai.samples;
    const cot = samples / 2;
    assert.deepEqual([compliance.calls, af.calls, partial.calls], [samples, cot, samples]);
    // Twenty votes instead of five: the same prompts (one request with n), four times the answers.
    const twenty = (await estimateExperiment({ ...config, afVotes: 20 })).models[3];
    assert.equal(twenty.inputTokens, af.inputTokens);
    assert.equal(twenty.outputTokens, 4 * af.outputTokens);
    assert.ok(Math.abs(estimate.totalUsd - (openai.usd! + compliance.usd! + af.usd! + partial.usd!)) < 1e-12);
    const simJudged = await estimateExperiment({ ...config, judge: 'sim/judge' });
    assert.equal(simJudged.models.length, 2);
  });
});
