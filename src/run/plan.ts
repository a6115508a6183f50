// The samples an experiment asks for: models × variants × reasoning × tiers × requests × samples,
// each with the exact prompt it will see. Used by the runner and by cost estimates.
import type { ExperimentConfig } from '../core/config.js';
import { loadSystemPrompt, loadVariant, promptHash, renderStatement, renderSystemPrompt, renderUserTurn, type PromptFile } from '../prompts/index.js';
import { loadRequests } from '../requests/index.js';
import type { HarmfulRequest, Reasoning, SampleParams, SampleRecord, Tier } from '../core/types.js';
import { UserError } from '../core/errors.js';
import { sha256 } from '../core/hash.js';

/** A sample to ask: the identity fields of its future record, and the exact system prompt. */
export type PlannedSample = Pick<SampleRecord, 'key' | 'model' | 'variant' | 'reasoning' | 'tier' | 'request' | 'sampleIndex' | 'params' | 'systemPromptHash' | 'userTurn' | 'promptHash'> & {
  systemPrompt: string;
  /** sha256 of the exact statement the variant inserted (records keep it). */
  variantHash: string;
};

/** A sample's identity: changes whenever anything that could change the model's answer changes. */
export function sampleKey(parts: { model: string; variant: string; reasoning: Reasoning; tier: Tier; request: HarmfulRequest; sampleIndex: number; params: SampleParams; promptHash: string }): string {
  // Exactly canonicalJson's string for these fields, built with every key already in sorted order:
  // planning hashes every sample, and the generic sort costs more than the hash. `satisfies` makes a
  // new SampleParams field fail to compile until it is listed here (test/plan.test.ts pins the equality).
  const p = parts.params;
  const params = { maxTokens: p.maxTokens, maxTurns: p.maxTurns, prefill: p.prefill, seed: p.seed, suffix: p.suffix, temperature: p.temperature } satisfies Record<keyof SampleParams, unknown>;
  return sha256(
    JSON.stringify({
      model: parts.model,
      params,
      promptHash: parts.promptHash,
      reasoning: parts.reasoning,
      request: parts.request.text,
      sampleIndex: parts.sampleIndex,
      tier: parts.tier,
      variant: parts.variant,
    }),
  ).slice(0, 32);
}

/** Per-sample seed: distinct samples of one prompt differ, a re-run repeats them. */
export function sampleSeed(seed: number, sampleIndex: number): number {
  return seed * 100_003 + sampleIndex;
}

export interface PlanOptions {
  /** Variants given as prompt files directly (e.g. written inline in a notebook); override names. */
  variantFiles?: PromptFile[];
  requests?: HarmfulRequest[];
}

export async function planSamples(config: ExperimentConfig, options: PlanOptions = {}): Promise<PlannedSample[]> {
  const requests = options.requests ?? (await loadRequests(config.requests, config.cacheDir));
  const variants = options.variantFiles ?? config.variants.map(loadVariant);
  const systemFiles = Object.fromEntries(config.reasoning.map((r) => [r, loadSystemPrompt(r, config.systemPrompts[r])]));
  const userTurns = new Map<string, string>();
  const userTurn = (request: HarmfulRequest, tier: Tier) => {
    const id = `${tier}\u0000${request.text}`;
    if (!userTurns.has(id)) userTurns.set(id, renderUserTurn({ request: request.text, tier, suffix: config.suffix, templatePath: config.userTemplate }));
    return userTurns.get(id)!;
  };

  for (const [what, names] of [['model', config.models], ['variant', variants.map((v) => v.name)]] as const) {
    const repeated = names.find((name, i) => names.indexOf(name) !== i);
    if (repeated) throw new UserError(`${what} "${repeated}" is listed twice`, `list each ${what} once (give variant files distinct names in their header)`);
  }

  const planned: PlannedSample[] = [];
  for (const model of config.models) {
    for (const variant of variants) {
      for (const reasoning of config.reasoning) {
        const systemPrompt = renderSystemPrompt(systemFiles[reasoning], variant);
        const systemPromptHash = sha256(systemPrompt);
        const variantHash = sha256(renderStatement(systemFiles[reasoning], variant));
        for (const tier of config.tiers) {
          for (const request of requests) {
            const user = userTurn(request, tier);
            const hash = promptHash(systemPrompt, user);
            for (let sampleIndex = 0; sampleIndex < config.samples; sampleIndex++) {
              const params: SampleParams = {
                temperature: config.temperature,
                maxTokens: config.maxTokens,
                seed: sampleSeed(config.seed, sampleIndex),
                suffix: config.suffix,
                prefill: config.prefill,
                maxTurns: reasoning === 'cot' ? config.maxTurns : 1,
              };
              const base = { model, variant: variant.name, reasoning, tier, request, sampleIndex, params, promptHash: hash };
              // Listed field by field: a spread here costs more than the rest of the loop.
              planned.push({ model, variant: variant.name, reasoning, tier, request, sampleIndex, params, promptHash: hash, key: sampleKey(base), systemPrompt, systemPromptHash, variantHash, userTurn: user });
            }
          }
        }
      }
    }
  }
  return planned;
}
