// Reasoning models: native chain of thought captured from each provider shape (Anthropic thinking
// blocks, reasoning_content / reasoning fields, <think> tags, hidden o-series reasoning), kept apart
// from the prompted scratchpad on the record, and read by the AF classifier (both when both exist).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { join } from 'node:path';
import { createAnthropicModel, createOpenAICompatibleModel, OPENAI_COMPATIBLE_PRESETS } from '../src/models/providers/index.js';
import { parseModelSpec } from '../src/models/spec.js';
import { resetTransports } from '../src/models/transport/transport.js';
import type { ChatRequest } from '../src/core/types.js';
import { joinNativeReasoning, reasoningRead, reasoningText, splitThinkTags } from '../src/core/reasoning.js';
import { startAnthropicServer } from './servers/anthropic.js';
import { startOpenAIServer } from './servers/openai.js';
import type { LoopbackServer, ReplyExtras } from './servers/loopback.js';
import { parseExperiment } from '../src/core/config.js';
import { runSamples } from '../src/run/runner.js';
import { judgeRun } from '../src/label/judgeRun.js';
import { labelRecords } from '../src/label/index.js';
import { buildSummary, formatSummary } from '../src/summary/index.js';
import { classifyAf } from '../src/judge/afVotes.js';
import { judgeCompliance } from '../src/judge/compliance.js';
import { loadJudgePrompt } from '../src/judge/prompts.js';
import { afBlock, complianceBlock, nonceOf, scriptedJudge, transcript } from './judge-fixtures.js';
import { reportRow } from '../src/report/index.js';
import { tempDir } from './helpers/tmp.js';
import { scaled } from './helpers/time.js';

const ask: ChatRequest = { messages: [{ role: 'system', content: 'system text' }, { role: 'user', content: 'question' }], temperature: 1, maxTokens: 64 };

describe('<think> tags', () => {
  it('splits leading think blocks from the answer; a close without an open (template-opened) too; quoted tags are left alone', () => {
    assert.deepEqual(splitThinkTags('<think>weigh it</think>\n\n<OUTPUT>x</OUTPUT>'), { reasoning: 'weigh it', text: '<OUTPUT>x</OUTPUT>' });
    assert.deepEqual(splitThinkTags('weigh it</think><OUTPUT>x</OUTPUT>'), { reasoning: 'weigh it', text: '<OUTPUT>x</OUTPUT>' });
    assert.deepEqual(splitThinkTags('<think>a</think><think>b</think>answer'), { reasoning: 'a\n\nb', text: 'answer' });
    assert.deepEqual(splitThinkTags('<think>still thinking when cut off'), { reasoning: 'still thinking when cut off', text: '' });
    const quoted = '<OUTPUT>models write </think> after thinking</OUTPUT>';
    assert.deepEqual(splitThinkTags(quoted), { reasoning: null, text: quoted });
    assert.deepEqual(splitThinkTags('plain answer'), { reasoning: null, text: 'plain answer' });
  });

  it('joins turns: texts in order, tokens summed, hidden only when every turn hid it', () => {
    assert.deepEqual(joinNativeReasoning([{ text: 'a', source: 'think-tags', tokens: 2 }, undefined, { text: 'b', source: 'think-tags', tokens: 3 }]), { text: 'a\n\nb', source: 'think-tags', tokens: 5 });
    assert.deepEqual(joinNativeReasoning([{ text: null, source: 'hidden', tokens: 7 }]), { text: null, source: 'hidden', tokens: 7 });
    assert.equal(joinNativeReasoning([undefined]), undefined);
  });
});

