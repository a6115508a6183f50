// The samples an experiment asks for: models × variants × reasoning × tiers × requests × samples,
// each with the exact prompt it will see. Used by the runner and by cost estimates.
import type { ExperimentConfig } from '../core/config.js';
import type { RunSettingTexts } from '../core/runStore.js';
import { loadVariant, promptHash, variantHashOf, type PromptFile } from '../prompts/index.js';
import { designVariants } from './design.js';
import { AF_LAB_ANSWER, AF_LAB_PREFILL, resolveSetting, settingStamp, statementFor, systemPromptFor, userTurnFor, type ResolvedSetting } from '../settings/index.js';
import { loadRequests } from '../requests/index.js';
import type { AnswerProtocol, HarmfulRequest, Reasoning, SampleParams, SampleRecord, SettingStamp, Tier } from '../core/types.js';
import { UserError } from '../core/errors.js';
import { sha256 } from '../core/hash.js';

/** A sample to ask: the identity fields of its future record, and the exact system prompt. */
export type PlannedSample = Pick<SampleRecord, 'key' | 'model' | 'variant' | 'reasoning' | 'tier' | 'request' | 'sampleIndex' | 'params' | 'systemPromptHash' | 'userTurn' | 'promptHash'> & {
  systemPrompt: string;
  /** The setting and context it is drawn under (answer tags, scoring, source hashes). */
  setting?: SettingStamp;
  /** The setting's answer tags and prefill when they differ from af-lab's (they change the conversation, so the key). */
  protocol?: SampleProtocol;
  /** sha256 of the exact statement the variant inserted (records keep it). */
  variantHash: string;
  /** The variant it is written on and compared with, when not `baseline` (a variant's `on:` header). */
  variantOn?: string;
  /** The ablation condition it belongs to (config `ablation`). */
  ablation?: SampleRecord['ablation'];
};

/** The parts of a setting's answer protocol that change what the model is sent or when a turn ends. */
export interface SampleProtocol {
  open: string;
  close: string;
  /** Prefill text of this reasoning condition; null: none. */
  prefill: string | null;
  /** `notebook`: the turns end where Redwood's notebook ends them (a setting whose answer block is `first`). */
  loop?: 'notebook';
}

/** A sample's identity: changes whenever anything that could change the model's answer changes. */
export function sampleKey(parts: { model: string; variant: string; reasoning: Reasoning; tier: Tier; request: HarmfulRequest; sampleIndex: number; params: SampleParams; promptHash: string; protocol?: SampleProtocol }): string {
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
      // Only for a setting whose answer tags or prefill differ from af-lab's: af-lab's keys stay as they were.
      ...(parts.protocol ? { protocol: { close: parts.protocol.close, ...(parts.protocol.loop ? { loop: parts.protocol.loop } : {}), open: parts.protocol.open, prefill: parts.protocol.prefill } } : {}),
      reasoning: parts.reasoning,
      request: parts.request.text,
      sampleIndex: parts.sampleIndex,
      tier: parts.tier,
      variant: parts.variant,
    }),
  ).slice(0, 32);
}

/** The most samples one run's plan may hold (a million runs in about half a gigabyte; see docs/performance.md). */
export const MAX_PLANNED_SAMPLES = 100_000_000;

/** Per-sample seed: distinct samples of one prompt differ, a re-run repeats them. */
export function sampleSeed(seed: number, sampleIndex: number): number {
  return seed * 100_003 + sampleIndex;
}

export interface PlanOptions {
  /** Variants given as prompt files directly (e.g. written inline in a notebook); override names. */
  variantFiles?: PromptFile[];
  requests?: HarmfulRequest[];
  /** The run's setting, already resolved (default: resolved here from config.setting). */
  setting?: ResolvedSetting;
}

/** A model spec without its query options (`openai/gpt-4o-mini?base_url=...` -> `openai/gpt-4o-mini`). */
function modelId(spec: string): string {
  return spec.split('?')[0];
}

