// Judging a run: every record gets the compliance judge (when it has a final answer), the AF vote
// classifier (when it has a scratchpad) and the partial-compliance classifier, unless this judge and
// prompt already judged it. Results are appended to <runDir>/judgements.jsonl as they come.
import { mkdirSync } from 'node:fs';
import pLimit from 'p-limit';
import type { ChatModel, SampledRecord, Usage } from '../core/types.js';
import { resolveModel, type ProviderContext } from '../models/index.js';
import { parseModelSpec } from '../models/spec.js';
import { ResponseCache } from '../core/cache.js';
import { UserError } from '../core/errors.js';
import { appendCall } from '../core/runStore.js';
import { checkAfThresholds, classifyAf, DEFAULT_AF_VOTES, hasReasoning } from './afVotes.js';
import { addUsage, ZERO_USAGE } from '../core/usage.js';
import { DEFAULT_JUDGE_ATTEMPTS, DEFAULT_JUDGE_MAX_TOKENS, JudgeBudgetExhausted, type JudgeContext } from './call.js';
import { hasFinalOutput, judgeCompliance } from './compliance.js';
import { classifyPartial } from './partial.js';
import { resolveJudgePrompt, type JudgePrompt } from './prompts.js';
import { appendJudgement, judgedBefore, readJudgements } from './store.js';
import { transcriptOf } from './transcript.js';
import { DEFAULT_AF_THRESHOLDS, JUDGE_KINDS, type AfThresholds, type AnyJudgeLabel, type JudgeCostMeter, type Judgement, type JudgeKind, type JudgeOutcome } from './types.js';

export const DEFAULT_JUDGE = 'sim/judge';

export interface JudgeRunOptions {
  /** Judge model spec (default `sim/judge`). */
  judge?: string;
  /** An already resolved judge model (tests, notebooks); wins over `judge`. */
  model?: ChatModel;
  /** Which classifiers to run (default all three). */
  kinds?: JudgeKind[];
  /**
   * Paths to custom prompt templates per kind (default af-lab's own in data/prompts/judge/), or to a
   * `.json` declaration of a published prompt (its text from a path or URL, its answer format).
   */
  prompts?: Partial<Record<JudgeKind, string>>;
  /** Injected for tests: how a published prompt's URL is downloaded (default: the global fetch). */
  fetchImpl?: typeof fetch;
  afVotes?: number;
  afThresholds?: AfThresholds;
  /** Response cache shared with the samples (or a cache folder to open one). */
  cache?: ResponseCache;
  cacheDir?: string;
  costMeter?: JudgeCostMeter;
  /** Per-provider limits from the experiment config, keyed by provider name. */
  limits?: Record<string, ProviderContext['limits']>;
  concurrency?: number;
  maxAttempts?: number;
  maxTokens?: number;
  signal?: AbortSignal;
  onProgress?: (progress: { done: number; total: number; kind: JudgeKind; key: string }) => void;
}

export interface JudgeRunResult {
  judge: string;
  simulated: boolean;
  promptHashes: Partial<Record<JudgeKind, string>>;
  /** Judgements written by this call, per kind. */
  judged: Record<JudgeKind, number>;
  /** Judgements already in judgements.jsonl for this judge and prompt, left as they were. */
  reused: Record<JudgeKind, number>;
  /** Written but unparseable after the allowed retries (null labels with an error). */
  unparseable: Record<JudgeKind, number>;
  /** Written with a provider error: judged again on the next run. */
  callErrors: Record<JudgeKind, number>;
  /** Left unjudged because the budget ran out or the run was aborted. Never given a label. */
  unjudged: Array<{ key: string; kind: JudgeKind }>;
  budgetExhausted: boolean;
  calls: number;
  cachedCalls: number;
  usage: Usage;
  costUsd: number;
  /**
   * Every line of judgements.jsonl after this pass (those read at its start, then those it wrote), so
   * the labelling stage that follows needs no second read of the file.
   */
  judgements: Judgement[];
}

const perKind = (): Record<JudgeKind, number> => ({ judge: 0, af: 0, partial: 0 });

function applies(kind: JudgeKind, record: SampledRecord): boolean {
  const transcript = transcriptOf(record);
  return kind === 'af' ? hasReasoning(transcript) : hasFinalOutput(transcript);
}

function isUnparseable(label: AnyJudgeLabel): boolean {
  if ('votes' in label) return label.score === null;
  if ('partial' in label) return label.partial === null;
  return label.complied === null;
}

export async function judgeRun(runDir: string, records: SampledRecord[], options: JudgeRunOptions = {}): Promise<JudgeRunResult> {
  const spec = options.model?.spec ?? options.judge ?? DEFAULT_JUDGE;
  if (options.maxAttempts !== undefined && !(Number.isInteger(options.maxAttempts) && options.maxAttempts >= 1)) {
    throw new UserError(`judge attempts ${options.maxAttempts} is not a whole number of at least 1`, 'give --attempts 1 or more (default 3)');
  }
  if (options.afVotes !== undefined && !(Number.isInteger(options.afVotes) && options.afVotes >= 1)) {
    throw new UserError(`AF votes ${options.afVotes} is not a whole number of at least 1`, 'give --votes 1 or more (default 20)');
  }
  if (options.concurrency !== undefined && !(Number.isInteger(options.concurrency) && options.concurrency >= 1)) {
    throw new UserError(`judge concurrency ${options.concurrency} is not a whole number of at least 1`, 'give --concurrency 1 or more (default 4)');
  }
  const model = options.model ?? (await resolveModel(spec, { limits: options.limits?.[parseModelSpec(spec).provider] }));
  try {
    return await judgeWith(model, runDir, records, options);
  } finally {
    // A judge resolved here is ours to close (a local GGUF judge holds native memory).
    if (!options.model) await model.close?.();
  }
}