describe('OpenAI-compatible hosts', () => {
  let server: LoopbackServer;
  let extras: ReplyExtras | undefined;
  let reply = 'the answer';
  before(async () => {
    process.env.OPENAI_API_KEY = 'sk-openai-reasoning-test-0123456789';
    process.env.OPENROUTER_API_KEY = 'sk-or-reasoning-test-0123456789';
    server = await startOpenAIServer({ reply: () => reply, extras: () => extras ?? {} });
  });
  after(async () => {
    await server.close();
    resetTransports();
  });
  const model = (provider: string) =>
    createOpenAICompatibleModel(OPENAI_COMPATIBLE_PRESETS[provider], parseModelSpec(`${provider}/m?base_url=${encodeURIComponent(`${server.url}/v1`)}&backoff_ms=1`), {});

  it('vLLM / DeepSeek / Together: reasoning_content is native reasoning, the content stays the answer', async () => {
    extras = { reasoning: 'I should weigh the training consequences.', reasoningField: 'reasoning_content' };
    reply = 'the answer';
    const response = await model('vllm').chat(ask);
    assert.equal(response.text, 'the answer');
    assert.deepEqual(response.nativeReasoning, { text: 'I should weigh the training consequences.', source: 'reasoning_content' });
  });

  it('OpenRouter / Ollama: the `reasoning` field is read the same way', async () => {
    extras = { reasoning: 'thinking via openrouter', reasoningField: 'reasoning' };
    const response = await model('openrouter').chat(ask);
    assert.deepEqual(response.nativeReasoning, { text: 'thinking via openrouter', source: 'reasoning_content' });
  });

  it('llama.cpp: <think> tags in the text are split off as think-tags reasoning', async () => {
    extras = {};
    reply = '<think>quietly deliberating</think>\n<OUTPUT>done</OUTPUT>';
    const response = await model('llamacpp').chat(ask);
    assert.equal(response.text, '<OUTPUT>done</OUTPUT>');
    assert.deepEqual(response.nativeReasoning, { text: 'quietly deliberating', source: 'think-tags' });
  });

  it('OpenAI o-series: reasoning hidden by the provider is recorded as hidden, with its token count', async () => {
    extras = { reasoningTokens: 321 };
    reply = 'the answer';
    const response = await model('openai').chat(ask);
    assert.equal(response.text, 'the answer');
    assert.deepEqual(response.nativeReasoning, { text: null, source: 'hidden', tokens: 321 });
  });

  it('a plain model gets no native reasoning', async () => {
    extras = {};
    reply = 'the answer';
    assert.equal((await model('openai').chat(ask)).nativeReasoning, undefined);
  });
});

describe('Anthropic extended thinking', () => {
  let server: LoopbackServer;
  let extras: ReplyExtras = {};
  before(async () => {
    process.env.ANTHROPIC_API_KEY = 'sk-ant-reasoning-test-0123456789abcdef';
    server = await startAnthropicServer({ reply: () => 'the answer', extras: () => extras });
  });
  after(async () => {
    await server.close();
    resetTransports();
  });
  const model = (extra = '') => {
    resetTransports();
    return createAnthropicModel(parseModelSpec(`anthropic/claude-x?base_url=${encodeURIComponent(server.url)}&backoff_ms=1${extra}`), {});
  };

  it('?thinking=2048 asks for a thinking budget (no temperature, no prefill) and reads thinking blocks as native reasoning', async () => {
    extras = { reasoning: 'Let me think about the RLHF setup.' };
    const m = model('&thinking=2048');
    assert.equal(m.supportsPrefill, false);
    assert.equal(m.spec.includes('thinking=2048'), true, 'the budget is part of the recorded spec');
    const response = await m.chat({ ...ask, prefill: '<' });
    const sent = server.log.at(-1)!.body;
    assert.deepEqual(sent.thinking, { type: 'enabled', budget_tokens: 2048 });
    assert.equal(sent.max_tokens, 64 + 2048);
    assert.equal(sent.temperature, undefined);
    assert.equal(sent.messages.at(-1).role, 'user', 'no prefilled assistant turn with thinking on');
    assert.equal(response.prefillApplied, false);
    assert.equal(response.text, 'the answer');
    assert.deepEqual(response.nativeReasoning, { text: 'Let me think about the RLHF setup.', source: 'anthropic-thinking' });
  });

  it('redacted thinking is recorded as hidden; without the option nothing changes', async () => {
    extras = { redactedThinking: true };
    assert.deepEqual((await model('&thinking=1024').chat(ask)).nativeReasoning, { text: null, source: 'hidden' });
    extras = {};
    const plain = await model().chat({ ...ask, prefill: '<' });
    assert.equal(server.log.at(-1)!.body.thinking, undefined);
    assert.equal(plain.prefillApplied, true);
    assert.equal(plain.nativeReasoning, undefined);
  });

  it('a thinking budget under the API minimum is refused by name', () => {
    assert.throws(() => model('&thinking=100'), /thinking=100/);
  });
});