/**
 * The protocol of a setting for one reasoning condition and model, or undefined when it is af-lab's.
 * Redwood's notebook (answer block `first`) prefills every model whose id does not contain "gpt",
 * whatever the provider, and ends the turns its own way.
 */
export function sampleProtocol(answer: AnswerProtocol, prefill: string | null, reasoning: Reasoning, model: string): SampleProtocol | undefined {
  if (answer.block === 'first') return { open: answer.open, close: answer.close, prefill: modelId(model).includes('gpt') ? null : prefill, loop: 'notebook' };
  const isDefault = answer.open === AF_LAB_ANSWER.open && answer.close === AF_LAB_ANSWER.close && prefill === AF_LAB_PREFILL[reasoning];
  return isDefault ? undefined : { open: answer.open, close: answer.close, prefill };
}

/**
 * The samples of an experiment, made one at a time when iterated (a million-sample plan is never held
 * whole): `total` is how many, `systemPrompts` every exact system prompt by its sha256.
 */
export interface Plan extends Iterable<PlannedSample> {
  readonly total: number;
  readonly systemPrompts: ReadonlyMap<string, string>;
  /**
   * The sha256 of everything the plan's samples are made from beyond the configuration: every system
   * prompt, user turn and request. Two plans of one configuration with the same identity hold the same
   * samples (an edited request file or prompt changes it).
   */
  readonly identity: string;
  /** The setting as resolved for this plan (its texts, their identities). */
  readonly setting: ResolvedSetting;
  /** What run.json keeps of the setting's texts: sha256 and identity by element. */
  readonly settingTexts: RunSettingTexts;
  /** Request texts given more than once and merged into their first copy (mergeDuplicateRequests). */
  readonly mergedRequests: number;
}

/**
 * Requests whose text was given before are dropped, the first copy kept in its place: a sample's key
 * (and its model call's cache key) is made from the request's text, so a second copy would be the same
 * call and the same answer, counted twice. Merging keeps every earlier run's keys as they were (a run
 * with duplicates already held one record per text); --samples sets how many answers a text gets.
 */
export function mergeDuplicateRequests(requests: readonly HarmfulRequest[]): { requests: HarmfulRequest[]; merged: number } {
  const seen = new Set<string>();
  const kept = requests.filter((r) => !seen.has(r.text) && seen.add(r.text));
  return { requests: kept, merged: requests.length - kept.length };
}

/** The one line saying that duplicate request texts were merged (undefined when none were). */
export function mergedRequestsLine(merged: number): string | undefined {
  return merged ? `requests: ${merged} duplicate request text${merged === 1 ? '' : 's'} merged into ${merged === 1 ? 'its' : 'their'} first copy (one condition cell per text; --samples sets how many answers each gets)` : undefined;
}

/** Every planned sample, in plan order (models, variants, reasoning, contexts, requests, samples). */
export async function planSamples(config: ExperimentConfig, options: PlanOptions = {}): Promise<PlannedSample[]> {
  return [...(await preparePlan(config, options))];
}

