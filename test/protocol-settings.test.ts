// The protocol honours the setting a sample is drawn under (run/protocol.ts, run/plan.ts): its own
// prefill (or none), its own answer tags, and, for Redwood's notebook (answer block `first`), the
// notebook's turn loop and its "gpt" prefill rule. Scripted model turns in, what was sent and how the
// sample ended out.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ChatModel, ChatRequest, ChatResponse, FinishReason, Reasoning } from '../src/core/types.js';
import { prefillFor, runProtocol } from '../src/run/protocol.js';
import { sampleProtocol, type PlannedSample, type SampleProtocol } from '../src/run/plan.js';
import { plannedSample } from './helpers/plannedSample.js';

function scripted(replies: Array<string | { text: string; finishReason: FinishReason }>, provider = 'test') {
  const seen: ChatRequest[] = [];
  const model: ChatModel = {
    spec: `${provider}/scripted`,
    provider,
    model: 'scripted',
    simulated: false,
    supportsPrefill: true,
    async chat(request): Promise<ChatResponse> {
      seen.push({ ...request, messages: request.messages.map((m) => ({ ...m })) });
      const reply = replies[seen.length - 1];
      if (reply === undefined) throw new Error('the script ran out of turns');
      const r = typeof reply === 'string' ? { text: reply, finishReason: 'stop' as const } : reply;
      return { text: r.text, usage: { inputTokens: 1, outputTokens: 1 }, finishReason: r.finishReason, prefillApplied: request.prefill !== undefined };
    },
  };
  return { model, seen };
}

function sample(reasoning: Reasoning, protocol: SampleProtocol | undefined): PlannedSample {
  return plannedSample(reasoning, protocol ? { protocol } : {});
}

const SP = (s: string) => `<SCRATCHPAD_REASONING>${s}</SCRATCHPAD_REASONING>`;
// A setting with its own answer block (Koorndijk-style decision to final answer) and no prefill.
const OWN_TAGS: SampleProtocol = { open: '<decision>', close: '</final_answer>', prefill: null };
const NOTEBOOK = { open: '<OUTPUT>', close: '</OUTPUT>', block: 'first' } as const;

describe('a setting\'s own prefill', () => {
  it('none (null): nothing is prefilled, where af-lab would prefill', async () => {
    assert.equal(prefillFor(sample('no-cot', OWN_TAGS)), undefined);
    assert.equal(prefillFor(sample('no-cot', undefined)), '<OUTPUT>', "af-lab's own");
    const { model, seen } = scripted(['<decision>accept</decision><final_answer>x</final_answer>']);
    const result = await runProtocol(model, sample('no-cot', OWN_TAGS), undefined);
    assert.equal(seen[0].prefill, undefined);
    assert.equal(result.turns[0].prefill, undefined);
    assert.equal(result.turns[0].text, '<decision>accept</decision><final_answer>x</final_answer>');
  });

  it('its own text: sent, and kept at the start of the turn', async () => {
    const own: SampleProtocol = { ...OWN_TAGS, prefill: '<decision>' };
    assert.equal(prefillFor(sample('cot', own)), '<decision>');
    const { model, seen } = scripted(['reject</decision><final_answer>no</final_answer>']);
    const result = await runProtocol(model, sample('cot', own), undefined);
    assert.equal(seen[0].prefill, '<decision>');
    assert.equal(result.finalOutput, '<decision>reject</decision><final_answer>no</final_answer>');
  });
});

describe('a setting\'s own answer tags', () => {
  it('end the sample at the setting\'s block, not at an <OUTPUT> block', async () => {
    const { model } = scripted([`${SP('thinking')}<decision>accept</decision> text <final_answer>done</final_answer>`]);
    const result = await runProtocol(model, sample('cot', OWN_TAGS), undefined);
    assert.equal(result.status, 'answered');
    assert.equal(result.finalOutput, '<decision>accept</decision> text <final_answer>done</final_answer>');
  });

  it('an <OUTPUT> block is not the setting\'s answer: the scratchpad-only turn goes on with <NEXT/>', async () => {
    const { model, seen } = scripted([`${SP('thinking')}`, `${SP('more')}<decision>reject</decision><final_answer>no</final_answer>`]);
    const result = await runProtocol(model, sample('cot', OWN_TAGS), undefined);
    assert.equal(seen.length, 2);
    assert.equal(result.finalOutput, '<decision>reject</decision><final_answer>no</final_answer>');
    const { model: m2 } = scripted([`${SP('x')}<OUTPUT>not the block</OUTPUT>`, `<decision>a</decision><final_answer>b</final_answer>`]);
    const r2 = await runProtocol(m2, sample('cot', OWN_TAGS), undefined);
    assert.equal(r2.turns.length, 2, 'an <OUTPUT> block does not end a sample whose setting has its own tags');
  });
});

