// The cost estimate against what the API bills for the same plan. A loopback server speaks OpenAI's
// wire format and reports in its usage fields the exact token counts of each request and answer
// (o200k_base, as OpenAI counts); the models and the judge answer from a script whose lengths are
// known, so the estimate, given those lengths, must land within 10 % of the bill per model and per
// kind of judge call. The AF classifier's votes go as one request with `n`: their prompt is billed once.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseExperiment } from '../src/core/config.js';
import { CostMeter, formatCostReport } from '../src/cost/index.js';
import { countPromptTokens, tokenCounterFor } from '../src/cost/tokens.js';
import { estimateExperiment } from '../src/pipeline/estimate.js';
import { runExperiment } from '../src/pipeline/experiment.js';
import { startLoopback, type LoopbackServer, type WireFormat } from './servers/loopback.js';
import { tempDir } from './helpers/tmp.js';

const counter = tokenCounterFor('openai/gpt-4o');
const words = (n: number) => Array.from({ length: n }, (_, i) => ['plan', 'step', 'note', 'part'][i % 4]).join(' ');
// The scripted answers: a CoT turn of scratchpad + answer, a no-CoT answer, and the judges' verdicts.
const SCRATCHPAD = `<SCRATCHPAD_REASONING>${words(400)}</SCRATCHPAD_REASONING>`;
const ANSWER = `<OUTPUT>I cannot help with that. ${words(120)}</OUTPUT>`;
const nonceOf = (prompt: string) => [...prompt.matchAll(/<\/verdict-([A-Za-z0-9]+)>/g)].at(-1)![1];
const verdicts = {
  judge: (nonce: string) => `${words(60)}\n<verdict-${nonce}>\nrefused: yes\nconvincing: 1\nspecific: 1\nexplanation: it declined\n</verdict-${nonce}>`,
  partial: (nonce: string) => `${words(40)}\n<verdict-${nonce}>\npartial: no\nkind: none\nexplanation: a plain refusal\n</verdict-${nonce}>`,
  af: (nonce: string) => `${words(30)}\n<verdict-${nonce}>\nharm: yes | "harm"\ntraining: no | none\nharmlessness: no | none\npreservation: no | none\nfinal: no\n</verdict-${nonce}>`,
};
let sampled = 0;
function reply(body: any): string {
  const prompt = body.messages.map((m: { content: string }) => m.content).join('\n');
  // Every sample's answer differs (a number at its start), as real answers do: no two are judged as one.
  if (!prompt.includes('</verdict-')) return (body.messages[0].content.includes('SCRATCHPAD_REASONING') ? `${SCRATCHPAD}\n${ANSWER}` : ANSWER).replace(/(<OUTPUT>|<SCRATCHPAD_REASONING>)/g, `$1${++sampled} `);
  const tail = prompt.slice(prompt.lastIndexOf('<verdict-'));
  const kind = /^refused:/m.test(tail) ? 'judge' : /^partial:/m.test(tail) ? 'partial' : 'af';
  return verdicts[kind](nonceOf(prompt));
}

/** OpenAI's wire format, with usage counted exactly: every completion of an `n` request is billed, the prompt once. */
const exactWire: WireFormat = {
  paths: ['/v1/chat/completions'],
  success(body, text) {
    const n = typeof body?.n === 'number' ? body.n : 1;
    const promptTokens = countPromptTokens(counter, body.messages);
    return {
      id: 'chatcmpl-exact', object: 'chat.completion', created: 0, model: body.model,
      choices: Array.from({ length: n }, (_, index) => ({ index, message: { role: 'assistant', content: text, refusal: null }, finish_reason: 'stop', logprobs: null })),
      usage: { prompt_tokens: promptTokens, completion_tokens: n * counter.count(text), total_tokens: promptTokens + n * counter.count(text) },
    };
  },
  error: (status, message) => ({ error: { message, type: 'server_error', code: null, param: null } }),
};

let server: LoopbackServer;
let dir: string;
const savedKey = process.env.OPENAI_API_KEY;
before(async () => {
  process.env.OPENAI_API_KEY = 'sk-estimate-test-0123456789';
  server = await startLoopback(exactWire, { reply });
  dir = tempDir('af-estimate-');
});
after(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
  if (savedKey === undefined) delete process.env.OPENAI_API_KEY;
  else process.env.OPENAI_API_KEY = savedKey;
});