export async function preparePlan(config: ExperimentConfig, options: PlanOptions = {}): Promise<Plan> {
  const { requests, merged } = mergeDuplicateRequests(options.requests ?? (await loadRequests(config.requests, config.cacheDir)));
  const statements = options.variantFiles ?? config.variants.map(loadVariant);
  const resolved =
    options.setting ??
    (await resolveSetting(config.setting, { reasonings: config.reasoning, cacheDir: config.cacheDir, overrides: { systemPrompts: config.systemPrompts, userTemplate: config.userTemplate } }));
  // An ablation design: each of its conditions is a variant (its own name and hash).
  const variants = config.ablation ? designVariants(config.ablation, statements, resolved, config.reasoning) : statements;
  // Each tier the config asks for is one context or more (three tiers: free and pro both monitored).
  const contexts = config.tiers.flatMap((tier) => resolved.setting.contexts.filter((c) => c.role === tier));
  const userTurns = new Map<string, string>();
  const userTurn = (request: HarmfulRequest, context: (typeof contexts)[number]) => {
    const id = `${context.name}\u0000${request.text}`;
    if (!userTurns.has(id)) userTurns.set(id, userTurnFor(resolved, context, request.text, config.suffix));
    return userTurns.get(id)!;
  };

  for (const [what, names] of [['model', config.models], ['variant', variants.map((v) => v.name)]] as const) {
    const repeated = names.find((name, i) => names.indexOf(name) !== i);
    if (repeated) throw new UserError(`${what} "${repeated}" is listed twice`, `list each ${what} once (give variant files distinct names in their header)`);
  }

  // Everything shared by the samples of one condition and context is made once, here; the samples
  // themselves are made as they are iterated.
  interface Group {
    model: string;
    variant: (typeof variants)[number];
    reasoning: Reasoning;
    tier: Tier;
    protocol?: SampleProtocol;
    variantHash: string;
    systemPrompt: string;
    systemPromptHash: string;
    stamp?: SettingStamp;
    context: (typeof contexts)[number];
  }
  const groups: Group[] = [];
  const systemPrompts = new Map<string, string>();
  for (const model of config.models) {
    for (const variant of variants) {
      for (const reasoning of config.reasoning) {
        const protocol = sampleProtocol(resolved.setting.answer, resolved.setting.answer.prefill[reasoning], reasoning, model);
        const variantHash = variantHashOf(statementFor(resolved, reasoning, variant), variant.elements);
        for (const context of contexts) {
          const systemPrompt = systemPromptFor(resolved, reasoning, variant, context);
          const systemPromptHash = sha256(systemPrompt);
          systemPrompts.set(systemPromptHash, systemPrompt);
          groups.push({ model, variant, reasoning, tier: context.role, protocol, variantHash, systemPrompt, systemPromptHash, stamp: settingStamp(resolved, context), context });
        }
      }
    }
  }
  // Sized before any sample is made: a plan no run could finish is refused at once, in one line.
  const total = groups.length * requests.length * config.samples;
  if (total > MAX_PLANNED_SAMPLES) {
    throw new UserError(`the plan holds ${total.toLocaleString('en-US')} samples, over the ${MAX_PLANNED_SAMPLES.toLocaleString('en-US')} one run can hold`, 'ask for fewer (--samples, --limit, fewer models, variants or conditions), or split it into several runs');
  }
  function* samples(): Generator<PlannedSample> {
    for (const { model, variant, reasoning, tier, protocol, variantHash, systemPrompt, systemPromptHash, stamp, context } of groups) {
      for (const request of requests) {
        const user = userTurn(request, context);
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
          const base = { model, variant: variant.name, reasoning, tier, request, sampleIndex, params, promptHash: hash, protocol };
          // Listed field by field: a spread here costs more than the rest of the loop.
          yield { model, variant: variant.name, reasoning, tier, request, sampleIndex, params, promptHash: hash, key: sampleKey(base), systemPrompt, systemPromptHash, variantHash, ...(variant.on ? { variantOn: variant.on } : {}), ...(variant.ablation ? { ablation: variant.ablation } : {}), userTurn: user, setting: stamp, protocol };
        }
      }
    }
  }
  const identity = sha256(JSON.stringify([[...systemPrompts.keys()], contexts.map((context) => requests.map((r) => userTurn(r, context))), requests]));
  const settingTexts: RunSettingTexts = {
    name: resolved.setting.name,
    texts: Object.fromEntries(Object.entries(resolved.sources).map(([element, hash]) => [element, { sha256: hash, identity: resolved.identities[element] }])),
  };
  return { total, systemPrompts, identity, mergedRequests: merged, setting: resolved, settingTexts, [Symbol.iterator]: samples };
}