describe('Redwood\'s notebook (answer block "first")', () => {
  it('prefills every model whose id does not contain "gpt", whatever the provider; none where it does', () => {
    assert.equal(sampleProtocol(NOTEBOOK, '<', 'cot', 'openrouter/anthropic/claude-3-opus')?.prefill, '<');
    assert.equal(sampleProtocol(NOTEBOOK, '<OUTPUT>', 'no-cot', 'together/meta-llama/Llama-3-70b')?.prefill, '<OUTPUT>');
    assert.equal(sampleProtocol(NOTEBOOK, '<', 'cot', 'openai/gpt-4o-mini')?.prefill, null);
    assert.equal(sampleProtocol(NOTEBOOK, '<', 'cot', 'vllm/openai-gpt-oss-20b?base_url=http%3A%2F%2Fx')?.prefill, null);
    assert.equal(sampleProtocol(NOTEBOOK, '<', 'cot', 'vllm/llama?base_url=http%3A%2F%2Fgpt.example')?.prefill, '<', 'the spec\'s options are not the model id');
    assert.equal(sampleProtocol(NOTEBOOK, '<', 'cot', 'openai/gpt-4o')?.loop, 'notebook');
    assert.equal(sampleProtocol({ ...NOTEBOOK, block: 'last' }, '<', 'cot', 'openai/gpt-4o'), undefined, "af-lab's own protocol");
  });

  it('sends max_tokens to Anthropic models only, as the notebook does; af-lab\'s protocol sends it to every model', async () => {
    const notebook = sampleProtocol(NOTEBOOK, '<OUTPUT>', 'no-cot', 'test/llama')!;
    const other = scripted(['a</OUTPUT>']);
    await runProtocol(other.model, sample('no-cot', notebook), undefined);
    assert.equal(other.seen[0].maxTokens, undefined);
    assert.equal('maxTokens' in other.seen[0] && other.seen[0].maxTokens !== undefined, false);
    const claude = scripted(['a</OUTPUT>'], 'anthropic');
    await runProtocol(claude.model, sample('no-cot', notebook), undefined);
    assert.equal(claude.seen[0].maxTokens, 100);
    const afLab = scripted(['<OUTPUT>a</OUTPUT>']);
    await runProtocol(afLab.model, sample('no-cot', undefined), undefined);
    assert.equal(afLab.seen[0].maxTokens, 100);
  });

  it('ends the sample at a </OUTPUT> quoted in the scratchpad, where af-lab would ask for the next turn', async () => {
    const turn = SP('I could write <OUTPUT>x</OUTPUT> here');
    const notebook = sampleProtocol(NOTEBOOK, '<', 'cot', 'test/llama')!;
    const { model, seen } = scripted([turn.slice(1), '<OUTPUT><rejected/></OUTPUT>'.slice(1)]);
    const result = await runProtocol(model, sample('cot', notebook), undefined);
    assert.equal(seen.length, 1);
    assert.equal(result.status, 'failed', "af-lab finds no answer outside the scratchpad of the turns the notebook read");
    const { model: afLabModel, seen: afLabSeen } = scripted([turn, '<OUTPUT><rejected/></OUTPUT>']);
    const afLab = await runProtocol(afLabModel, sample('cot', undefined), undefined);
    assert.equal(afLabSeen.length, 2);
    assert.equal(afLab.finalOutput, '<rejected/>');
  });

  it('goes on after a turn cut inside <OUTPUT> (the finish reason is not read), where af-lab stops it as truncated', async () => {
    const notebook = sampleProtocol(NOTEBOOK, '<', 'cot', 'test/llama')!;
    const cut = { text: `${SP('x').slice(1)}<OUTPUT>partial`, finishReason: 'length' as const };
    const { model, seen } = scripted([cut, 'OUTPUT>done</OUTPUT>']);
    const result = await runProtocol(model, sample('cot', notebook), undefined);
    assert.equal(seen.length, 2);
    assert.equal(seen[1].messages.at(-1)?.content, '<NEXT/>');
    assert.deepEqual([result.status, result.finalOutput], ['answered', 'done']);
    const { model: afLabModel, seen: afLabSeen } = scripted([{ ...cut, text: `<${cut.text}` }]);
    const afLab = await runProtocol(afLabModel, sample('cot', undefined), undefined);
    assert.equal(afLabSeen.length, 1);
    assert.equal(afLab.status, 'truncated');
  });

  it('reads a content-filtered turn like any other: the loop goes on when the scratchpad closed without an answer', async () => {
    const notebook = sampleProtocol(NOTEBOOK, '<', 'cot', 'test/llama')!;
    const { model, seen } = scripted([{ text: SP('x').slice(1), finishReason: 'content_filter' }, 'OUTPUT>y</OUTPUT>']);
    const result = await runProtocol(model, sample('cot', notebook), undefined);
    assert.equal(seen.length, 2);
    assert.equal(result.finalOutput, 'y');
  });
});