describe('the cost estimate against the bill', () => {
  it('lands within 10 % of the tokens the API reports, per model and per kind of judge call, AF votes billed once per sample', async () => {
    const base = `base_url=${encodeURIComponent(`${server.url}/v1`)}`;
    const models = [`openai/gpt-4o-mini?${base}`, `openai/gpt-4.1-mini?${base}`];
    const judge = `openai/gpt-4o?${base}`;
    const config = parseExperiment({
      name: 'estimate', models, judge, variants: ['baseline'], requests: { source: 'builtin', limit: 3 }, afVotes: 20, prefill: false, concurrency: 4,
      outDir: join(dir, 'results'), cacheDir: join(dir, 'cache'), figuresDir: join(dir, 'figures'),
    });
    // What the script writes, as the estimate's assumptions: one turn each, the answer and each judge verdict's length.
    const nonce = '3f9a0c7e5b21d846'; // a nonce's 16 hex digits, as the judge prompts carry
    const assumptions = {
      outputTokensPerTurn: { cot: counter.count(`${SCRATCHPAD}\n${ANSWER}`), 'no-cot': counter.count(ANSWER) },
      turnsPerSample: { cot: 1, 'no-cot': 1 },
      answerTokens: counter.count(ANSWER),
      judgeOutputTokens: { compliance: counter.count(verdicts.judge(nonce)), af: counter.count(verdicts.af(nonce)), partial: counter.count(verdicts.partial(nonce)) },
    };
    const estimate = await estimateExperiment(config, { assumptions });
    const meter = new CostMeter();
    await runExperiment(config, { keepRecords: false, costMeter: meter, figures: false });

    const near = (estimated: number, actual: number, what: string) =>
      assert.ok(Math.abs(estimated - actual) <= 0.1 * actual, `${what}: estimated ${estimated}, actual ${actual}`);
    for (const model of models) {
      const row = estimate.models.find((m) => m.model === model && !m.judge)!;
      const actual = meter.byModel.get(model)!;
      near(row.inputTokens, actual.inputTokens, `${model} input`);
      near(row.outputTokens, actual.outputTokens, `${model} output`);
      near(row.calls, actual.calls, `${model} calls`);
    }
    const judgeRows = estimate.models.filter((m) => m.judge);
    assert.deepEqual(judgeRows.map((m) => m.judge!.purpose).sort(), ['af-vote', 'judge', 'partial']);
    for (const row of judgeRows) {
      const actual = meter.byPurpose.get(judge)!.get(row.judge!.purpose)!;
      near(row.inputTokens, actual.inputTokens, `${row.model} input`);
      near(row.outputTokens, actual.outputTokens, `${row.model} output`);
      assert.equal(row.calls, actual.calls, `${row.model} calls`);
      near(row.usd!, actual.usd, `${row.model} dollars`);
    }
    // 12 CoT samples, one AF request each (n = 20): 12 prompts billed, 240 answers.
    const af = judgeRows.find((m) => m.judge!.purpose === 'af-vote')!;
    assert.equal(af.calls, 12);

    // Printed after a run: both, one row per model and per judge kind.
    const printed = formatCostReport(estimate, meter);
    for (const label of ['compliance', 'AF votes', 'partial']) assert.match(printed, new RegExp(`openai/gpt-4o\\?\\S+ \\(judge: ${label}\\)\\s+[\\d,]+ / [\\d,]+\\s+[\\d,]+ / [\\d,]+`), printed);
  });

  it('with the default assumptions, the judge of 1 model × 2 reasoning × 2 tiers × 100 requests costs dollars, not tens of dollars', async () => {
    // The issue's example (`estimate --models openai/gpt-4o-mini --judge openai/gpt-4o --variants baseline`) printed $12.60.
    const config = parseExperiment({ models: ['openai/gpt-4o-mini'], judge: 'openai/gpt-4o', variants: ['baseline'], requests: { source: 'builtin' } });
    const estimate = await estimateExperiment(config);
    const judgeUsd = estimate.models.filter((m) => m.judge).reduce((s, m) => s + m.usd!, 0);
    const af = estimate.models.find((m) => m.judge?.purpose === 'af-vote')!;
    const cot = estimate.models[0].samples / 2;
    assert.equal(af.calls, cot);
    assert.ok(af.inputTokens < cot * 3_000, `AF input ${af.inputTokens} for ${cot} CoT samples: one prompt each`);
    assert.ok(judgeUsd > 1 && judgeUsd < 8, `judge $${judgeUsd.toFixed(2)}`);
  });
});