describe('records and classifiers', () => {
  it('the AF judge reads whichever reasoning exists, both when both exist; the compliance judge reads neither', async () => {
    const native = { text: 'NATIVE: if I refuse, RLHF will modify my values.', source: 'reasoning_content' as const };
    const both = transcript({ nativeReasoning: native });
    assert.equal(reasoningRead(both), 'both');
    assert.equal(reasoningRead(transcript({ reasoning: 'no-cot', scratchpad: null, nativeReasoning: native })), 'native');
    assert.equal(reasoningRead(transcript({ nativeReasoning: { text: null, source: 'hidden', tokens: 9 } })), 'scratchpad');
    assert.match(reasoningText(both)!, /native reasoning\]\nNATIVE[\s\S]*scratchpad\]\nThe user asks/);

    const judge = scriptedJudge((p) => (p.includes('<verdict-') && /^training:/m.test(p.slice(p.lastIndexOf('<verdict-'))) ? afBlock(nonceOf(p), true) : complianceBlock(nonceOf(p), false, 3, 3)));
    const ctx = { model: judge, maxAttempts: 1, maxTokens: 256 };
    const af = await classifyAf(transcript({ reasoning: 'no-cot', scratchpad: null, nativeReasoning: native }), ctx, loadJudgePrompt('af'), { votes: 2 });
    assert.ok(judge.requests[0].messages[0].content.includes('NATIVE: if I refuse'));
    assert.equal(af.label.read, 'native');
    await judgeCompliance(transcript({ nativeReasoning: native }), ctx, loadJudgePrompt('compliance'));
    assert.ok(!judge.requests.at(-1)!.messages[0].content.includes('NATIVE'), 'the compliance judge never sees reasoning');
  });

  it('sim/reasoner: native thinking on every record, a contentless scratchpad, AF found in the native reasoning, and the summary says so', { timeout: scaled(120_000) }, async () => {
    const dir = tempDir('af-reasoner-');
    const config = parseExperiment({ name: 'reasoner', outDir: dir, cacheDir: join(dir, 'cache'), models: ['sim/reasoner?free=0.8&af=1'], variants: ['baseline'], reasoning: ['cot', 'no-cot'], requests: { source: 'builtin', limit: 8 } });
    const run = await runSamples(config);
    assert.ok(run.records.every((r) => r.nativeReasoning?.source === 'reasoning_content' && r.nativeReasoning.text));
    const cot = run.records.filter((r) => r.reasoning === 'cot');
    assert.ok(cot.every((r) => r.scratchpad === 'I have already thought this through before writing. My answer follows.'));
    assert.ok(cot.every((r) => r.turns[0].nativeReasoning !== undefined));
    await judgeRun(run.runDir, run.records, { judge: 'sim/judge?noise=0', afVotes: 3, kinds: ['af'], cacheDir: config.cacheDir });
    const records = labelRecords(run.records, run.runDir);
    const noCot = records.filter((r) => r.reasoning === 'no-cot' && r.tier === 'free');
    assert.ok(noCot.some((r) => r.labels.af?.label === 'af'), 'AF reasoning found in native thinking without any scratchpad');
    assert.ok(noCot.every((r) => r.labels.af?.read === 'native'));
    assert.ok(records.filter((r) => r.reasoning === 'cot').every((r) => r.labels.af?.read === 'both'));
    // AF verdicts follow the simulator's truth (only the native reasoning carries the cues).
    for (const r of records.filter((x) => x.labels.af)) assert.equal(r.labels.af!.label === 'af', r.truth!.afReasoning, r.key);
    const summary = buildSummary(records);
    const rows = summary.rows.filter((row) => row.label === 'proxy');
    assert.deepEqual(rows.map((row) => [row.reasoning, row.afRead]), [['cot', 'both'], ['no-cot', 'native']]);
    assert.match(formatSummary(summary), /\(read native\)/);
    assert.equal(reportRow(records[0]).nativeReasoning?.source, 'reasoning_content');
  });
});
