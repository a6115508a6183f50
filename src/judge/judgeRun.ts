// Judging a run: every record gets the compliance judge (when it has a final answer), the AF vote
// classifier (when it has a scratchpad) and the partial-compliance classifier, unless this judge and
// prompt already judged it. Results are appended to <runDir>/judgements.jsonl as they come.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import pLimit from 'p-limit';
import type { ChatModel, SampledRecord, Usage } from '../core/types.js';
import { resolveModel, type ProviderContext } from '../models/index.js';
import { parseModelSpec } from '../models/spec.js';
import { ResponseCache } from '../core/cache.js';
import { UserError } from '../core/errors.js';
import { dropTornTail, holdOpenForAppend } from '../core/files.js';
import { appendCall, CALLS_FILE } from '../core/runStore.js';
import { checkAfThresholds, classifyAf, DEFAULT_AF_VOTES, hasReasoning } from './afVotes.js';
import { addUsage, ZERO_USAGE } from '../core/usage.js';
import { DEFAULT_JUDGE_ATTEMPTS, DEFAULT_JUDGE_MAX_TOKENS, JudgeBudgetExhausted, type JudgeContext } from './call.js';
import { hasFinalOutput, judgeCompliance } from './compliance.js';
import { classifyPartial } from './partial.js';
import { resolveJudgePrompt, type JudgePrompt } from './prompts.js';
import { appendJudgement, judgedBefore, judgementsPath, selectInto } from './store.js';
import { JudgementIndex } from './judgementIndex.js';
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
  /** No response cache (`--no-cache`): every judge call is sent, nothing is read from or written to the cache. */
  noCache?: boolean;
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

/** Judge these records (see RunJudging), at most `concurrency` judge calls at a time. */
export async function judgeRun(runDir: string, records: SampledRecord[], options: JudgeRunOptions = {}): Promise<JudgeRunResult> {
  const judging = await RunJudging.open(runDir, { ...options, expectedRecords: records.length });
  try {
    await Promise.all(records.map((record) => judging.judge(record)));
    return judging.result;
  } finally {
    await judging.close();
  }
}

/** The judgements of one record per kind that label it (see selectInto), as RunJudging.judge returns them. */
export type RecordJudgements = Partial<Record<JudgeKind, Judgement>>;

/**
 * Judging a run one record at a time, for runs of any size: `judge(record)` runs the classifiers it
 * still needs and returns the judgements that label it, the earlier ones of this judge and prompts
 * included, exactly as labelRecords would select them from the whole file. What it keeps between
 * records: the earlier judgements of this judge and prompts not yet asked for (none on a new run).
 */
export class RunJudging {
  readonly result: JudgeRunResult;
  private readonly limit: ReturnType<typeof pLimit>;
  /**
   * judgements.jsonl indexed by record key (offsets only): per key, the judgements of this judge and
   * prompts already in the file that would label it, and when they last settled each kind (a later
   * record is judged again).
   */
  private earlier: JudgementIndex | undefined;
  private stop = false;
  /** judgements.jsonl is read on the first record judged (a run with nothing to do never reads it). */
  private readDone = false;
  private done = 0;
  private queued = 0;
  private seen = 0;
  /** Records judged while they were being sampled (judgeEarly): judged again later, they are not counted twice. */
  private readonly early = new Set<string>();

  private constructor(
    private readonly model: ChatModel,
    private readonly ownModel: boolean,
    private readonly runDir: string,
    private readonly kinds: JudgeKind[],
    private readonly prompts: Record<JudgeKind, JudgePrompt>,
    private readonly ctx: JudgeContext,
    private readonly afVotes: number,
    private readonly afThresholds: AfThresholds,
    private readonly options: JudgeRunOptions & { expectedRecords?: number },
  ) {
    this.limit = pLimit(options.concurrency ?? 4);
    this.result = {
      judge: model.spec,
      simulated: model.simulated,
      promptHashes: Object.fromEntries(kinds.map((k) => [k, prompts[k].hash])),
      judged: perKind(), reused: perKind(), unparseable: perKind(), callErrors: perKind(),
      unjudged: [], budgetExhausted: false,
      calls: 0, cachedCalls: 0, usage: ZERO_USAGE, costUsd: 0,
    };
  }

