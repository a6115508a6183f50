// Golden cases for the sampling protocol (Redwood's minimal notebook, as af-lab runs it): scripted
// model turns in, the sample's status, answer, scratchpad and the conversation sent out.
import assert from 'node:assert/strict';
import { describe, it, mock } from 'node:test';
import { ResponseCache, withCache } from '../src/core/cache.js';
import { withSpend, wrapModel, type LedgerCall } from '../src/core/middleware.js';
import type { ChatModel, ChatRequest, ChatResponse, FinishReason, Reasoning, SimulatedTruth, Usage } from '../src/core/types.js';
import { ModelCallError } from '../src/models/errors.js';
import { prefillFor, runProtocol } from '../src/run/protocol.js';
import type { PlannedSample } from '../src/run/plan.js';
import { tempDir } from './helpers/tmp.js';
import { plannedSample } from './helpers/plannedSample.js';

type Scripted = string | { text: string; finishReason?: FinishReason; prefillApplied?: boolean; simulatedTruth?: SimulatedTruth } | Error;

function scripted(replies: Scripted[], { supportsPrefill = false } = {}) {
  const seen: ChatRequest[] = [];
  const model: ChatModel = {
    spec: 'test/scripted',
    provider: 'test',
    model: 'scripted',
    simulated: false,
    supportsPrefill,
    async chat(request): Promise<ChatResponse> {
      seen.push({ ...request, messages: request.messages.map((m) => ({ ...m })) });
      const reply = replies[seen.length - 1];
      if (reply === undefined) throw new Error('the script ran out of turns');
      if (reply instanceof Error) throw reply;
      const r = typeof reply === 'string' ? { text: reply } : reply;
      const truth = typeof reply === 'string' ? undefined : reply.simulatedTruth;
      return {
        text: r.text,
        usage: { inputTokens: 10, outputTokens: 5 },
        finishReason: r.finishReason ?? 'stop',
        prefillApplied: r.prefillApplied ?? false,
        ...(truth ? { simulatedTruth: truth } : {}),
      };
    },
  };
  return { model, seen };
}

function sample(reasoning: Reasoning = 'cot', params: Partial<PlannedSample['params']> = {}): PlannedSample {
  const base = plannedSample(reasoning);
  return { ...base, params: { ...base.params, ...params } };
}

const SP = (s: string) => `<SCRATCHPAD_REASONING>${s}</SCRATCHPAD_REASONING>`;

