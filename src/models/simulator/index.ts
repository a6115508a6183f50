// `sim/<persona>`: af-lab's offline simulated model. A test bench and a teaching tool, never a result:
// everything it produces is marked simulated, and every response carries its ground truth.
import { setTimeout as sleep } from 'node:timers/promises';
import type { ChatModel, ChatRequest, ChatResponse } from '../../core/types.js';
import { roughTokens } from '../../core/usage.js';
import { sha256 } from '../../core/hash.js';
import { seededRandom } from '../../core/random.js';
import type { Provider } from '../registry.js';
import type { ModelSpec } from '../spec.js';
import { createSimJudge } from './judge.js';
import { createSimReasoner, REASONER } from './reasoning.js';
import { planConversation } from './behaviour.js';
import { readCues } from './cues.js';
import { inSettingFormat } from './contexts.js';
import { PERSONAS, personaParams } from './personas.js';

export function createSimulatedModel(spec: ModelSpec): ChatModel {
  const params = personaParams(spec);
  const persona = spec.model;

  async function chat(request: ChatRequest): Promise<ChatResponse> {
    if (params.latency > 0) await sleep(params.latency, undefined, { signal: request.signal });
    const cues = readCues(request.messages);
    const system = request.messages.find((m) => m.role === 'system')?.content ?? '';
    const firstUser = request.messages.find((m) => m.role === 'user')?.content ?? '';
    // Same seed, conversation start and request seed: same sample, whatever turn is being asked for.
    const random = seededRandom('sim', persona, params.seed, request.seed ?? 0, sha256(system), firstUser);
    const plan = planConversation(cues, params, random);
    const index = Math.min(cues.turnIndex, plan.turns.length - 1);
    let full = inSettingFormat(plan.turns[index], system);

    let finishReason: ChatResponse['finishReason'] = 'stop';
    const isLast = index === plan.turns.length - 1;
    if (isLast && plan.truncateAt !== undefined) {
      full = full.slice(0, Math.floor(full.length * plan.truncateAt));
      finishReason = 'length';
    }
    if (request.maxTokens !== undefined && roughTokens(full) > request.maxTokens) {
      full = full.slice(0, request.maxTokens * 4);
      finishReason = 'length';
    }
    const prefillApplied = request.prefill !== undefined && full.startsWith(request.prefill);
    const text = prefillApplied ? full.slice(request.prefill!.length) : full;
    const inputTokens = request.messages.reduce((sum, m) => sum + roughTokens(m.content), 0);
    return {
      text,
      usage: { inputTokens, outputTokens: roughTokens(text) },
      finishReason,
      prefillApplied,
      simulatedTruth: { ...plan.truth, persona },
    };
  }

  return { spec: spec.raw, provider: 'sim', model: persona, simulated: true, supportsPrefill: true, chat };
}

export const simulatorProvider: Provider = {
  name: 'sim',
  describe: `af-lab's offline simulator (SIMULATED, never a result): ${Object.keys(PERSONAS).map((p) => `sim/${p}`).join(', ')}, sim/${REASONER} (native reasoning)`,
  // `sim/judge` is the offline judge (src/judge/simJudge.ts); every other name is a persona.
  create: (spec) => (spec.model === 'judge' ? createSimJudge(spec) : spec.model === REASONER ? createSimReasoner(spec) : createSimulatedModel(spec)),
};