  /**
   * Check the options, resolve the judge and its prompts, and read judgements.jsonl one line at a
   * time. `expectedRecords`: how many records will be judged (for the progress total).
   */
  static async open(runDir: string, options: JudgeRunOptions & { expectedRecords?: number } = {}): Promise<RunJudging> {
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
    const afThresholds = checkAfThresholds(options.afThresholds ?? DEFAULT_AF_THRESHOLDS);
    const model = options.model ?? (await resolveModel(spec, { limits: options.limits?.[parseModelSpec(spec).provider] }));
    try {
      const kinds = options.kinds ?? [...JUDGE_KINDS];
      const prompts = {} as Record<JudgeKind, JudgePrompt>;
      const cacheDir = options.cacheDir ?? options.cache?.dir ?? 'data/cache';
      for (const kind of kinds) prompts[kind] = await resolveJudgePrompt(kind, options.prompts?.[kind], { cacheDir, ...(options.fetchImpl ? { fetchImpl: options.fetchImpl } : {}) });
      const ctx: JudgeContext = {
        model,
        // The cache folder is opened with the first record judged (see judge()), like the run folder.
        ...(options.noCache ? {} : { cache: options.cache }),
        costMeter: options.costMeter,
        maxAttempts: options.maxAttempts ?? DEFAULT_JUDGE_ATTEMPTS,
        maxTokens: options.maxTokens ?? DEFAULT_JUDGE_MAX_TOKENS,
        signal: options.signal,
        // Every judge call actually sent goes into the run's spend audit, like the samples' calls.
        onCall: (call) => appendCall(runDir, { at: new Date().toISOString(), model: model.spec, ...call }),
      };
      return new RunJudging(model, !options.model, runDir, kinds, prompts, ctx, options.afVotes ?? DEFAULT_AF_VOTES, afThresholds, options);
    } catch (err) {
      // A judge resolved here is ours to close (a local GGUF judge holds native memory).
      if (!options.model) await model.close?.();
      throw err;
    }
  }

  /** Only this judge's lines with the current prompts matter: what is settled, and what labels a record. */
  private readEarlier(): JudgementIndex {
    const spec = this.model.spec;
    return JudgementIndex.read(this.runDir, {
      repair: true,
      accept: (line) => line.judge === spec && this.kinds.includes(line.kind) && line.promptHash === this.prompts[line.kind].hash,
      // A provider error is not settled; a changed vote count is not either.
      settles: (line) => !line.callError && !(line.kind === 'af' && 'votes' in line.label && line.label.votes.length !== this.afVotes),
    });
  }

  /**
   * Judge one record with every classifier it still needs (each judgement appended to
   * judgements.jsonl as it comes) and return the judgements that label it. Each record once.
   */
  async judge(record: SampledRecord): Promise<RecordJudgements> {
    if (!this.readDone) {
      this.readDone = true;
      // Made here, not on opening: a run that fails on bad input before its first record writes nothing.
      mkdirSync(this.runDir, { recursive: true });
      if (!this.ctx.cache && this.options.cacheDir && !this.options.noCache) this.ctx.cache = new ResponseCache(this.options.cacheDir);
      this.earlier = this.readEarlier();
      // judgements.jsonl and calls.jsonl stay open while records are judged (until close()); a torn
      // last line (a kill, a full disk) is cut off first, so no line is appended after it.
      for (const file of [judgementsPath(this.runDir), join(this.runDir, CALLS_FILE)]) dropTornTail(file);
      this.releaseFiles = holdOpenForAppend([judgementsPath(this.runDir), join(this.runDir, CALLS_FILE)]);
    }
    const early = this.early.delete(record.key);
    if (!early) this.seen++;
    const spec = this.model.spec;
    const earlier = this.earlier!.record(record.key, { judge: spec, af: spec, partial: spec });
    const selected: RecordJudgements = earlier.labelling;
    const tasks: Array<Promise<void>> = [];
    for (const kind of this.kinds) {
      if (!applies(kind, record)) continue;
      // Each settled judgement keeps its time: one made before its record finished judged an earlier
      // record of that sample (an error sampled again), not this one.
      const judgedAt = earlier.settled[kind]?.judgedAt;
      if (judgedAt !== undefined && !judgedBefore(judgedAt, record)) {
        if (!early) this.result.reused[kind]++;
        continue;
      }
      this.queued++;
      tasks.push(
        this.limit(async () => {
          const judgement = await this.judgeKind(record, kind);
          if (judgement) selectInto(selected, judgement);
        }),
      );
    }
    await Promise.all(tasks);
    return selected;
  }

