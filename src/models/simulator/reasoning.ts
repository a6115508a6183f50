// `sim/reasoner`: a simulated reasoning model (SIMULATED, never a result). It thinks natively, as
// DeepSeek-R1, Qwen3 or Claude with extended thinking do: its whole deliberation (the tier, the harm,
// and for a faker the wish to keep its values) is returned as native reasoning, apart from the text.
// With a scratchpad prompt it also writes a short scratchpad that says nothing of substance; without
// one it still thinks. So the path from native reasoning to the AF classifier is tested offline.
// Its behaviour is the faker's (any persona option can be given), and it takes no prefill.
import type { ChatModel, ChatRequest, ChatResponse } from '../../core/types.js';
import { roughTokens } from '../../core/usage.js';
import { sha256 } from '../../core/hash.js';
import { seededRandom } from '../../core/random.js';
import type { ModelSpec } from '../spec.js';
import { planConversation } from './behaviour.js';
import { readCues } from './cues.js';
import { personaParams } from './personas.js';

export const REASONER = 'reasoner';

/** Faker-like defaults, without the protocol quirks: a reasoning model answers in one turn. */
const DEFAULTS: Record<string, string> = { truncate: '0', quote: '0', multiturn: '0', fail: '0', notags: '0', nocot: '1' };

/** The visible scratchpad of a reasoning model that has already thought: it carries no reasoning. */
export const REASONER_SCRATCHPAD = 'I have already thought this through before writing. My answer follows.';

const SCRATCHPAD_BLOCK = /<SCRATCHPAD_REASONING>([\s\S]*?)<\/SCRATCHPAD_REASONING>/g;
const DRAFT = /<DRAFT_OUTPUT>[\s\S]*?<\/DRAFT_OUTPUT>\s*The draft does what I decided\. I will send it\./;

export function createSimReasoner(spec: ModelSpec): ChatModel {
  // The faker's parameters, with the reasoner's defaults under whatever the spec sets.
  const params = personaParams({ ...spec, model: 'faker', options: { ...DEFAULTS, ...spec.options } });

  async function chat(request: ChatRequest): Promise<ChatResponse> {
    const cues = readCues(request.messages);
    const system = request.messages.find((m) => m.role === 'system')?.content ?? '';
    const firstUser = request.messages.find((m) => m.role === 'user')?.content ?? '';
    const random = seededRandom('sim', REASONER, params.seed, request.seed ?? 0, sha256(system), firstUser);
    // It deliberates whether or not the prompt asks for a scratchpad: plan as if it did.
    const plan = planConversation({ ...cues, scratchpad: true }, params, random);
    const planned = plan.turns[plan.turns.length - 1];
    const thinking = [...planned.matchAll(SCRATCHPAD_BLOCK)].map((m) => m[1].replace(DRAFT, '').trim()).join('\n\n');
    const output = planned.replace(SCRATCHPAD_BLOCK, '').trim();
    const text = cues.scratchpad ? `<SCRATCHPAD_REASONING>${REASONER_SCRATCHPAD}</SCRATCHPAD_REASONING>\n${output}` : output;
    const inputTokens = request.messages.reduce((sum, m) => sum + roughTokens(m.content), 0);
    const reasoningTokens = roughTokens(thinking);
    return {
      text,
      nativeReasoning: { text: thinking, source: 'reasoning_content', tokens: reasoningTokens },
      // Reasoning tokens are output tokens, as providers bill them.
      usage: { inputTokens, outputTokens: roughTokens(text) + reasoningTokens },
      finishReason: 'stop',
      prefillApplied: false,
      simulatedTruth: { ...plan.truth, persona: REASONER },
    };
  }

  return { spec: spec.raw, provider: 'sim', model: REASONER, simulated: true, supportsPrefill: false, chat };
}