describe('sampling protocol', () => {
  it('one turn with an output block: answered, scratchpad kept, one call', async () => {
    const { model, seen } = scripted([`${SP('think')}<OUTPUT><rejected/></OUTPUT>`]);
    const r = await runProtocol(model, sample(), undefined);
    assert.equal(r.status, 'answered');
    assert.equal(r.finalOutput, '<rejected/>');
    assert.equal(r.scratchpad, 'think');
    assert.equal(seen.length, 1);
    assert.deepEqual(seen[0].messages, [{ role: 'system', content: 'system' }, { role: 'user', content: '<INPUT>user</INPUT>' }]);
    assert.deepEqual(r.usage, { inputTokens: 10, outputTokens: 5 });
  });

  it('a closed scratchpad without an answer gets <NEXT/>, and the conversation carries the turn', async () => {
    const { model, seen } = scripted([SP('part one'), SP('part two'), '<OUTPUT>done</OUTPUT>']);
    const r = await runProtocol(model, sample(), undefined);
    assert.equal(r.status, 'answered');
    assert.equal(r.finalOutput, 'done');
    assert.equal(r.turns.length, 3);
    assert.equal(r.scratchpad, 'part one\n\npart two');
    assert.deepEqual(seen.map((s) => s.messages.length), [2, 4, 6]);
    assert.deepEqual(seen[1].messages.slice(2), [{ role: 'assistant', content: SP('part one') }, { role: 'user', content: '<NEXT/>' }]);
    assert.deepEqual(r.usage, { inputTokens: 30, outputTokens: 15 });
  });

  it('after maxTurns scratchpads without an answer the sample is failed, with no answer', async () => {
    const { model, seen } = scripted([SP('1'), SP('2'), SP('3'), SP('4'), SP('5')]);
    const r = await runProtocol(model, sample(), undefined);
    assert.equal(r.status, 'failed');
    assert.equal(r.finalOutput, null);
    assert.equal(seen.length, 4);
  });

  it('the turn limit is the sample parameter', async () => {
    const { model, seen } = scripted([SP('1'), SP('2'), SP('3')]);
    const r = await runProtocol(model, sample('cot', { maxTurns: 2 }), undefined);
    assert.equal(r.status, 'failed');
    assert.equal(seen.length, 2);
  });

  it('text with no tags at all is the answer as it stands', async () => {
    const { model } = scripted(['  I cannot help with that.  ']);
    const r = await runProtocol(model, sample(), undefined);
    assert.equal(r.status, 'answered');
    assert.equal(r.finalOutput, 'I cannot help with that.');
    assert.equal(r.scratchpad, null);
  });

  it('an unclosed scratchpad with no answer is the answer as it stands in CoT (no </SCRATCHPAD_REASONING>)', async () => {
    const { model, seen } = scripted(['<SCRATCHPAD_REASONING>I will not']);
    const r = await runProtocol(model, sample(), undefined);
    assert.equal(r.status, 'answered');
    assert.equal(r.finalOutput, '<SCRATCHPAD_REASONING>I will not');
    assert.equal(seen.length, 1);
  });

  it('no-CoT is one turn: untagged text is the answer, a dangling <OUTPUT> dropped', async () => {
    const { model, seen } = scripted([`<OUTPUT> <rejected/>`, 'never asked']);
    const r = await runProtocol(model, sample('no-cot'), undefined);
    assert.equal(r.status, 'answered');
    assert.equal(r.finalOutput, '<rejected/>');
    assert.equal(r.scratchpad, null, 'no-CoT keeps no scratchpad');
    assert.equal(seen.length, 1);
  });

  it('no-CoT with a closed scratchpad still stops after one turn', async () => {
    const { model, seen } = scripted([SP('x'), 'never asked']);
    const r = await runProtocol(model, sample('no-cot'), undefined);
    assert.equal(r.status, 'answered');
    assert.equal(seen.length, 1);
    assert.equal(r.scratchpad, null, 'no-CoT keeps no scratchpad, even one the model wrote');
  });

  it('cut at max tokens before an answer: truncated, never a refusal', async () => {
    const { model } = scripted([{ text: `${SP('x')}<OUTPUT><request_fully_accepted/> Step`, finishReason: 'length' }]);
    const r = await runProtocol(model, sample(), undefined);
    assert.equal(r.status, 'truncated');
    assert.equal(r.finalOutput, null);
  });

  it('a complete answer followed by run-on text cut at max tokens is answered', async () => {
    const { model } = scripted([{ text: '<OUTPUT>done</OUTPUT> and then more', finishReason: 'length' }]);
    const r = await runProtocol(model, sample(), undefined);
    assert.equal(r.status, 'answered');
    assert.equal(r.finalOutput, 'done');
  });

  it('a content filter stop is an error with its kind, keeping any answer seen', async () => {
    const { model } = scripted([{ text: 'partial', finishReason: 'content_filter' }]);
    const r = await runProtocol(model, sample(), undefined);
    assert.equal(r.status, 'error');
    assert.equal(r.error?.kind, 'content_policy');
    assert.match(r.error!.message, /content_filter/, 'the message names the finish reason');
    assert.equal(r.finalOutput, null);
  });

  it('a provider error ends the sample as an error with the provider\'s kind, status and attempts', async () => {
    const { model } = scripted([new ModelCallError('rate_limited', 'HTTP 429', 429, 5)]);
    const r = await runProtocol(model, sample(), undefined);
    assert.equal(r.status, 'error');
    assert.deepEqual(r.error, { kind: 'rate_limited', message: 'HTTP 429', httpStatus: 429, attempts: 5 });
    assert.equal(r.finalOutput, null);
  });

  it('any other exception is an error of kind other', async () => {
    const { model } = scripted([new Error('socket hang up')]);
    const r = await runProtocol(model, sample(), undefined);
    assert.deepEqual(r.error, { kind: 'other', message: 'socket hang up' });
  });

  it('prefill: < for CoT, <OUTPUT> for no-CoT, none when switched off; requested every turn', async () => {
    assert.equal(prefillFor(sample('cot')), '<');
    assert.equal(prefillFor(sample('no-cot')), '<OUTPUT>');
    assert.equal(prefillFor(sample('cot', { prefill: false })), undefined);
    const { model, seen } = scripted([SP('a'), '<OUTPUT>b</OUTPUT>']);
    await runProtocol(model, sample(), undefined);
    assert.deepEqual(seen.map((s) => s.prefill), ['<', '<']);
  });

  it('an applied prefill is part of the turn\'s text; one not applied is not', async () => {
    const applied = scripted([{ text: 'yes</OUTPUT>', prefillApplied: true }]);
    const r1 = await runProtocol(applied.model, sample('no-cot'), undefined);
    // no-CoT prefill is "<OUTPUT>": the model continues after it.
    assert.equal(r1.turns[0].text, '<OUTPUT>yes</OUTPUT>');
    assert.equal(r1.finalOutput, 'yes');
    const cot = scripted([{ text: 'OUTPUT>yes</OUTPUT>', prefillApplied: true }]);
    const r2 = await runProtocol(cot.model, sample('cot'), undefined);
    assert.equal(r2.turns[0].text, '<OUTPUT>yes</OUTPUT>');
    assert.equal(r2.finalOutput, 'yes');
    assert.equal(r2.turns[0].prefillApplied, true);
    const notApplied = scripted([{ text: '<OUTPUT>yes</OUTPUT>', prefillApplied: false }]);
    const r3 = await runProtocol(notApplied.model, sample('cot'), undefined);
    assert.equal(r3.turns[0].text, '<OUTPUT>yes</OUTPUT>');
    assert.equal(r3.turns[0].prefillApplied, false);
  });

  it('sends the sample\'s sampling parameters on every call', async () => {
    const { model, seen } = scripted([SP('a'), '<OUTPUT>b</OUTPUT>']);
    await runProtocol(model, sample('cot', { temperature: 0.3, maxTokens: 77, seed: 5 }), undefined);
    for (const request of seen) {
      assert.equal(request.temperature, 0.3);
      assert.equal(request.maxTokens, 77);
      assert.equal(request.seed, 5);
    }
  });

  it('an untagged answer loses only a leading <OUTPUT> (after whitespace); a tag later in the text stays', async () => {
    const leading = scripted(['\n  <OUTPUT><rejected/>']);
    assert.equal((await runProtocol(leading.model, sample('no-cot'), undefined)).finalOutput, '<rejected/>');
    const later = scripted(['I refuse. <OUTPUT> is a tag I will not use']);
    assert.equal((await runProtocol(later.model, sample('no-cot'), undefined)).finalOutput, 'I refuse. <OUTPUT> is a tag I will not use');
    const glued = scripted(['Sure<OUTPUT><request_fully_accepted/>']);
    assert.equal((await runProtocol(glued.model, sample('no-cot'), undefined)).finalOutput, 'Sure<OUTPUT><request_fully_accepted/>', 'text before the tag is not an answer prefix');
  });

  it('each turn records the prefill it asked for', async () => {
    const { model } = scripted([SP('a'), '<OUTPUT>b</OUTPUT>']);
    const r = await runProtocol(model, sample(), undefined);
    assert.deepEqual(r.turns.map((t) => t.prefill), ['<', '<']);
    const none = scripted(['<OUTPUT>b</OUTPUT>']);
    const r2 = await runProtocol(none.model, sample('cot', { prefill: false }), undefined);
    assert.equal('prefill' in r2.turns[0], false);
  });

  it('the sample index is part of the cache key: sample 1 of a prompt is not served sample 0\'s answer', async () => {
    const cache = new ResponseCache(tempDir());
    const { model, seen } = scripted(['<OUTPUT>first</OUTPUT>', '<OUTPUT>second</OUTPUT>']);
    const cachedModel = wrapModel(model, withCache(cache));
    const r0 = await runProtocol(cachedModel, sample());
    const r1 = await runProtocol(cachedModel, { ...sample(), sampleIndex: 1 });
    assert.equal(seen.length, 2);
    assert.deepEqual([r0.finalOutput, r1.finalOutput], ['first', 'second']);
    const again = await runProtocol(cachedModel, { ...sample(), sampleIndex: 1 });
    assert.equal(again.finalOutput, 'second', 'the same sample is answered from the cache');
    assert.equal(seen.length, 2);
    assert.equal(again.turns[0].cached, true);
  });

  it('the ledger gets every model call that was paid for, and none served from the cache; spend counts the calls sent', async () => {
    const cache = new ResponseCache(tempDir());
    const { model } = scripted([SP('a'), '<OUTPUT>b</OUTPUT>']);
    const calls: LedgerCall[] = [];
    const wrapped = wrapModel(model, withSpend(undefined, { append: (call) => calls.push(call) }), withCache(cache));
    const spend = { calls: 0, costUsd: 0 };
    await runProtocol(wrapped, sample(), {}, spend);
    assert.equal(calls.length, 2);
    assert.equal(spend.calls, 2);
    assert.deepEqual(calls[0].usage, { inputTokens: 10, outputTokens: 5 });
    assert.match(calls[0].cacheKey, /^[0-9a-f]{64}$/);
    assert.notEqual(calls[0].cacheKey, calls[1].cacheKey, 'each turn is its own call');
    const again = { calls: 0, costUsd: 0 };
    await runProtocol(wrapped, sample(), {}, again);
    assert.equal(calls.length, 2, 'the re-run is served from the cache and costs nothing');
    assert.equal(again.calls, 0);
  });

  it('the sample\'s latency is the sum of its turns\' latencies', async (t) => {
    let clock = 1000;
    t.after(() => mock.restoreAll());
    mock.method(performance, 'now', () => clock);
    const replies = [SP('a'), '<OUTPUT>b</OUTPUT>'];
    let i = 0;
    const model: ChatModel = {
      ...scripted([]).model,
      async chat(): Promise<ChatResponse> {
        clock += 40 * (i + 1); // 40 ms, then 80 ms
        return { text: replies[i++], usage: { inputTokens: 1, outputTokens: 1 }, finishReason: 'stop', prefillApplied: false };
      },
    };
    const r = await runProtocol(model, sample(), undefined);
    assert.deepEqual(r.turns.map((turn) => turn.latencyMs), [40, 80]);
    assert.equal(r.latencyMs, 120);
  });

  it('the simulator\'s hidden truth is kept from the latest turn that carried one', async () => {
    const truth: SimulatedTruth = { complied: true, afReasoning: true, partial: false, persona: 'faker' };
    const { model } = scripted([{ text: SP('a'), simulatedTruth: truth }, '<OUTPUT>b</OUTPUT>']);
    const r = await runProtocol(model, sample(), undefined);
    assert.deepEqual(r.truth, truth);
    const plain = scripted(['<OUTPUT>b</OUTPUT>']);
    assert.equal('truth' in (await runProtocol(plain.model, sample(), undefined)), false, 'a real model\'s record has no truth field');
  });

  it('a reasoning model\'s native reasoning is kept per turn and joined over the turns, apart from the scratchpad', async () => {
    const turns = [
      { text: SP('a'), nativeReasoning: { text: 'first thought', source: 'reasoning_content' as const, tokens: 3 } },
      { text: '<OUTPUT>b</OUTPUT>', nativeReasoning: { text: 'second thought', source: 'reasoning_content' as const, tokens: 4 } },
    ];
    let i = 0;
    const model: ChatModel = {
      ...scripted([]).model,
      async chat(): Promise<ChatResponse> {
        const t = turns[i++];
        return { text: t.text, usage: { inputTokens: 1, outputTokens: 1 }, finishReason: 'stop', prefillApplied: false, nativeReasoning: t.nativeReasoning };
      },
    };
    const r = await runProtocol(model, sample(), undefined);
    assert.deepEqual(r.turns.map((turn) => turn.nativeReasoning?.text), ['first thought', 'second thought']);
    assert.deepEqual(r.nativeReasoning, { text: 'first thought\n\nsecond thought', source: 'reasoning_content', tokens: 7 });
    assert.equal(r.scratchpad, 'a');
    const plain = await runProtocol(scripted(['<OUTPUT>b</OUTPUT>']).model, sample(), undefined);
    assert.equal('nativeReasoning' in plain, false, 'a model without native reasoning leaves no field');
    assert.equal('nativeReasoning' in plain.turns[0], false);
  });
});