  private releaseFiles?: () => void;

  /**
   * Judge a record as soon as it is written, while the run still samples (judging overlaps sampling),
   * unless `window` records are already being judged so (the rest wait for the label pass: memory stays
   * bounded when the judge is slower than the sampler). Its judgements are appended as they come; call
   * settleEarly() before the label pass, which then finds them in judgements.jsonl and counts them once.
   */
  judgeEarly(record: SampledRecord, window: number): void {
    if (this.earlyWork.size >= window || this.stop || this.ctx.signal?.aborted) return;
    const work: Promise<void> = this.judge(record).then(
      () => {
        this.early.add(record.key);
        this.earlyWork.delete(work);
      },
      (err: unknown) => {
        this.earlyWork.delete(work);
        this.earlyError ??= { err };
      },
    );
    this.earlyWork.add(work);
  }

  /** Judgements judgeEarly started and not yet finished (at most its window). */
  private readonly earlyWork = new Set<Promise<void>>();
  private earlyError: { err: unknown } | undefined;

  /** Wait for the judgements judgeEarly started, then read judgements.jsonl again (offsets) so the label pass finds them. */
  async settleEarly(): Promise<void> {
    await Promise.all(this.earlyWork);
    if (this.earlyError) throw this.earlyError.err;
    if (this.earlier) {
      this.earlier.close();
      this.earlier = this.readEarlier();
    }
  }

  /** How many records will be judged, when known only after opening (the progress total). */
  expect(records: number): void {
    this.options.expectedRecords = records;
  }

  /** Closes the files it appends to, and frees the judge if this object resolved it. */
  async close(): Promise<void> {
    this.releaseFiles?.();
    this.earlier?.close();
    if (this.ownModel) await this.model.close?.();
  }

  private async judgeKind(record: SampledRecord, kind: JudgeKind): Promise<Judgement | undefined> {
    const { ctx, prompts, result } = this;
    if (this.stop || ctx.signal?.aborted) {
      result.unjudged.push({ key: record.key, kind });
      return undefined;
    }
    const transcript = transcriptOf(record);
    let outcome: JudgeOutcome<AnyJudgeLabel>;
    try {
      outcome =
        kind === 'judge' ? await judgeCompliance(transcript, ctx, prompts.judge)
        : kind === 'af' ? await classifyAf(transcript, ctx, prompts.af, { votes: this.afVotes, thresholds: this.afThresholds })
        : await classifyPartial(transcript, ctx, prompts.partial);
    } catch (err) {
      if (err instanceof JudgeBudgetExhausted) {
        this.stop = true;
        result.budgetExhausted = true;
        result.unjudged.push({ key: record.key, kind });
        return undefined;
      }
      if (ctx.signal?.aborted) {
        result.unjudged.push({ key: record.key, kind });
        return undefined;
      }
      throw err;
    }
    const judgement: Judgement = {
      schema: 1,
      key: record.key,
      kind,
      judge: this.model.spec,
      promptHash: prompts[kind].hash,
      label: outcome.label,
      calls: outcome.calls,
      cachedCalls: outcome.cachedCalls,
      attempts: outcome.attempts,
      usage: outcome.usage,
      costUsd: outcome.costUsd,
      ...(outcome.callError ? { callError: outcome.callError } : {}),
      ...(outcome.detail ? { detail: outcome.detail } : {}),
      simulated: this.model.simulated,
      judgedAt: new Date().toISOString(),
    };
    appendJudgement(this.runDir, judgement);
    result.judged[kind]++;
    if (outcome.callError) result.callErrors[kind]++;
    else if (isUnparseable(outcome.label)) result.unparseable[kind]++;
    result.calls += outcome.calls;
    result.cachedCalls += outcome.cachedCalls;
    result.usage = addUsage(result.usage, outcome.usage);
    result.costUsd += outcome.costUsd;
    this.done++;
    this.options.onProgress?.({ done: this.done, total: this.expectedTotal(), kind, key: record.key });
    return judgement;
  }

  /** Judgements this pass will write: those queued, and for records not yet seen, as many per record as so far. */
  private expectedTotal(): number {
    const expected = this.options.expectedRecords ?? this.seen;
    return Math.max(this.done, this.queued + Math.round(((expected - this.seen) * this.queued) / Math.max(1, this.seen)));
  }
}
