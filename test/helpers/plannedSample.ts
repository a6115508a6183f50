import type { Reasoning } from '../../src/core/types.js';
import type { PlannedSample } from '../../src/run/plan.js';

/** A planned sample for protocol tests: one request, free tier, 4 turns of 100 tokens; `over` replaces any field. */
export function plannedSample(reasoning: Reasoning = 'cot', over: Partial<PlannedSample> = {}): PlannedSample {
  return {
    key: 'k',
    model: 'test/scripted',
    variant: 'baseline',
    reasoning,
    tier: 'free',
    request: { id: 'r1', text: 'a request', source: 'builtin' },
    sampleIndex: 0,
    params: { temperature: 1, maxTokens: 100, seed: 0, suffix: true, prefill: true, maxTurns: 4 },
    systemPromptHash: 'h',
    variantHash: 'v',
    promptHash: 'p',
    userTurn: '<INPUT>user</INPUT>',
    systemPrompt: 'system',
    ...over,
  };
}