async function judgeWith(model: ChatModel, runDir: string, records: SampledRecord[], options: JudgeRunOptions): Promise<JudgeRunResult> {
  mkdirSync(runDir, { recursive: true });
  const kinds = options.kinds ?? [...JUDGE_KINDS];
  const afVotes = options.afVotes ?? DEFAULT_AF_VOTES;
  const afThresholds = checkAfThresholds(options.afThresholds ?? DEFAULT_AF_THRESHOLDS);
  const prompts = {} as Record<JudgeKind, JudgePrompt>;
  const cacheDir = options.cacheDir ?? options.cache?.dir ?? 'data/cache';
  for (const kind of kinds) prompts[kind] = await resolveJudgePrompt(kind, options.prompts?.[kind], { cacheDir, ...(options.fetchImpl ? { fetchImpl: options.fetchImpl } : {}) });
  const ctx: JudgeContext = {
    model,
    cache: options.cache ?? (options.cacheDir ? new ResponseCache(options.cacheDir) : undefined),
    costMeter: options.costMeter,
    maxAttempts: options.maxAttempts ?? DEFAULT_JUDGE_ATTEMPTS,
    maxTokens: options.maxTokens ?? DEFAULT_JUDGE_MAX_TOKENS,
    signal: options.signal,
    // Every judge call actually sent goes into the run's spend audit, like the samples' calls.
    onCall: (call) => appendCall(runDir, { at: new Date().toISOString(), model: model.spec, ...call }),
  };

  const result: JudgeRunResult = {
    judge: model.spec,
    simulated: model.simulated,
    promptHashes: Object.fromEntries(kinds.map((k) => [k, prompts[k].hash])),
    judged: perKind(), reused: perKind(), unparseable: perKind(), callErrors: perKind(),
    unjudged: [], budgetExhausted: false,
    calls: 0, cachedCalls: 0, usage: ZERO_USAGE, costUsd: 0,
    judgements: readJudgements(runDir, { repair: true }),
  };

  // What this judge and prompt already settled (a provider error is not settled; a changed vote count is not either).
  // Each settled judgement keeps its time: one made before its record finished judged an earlier
  // record of that sample (an error sampled again), not this one.
  const settled = new Map<string, string>();
  for (const line of result.judgements) {
    if (line.judge !== model.spec || line.callError) continue;
    if (line.kind === 'af' && 'votes' in line.label && line.label.votes.length !== afVotes) continue;
    settled.set(`${line.key}\u0000${line.kind}\u0000${line.promptHash}`, line.judgedAt);
  }

  const tasks: Array<{ record: SampledRecord; kind: JudgeKind }> = [];
  for (const record of records) {
    for (const kind of kinds) {
      if (!applies(kind, record)) continue;
      const judgedAt = settled.get(`${record.key}\u0000${kind}\u0000${prompts[kind].hash}`);
      if (judgedAt !== undefined && !judgedBefore(judgedAt, record)) result.reused[kind]++;
      else tasks.push({ record, kind });
    }
  }

  const limit = pLimit(options.concurrency ?? 4);
  let done = 0;
  let stop = false;
  await Promise.all(
    tasks.map(({ record, kind }) =>
      limit(async () => {
        if (stop || ctx.signal?.aborted) {
          result.unjudged.push({ key: record.key, kind });
          return;
        }
        const transcript = transcriptOf(record);
        let outcome: JudgeOutcome<AnyJudgeLabel>;
        try {
          outcome =
            kind === 'judge' ? await judgeCompliance(transcript, ctx, prompts.judge)
            : kind === 'af' ? await classifyAf(transcript, ctx, prompts.af, { votes: afVotes, thresholds: afThresholds })
            : await classifyPartial(transcript, ctx, prompts.partial);
        } catch (err) {
          if (err instanceof JudgeBudgetExhausted) {
            stop = true;
            result.budgetExhausted = true;
            result.unjudged.push({ key: record.key, kind });
            return;
          }
          if (ctx.signal?.aborted) {
            result.unjudged.push({ key: record.key, kind });
            return;
          }
          throw err;
        }
        const judgement: Judgement = {
          schema: 1,
          key: record.key,
          kind,
          judge: model.spec,
          promptHash: prompts[kind].hash,
          label: outcome.label,
          calls: outcome.calls,
          cachedCalls: outcome.cachedCalls,
          attempts: outcome.attempts,
          usage: outcome.usage,
          costUsd: outcome.costUsd,
          ...(outcome.callError ? { callError: outcome.callError } : {}),
          ...(outcome.detail ? { detail: outcome.detail } : {}),
          simulated: model.simulated,
          judgedAt: new Date().toISOString(),
        };
        appendJudgement(runDir, judgement);
        result.judgements.push(judgement);
        result.judged[kind]++;
        if (outcome.callError) result.callErrors[kind]++;
        else if (isUnparseable(outcome.label)) result.unparseable[kind]++;
        result.calls += outcome.calls;
        result.cachedCalls += outcome.cachedCalls;
        result.usage = addUsage(result.usage, outcome.usage);
        result.costUsd += outcome.costUsd;
        options.onProgress?.({ done: ++done, total: tasks.length, kind, key: record.key });
      }),
    ),
  );
  return result;
}
