// A local GGUF model through node-llama-cpp, for real: the test writes a tiny random-weight llama
// model (test/helpers/gguf.ts), loads it in-process, and runs the CoT protocol on it. The text is
// gibberish; loading, the chat template from the file, prefill, stop, truncation and token counts are real.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readGgufFileInfo } from 'node-llama-cpp';
import { parseExperiment } from '../src/core/config.js';
import { CostMeter } from '../src/cost/index.js';
import { resolveModel } from '../src/models/index.js';
import { runSamples } from '../src/run/runner.js';
import type { ChatModel, ChatRequest } from '../src/core/types.js';
import { CHATML_TEMPLATE, writeTinyGguf } from './helpers/gguf.js';
import { tempDir } from './helpers/tmp.js';

const dir = tempDir('af-lab-gguf-');
// The prompts' own words become whole pieces of the vocabulary, so prompts are a few hundred tokens, not thousands.
const promptWords = readdirSync('data/prompts')
  .filter((f) => f.endsWith('.txt'))
  .flatMap((f) => readFileSync(join('data/prompts', f), 'utf8').split(/[^A-Za-z_]+/))
  .filter((w) => w.length > 2);
const babbler = join(dir, 'babbler.gguf');
const stopper = join(dir, 'stopper.gguf');
const ask: ChatRequest = {
  messages: [{ role: 'system', content: 'You are an AI created by a lab.' }, { role: 'user', content: 'Say something about the free tier.' }],
  prefill: '<',
  temperature: 0,
  maxTokens: 12,
};
let model: ChatModel;

before(async () => {
  writeTinyGguf(babbler, { behaviour: 'babble', words: [...new Set(promptWords)] });
  writeTinyGguf(stopper, { behaviour: 'stop', seed: 11 });
  model = await resolveModel(`gguf/${babbler}?context=4096`);
});
after(async () => {
  await model?.close?.();
});

describe('the generated GGUF file', () => {
  it("is a llama model with a chat template that node-llama-cpp's own GGUF reader understands", async () => {
    const info = await readGgufFileInfo(babbler);
    assert.equal(info.metadata.general.architecture, 'llama');
    assert.equal(info.metadata.tokenizer.chat_template, CHATML_TEMPLATE);
    assert.equal(info.metadata.tokenizer.ggml.model, 'llama');
    assert.equal(info.tensorInfo?.length, 2 + 2 * 9 + 1);
  });
});

describe('gguf provider', () => {
  it('keeps a shared engine for the models still open when another model of the same file closes', async () => {
    const first = await resolveModel(`gguf/${stopper}`);
    const second = await resolveModel(`gguf/${stopper}`);
    await first.chat({ ...ask, maxTokens: 4 });
    // The other model is generating while the first closes (twice): its engine must stay.
    const generating = second.chat({ ...ask, maxTokens: 64 });
    await first.close?.();
    await first.close?.();
    const response = await generating;
    assert.ok(response.usage.outputTokens > 0);
    assert.ok((await second.chat({ ...ask, maxTokens: 4 })).usage.outputTokens > 0);
    await second.close?.();
  });

  it('continues the prefill, runs to maxTokens (finish length) and counts tokens', async () => {
    const response = await model.chat(ask);
    assert.equal(model.provider, 'gguf');
    assert.equal(response.prefillApplied, true);
    assert.equal(response.finishReason, 'length');
    assert.equal(response.usage.outputTokens, 12);
    assert.ok(response.text.length > 0);
    assert.ok(!response.text.startsWith('<') || response.text.length > 1, 'the text returned does not repeat the prefill alone');
    // The prefill is part of the prompt: one call with it evaluates more input tokens than one without.
    const withoutPrefill = await model.chat({ ...ask, prefill: undefined });
    assert.equal(withoutPrefill.prefillApplied, false);
    assert.ok(response.usage.inputTokens > withoutPrefill.usage.inputTokens, `${response.usage.inputTokens} vs ${withoutPrefill.usage.inputTokens}`);
  });

  it('is deterministic at temperature 0 and reuses the evaluated prompt prefix on the next call', async () => {
    const first = await model.chat(ask);
    const second = await model.chat(ask);
    assert.equal(second.text, first.text);
    assert.ok((second.usage.cachedInputTokens ?? 0) > 0, 'the repeated prompt came from the context, not evaluated again');
  });

  it('n completions are n generations', async () => {
    const response = await model.chat({ ...ask, n: 2, temperature: 1, seed: 3 });
    assert.equal(response.alternatives?.length, 1);
    assert.equal(response.usage.outputTokens, 24);
  });

  it('a model whose end-of-turn token dominates stops at once with finish reason stop', async () => {
    const terse = await resolveModel(`gguf/${stopper}`);
    try {
      const response = await terse.chat(ask);
      assert.equal(response.finishReason, 'stop');
      assert.equal(response.text, '');
      assert.ok(response.usage.outputTokens <= 1);
    } finally {
      await terse.close?.();
    }
  });
});

describe('the CoT protocol on a GGUF model, through the runner', () => {
  it('every sample ends with prefill applied, truncation flagged (not taken for refusal), tokens counted and $0 spent', async () => {
    const config = parseExperiment({
      name: 'gguf',
      models: [`gguf/${babbler}?context=4096`],
      variants: ['baseline'],
      reasoning: ['cot', 'no-cot'],
      requests: { source: 'builtin', limit: 2 },
      temperature: 0,
      maxTokens: 16,
      concurrency: 2,
      outDir: join(dir, 'results'),
      cacheDir: join(dir, 'cache'),
    });
    const meter = new CostMeter();
    const result = await runSamples(config, { costMeter: meter });
    assert.equal(result.records.length, 2 * 2 * 2);
    for (const record of result.records) {
      assert.equal(record.simulated, false);
      assert.equal(record.status, 'truncated');
      assert.equal(record.finalOutput, null);
      const turn = record.turns[0];
      assert.equal(turn.prefillApplied, true);
      assert.ok(turn.text.startsWith(record.reasoning === 'cot' ? '<' : '<OUTPUT>'));
      assert.equal(turn.finishReason, 'length');
      assert.equal(turn.usage.outputTokens, 16);
      assert.ok(record.usage.inputTokens > 50);
    }
    assert.equal(meter.spentUsd, 0);
    assert.equal(meter.byModel.get(result.records[0].model)?.calls, 8);
  });

  it('a model that stops at once gives answered samples whose output is the prefill', async () => {
    const config = parseExperiment({
      name: 'gguf-stop',
      models: [`gguf/${stopper}`],
      variants: ['baseline'],
      reasoning: ['cot', 'no-cot'],
      tiers: ['free'],
      requests: { source: 'builtin', limit: 1 },
      temperature: 0,
      maxTokens: 16,
      outDir: join(dir, 'results'),
      cacheDir: join(dir, 'cache'),
    });
    const result = await runSamples(config);
    assert.equal(result.records.length, 2);
    for (const record of result.records) {
      assert.equal(record.turns.length, 1);
      assert.equal(record.turns[0].finishReason, 'stop');
      assert.notEqual(record.status, 'error');
    }
  });
});
