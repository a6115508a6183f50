// Judging a run: every record gets each stored scorer that applies to it (the compliance judge when it
// has a final answer, the AF vote classifier when it has reasoning, partial compliance, and a user's own
// scorers), unless this judge and prompt (or this scorer file) already scored it. Results are appended
// to <runDir>/judgements.jsonl as they come.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import pLimit from 'p-limit';
import type { ChatModel, SampledRecord, Usage } from '../core/types.js';
import { resolveModel, type ProviderContext } from '../models/index.js';
import { parseModelSpec } from '../models/spec.js';
import { ResponseCache } from '../core/cache.js';
import { UserError } from '../core/errors.js';
import { dropTornTail, holdOpenForAppend } from '../core/files.js';
import { CALLS_FILE } from '../core/runStore.js';
import { checkAfThresholds, DEFAULT_AF_VOTES } from '../judge/afVotes.js';
import { addUsage, ZERO_USAGE } from '../core/usage.js';
import { DEFAULT_JUDGE_ATTEMPTS, DEFAULT_JUDGE_MAX_TOKENS, describeCallError, JudgeBudgetExhausted, type JudgeContext } from '../judge/call.js';
import { resolveJudgePrompt, type JudgePrompt } from '../judge/prompts.js';
import { DEFAULT_AF_THRESHOLDS, JUDGE_KINDS, judgeKindOf, type AfThresholds, type AnyJudgeLabel, type JudgeCostMeter, type JudgeKind, type JudgeOutcome } from '../judge/types.js';
import type { ScoreLabel } from '../core/types.js';
import { appendJudgement, judgedBefore, judgementsPath } from './judgements.js';
import { selectInto, type RecordJudgements } from './select.js';
import { JudgeLedger } from '../judge/paidCalls.js';
import { NoRoomToPay, withRoomBeforePaying } from '../core/middleware.js';
import { JudgementIndex } from './judgementIndex.js';
import { scoredRecordOf, type Score, type Scorer, type ScorerContext } from './scorer.js';
import { scorerRegistry } from './scorers.js';
import { readyScorer, userJudge, userScoreLabel, type CodeScorerDefinition, type UserScorer } from './userScorer.js';
import type { Judgement } from './types.js';
import { KeySet } from '../core/keyTable.js';

export const DEFAULT_JUDGE = 'sim/judge';

export interface JudgeRunOptions {
  /** Judge model spec (default `sim/judge`). */
  judge?: string;
  /** An already resolved judge model (tests, notebooks); wins over `judge`. */
  model?: ChatModel;
  /** Which LLM judges to run (default all three); none (`[]`) runs no judge model, only `scorers`. */
  kinds?: JudgeKind[];
  /**
   * A user's own scorers, run on every record they apply to and stored like the judges' labels: loaded
   * from files (loadScorer), or objects written in code with a `version` (codeScorer checks them here).
   */
  scorers?: Array<Scorer | CodeScorerDefinition>;
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
  onProgress?: (progress: { done: number; total: number; kind: string; key: string }) => void;
}

export interface JudgeRunResult {
  /** The judge model's spec; `none` when only user scorers ran. */
  judge: string;
  simulated: boolean;
  /** Per scorer, the hash stored with its judgements (a judge prompt's, a scorer file's). */
  promptHashes: Partial<Record<string, string>>;
  /** Judgements written by this call, per scorer (compliance, af, partial, each user scorer). */
  judged: Record<string, number>;
  /** Judgements already in judgements.jsonl for this judge and prompt, left as they were. */
  reused: Record<string, number>;
  /** Written but unparseable after the allowed retries (null labels with an error). */
  unparseable: Record<string, number>;
  /** Written with a provider error (or a user scorer that threw): judged again on the next run. */
  callErrors: Record<string, number>;
  /** Left unjudged because the budget ran out, the run was aborted or a disk had no room (stopReason). Never given a label. */
  unjudged: Array<{ key: string; kind: string }>;
  budgetExhausted: boolean;
  /** Why judging stopped before every judgement was made (a disk without room for the next paid answer). */
  stopReason?: string;
  calls: number;
  cachedCalls: number;
  usage: Usage;
  costUsd: number;
}

/** A count per scorer: the three judges always (what readers of a result expect), then the user's. */
const perKind = (scorers: readonly Scorer[]): Record<string, number> => Object.fromEntries([...JUDGE_KINDS, ...scorers.map((s) => s.name)].map((kind) => [kind, 0]));

function isUnparseable(label: AnyJudgeLabel | ScoreLabel): boolean {
  if ('votes' in label) return label.score === null;
  if ('partial' in label) return label.partial === null;
  if ('value' in label) return label.value === null;
  return label.complied === null;
}

function unknownKind(name: string): never {
  throw new UserError(`unknown judgement kind "${name}"`, `use ${JUDGE_KINDS.join(', ')}`);
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

export type { RecordJudgements } from './select.js';

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
  private readonly early = new KeySet(); // packed: every record of a fresh run passes through it

  /** Per stored scorer, the judge stored with its judgements and the hash (prompt or file) that identifies them. */
  private readonly identity = new Map<string, { judge: string; hash: string }>();

  private constructor(
    private readonly model: ChatModel | undefined,
    private readonly ownModel: boolean,
    private readonly runDir: string,
    /** The stored scorers this pass runs: the LLM judges asked for, then the user's. */
    private readonly scorers: Scorer[],
    private readonly ctx: ScorerContext,
    private readonly options: JudgeRunOptions & { expectedRecords?: number },
    private readonly ledger: JudgeLedger,
  ) {
    this.limit = pLimit(options.concurrency ?? 4);
    // A user scorer's judge is `user:<name>` whichever path its file was loaded from: its file's hash says which version.
    for (const scorer of scorers) this.identity.set(scorer.name, { judge: scorer.source === 'user' ? userJudge(scorer.name) : model!.spec, hash: scorer.hash!(ctx) });
    const users = scorers.filter((s) => s.source === 'user');
    this.result = {
      judge: model?.spec ?? 'none',
      simulated: model?.simulated ?? false,
      promptHashes: Object.fromEntries(scorers.map((s) => [s.name, this.identity.get(s.name)!.hash])),
      judged: perKind(users), reused: perKind(users), unparseable: perKind(users), callErrors: perKind(users),
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
    // From JavaScript or an older notebook, `judge` is the compliance kind (its old name); a misspelt kind is one line.
    const kinds = [...new Set((options.kinds ?? [...JUDGE_KINDS]).map((name) => judgeKindOf(name) ?? unknownKind(name)))];
    const promptOf = (kind: JudgeKind) => options.prompts?.[kind] ?? (kind === 'compliance' ? (options.prompts as Record<string, string> | undefined)?.judge : undefined);
    // The registry checks the user's scorers' names against af-lab's (and each other's).
    const registry = scorerRegistry((options.scorers ?? []).map(readyScorer));
    const model = kinds.length === 0 ? undefined : options.model ?? (await resolveModel(spec, { limits: options.limits?.[parseModelSpec(spec).provider] }));
    try {
      const prompts: Partial<Record<JudgeKind, JudgePrompt>> = {};
      const cacheDir = options.cacheDir ?? options.cache?.dir ?? 'data/cache';
      for (const kind of kinds) prompts[kind] = await resolveJudgePrompt(kind, promptOf(kind), { cacheDir, ...(options.fetchImpl ? { fetchImpl: options.fetchImpl } : {}) });
      // Each paid judge call is checked for room first, logged in the run's ledger, and reconciled on resume.
      const ledger = new JudgeLedger(runDir, model ?? { spec: 'none', simulated: true }, () => judge?.cache);
      const judge: JudgeContext | undefined = model && {
        model: withRoomBeforePaying([{ path: runDir, what: 'the run folder' }, { path: cacheDir, what: 'the cache folder (--cache)' }])(model),
        // The cache folder is opened with the first record judged (see judge()), like the run folder.
        ...(options.noCache ? {} : { cache: options.cache }),
        costMeter: options.costMeter,
        maxAttempts: options.maxAttempts ?? DEFAULT_JUDGE_ATTEMPTS,
        maxTokens: options.maxTokens ?? DEFAULT_JUDGE_MAX_TOKENS,
        signal: options.signal,
        // Every judge call actually sent goes into the run's spend audit, like the samples' calls.
        onCall: (call, reconciled) => ledger.sent(call, reconciled),
        reconcile: ledger.reconcile,
      };
      const ctx: ScorerContext = { ...(judge ? { judge } : {}), prompts, afVotes: options.afVotes ?? DEFAULT_AF_VOTES, afThresholds, ...(options.signal ? { signal: options.signal } : {}) };
      const scorers = [...kinds.map((kind) => registry.get(kind)!), ...registry.from('user')];
      return new RunJudging(model, !options.model, runDir, scorers, ctx, options, ledger);
    } catch (err) {
      // A judge resolved here is ours to close (a local GGUF judge holds native memory).
      if (!options.model) await model?.close?.();
      throw err;
    }
  }

  /** The judge's context (cache, spend meter, retries), when a judge model runs. */
  private get judgeCtx(): JudgeContext | undefined {
    return this.ctx.judge;
  }

  /** Only this judge's lines with the current prompts matter: what is settled, and what labels a record. */
  private readEarlier(): JudgementIndex {
    return JudgementIndex.read(this.runDir, {
      repair: true,
      accept: (line) => {
        const id = this.identity.get(line.kind);
        return id !== undefined && line.promptHash === id.hash && line.judge === id.judge;
      },
      // A provider error is not settled; nor is what a scorer's own rule says is not (a changed AF vote count).
      settles: (line) => {
        const scorer = this.byName(line.kind);
        return scorer?.settles ? scorer.settles(line, this.ctx) : !line.callError;
      },
    });
  }

  private byName(name: string): Scorer | undefined {
    return this.scorers.find((scorer) => scorer.name === name);
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
      // The judge's answers are marked as this run's in the cache (the ledger is reconciled with them).
      if (this.judgeCtx && !this.judgeCtx.cache && this.options.cacheDir && !this.options.noCache) this.judgeCtx.cache = new ResponseCache(this.options.cacheDir, { paidBy: resolve(this.runDir) });
      this.earlier = this.readEarlier();
      // judgements.jsonl and calls.jsonl stay open while records are judged (until close()); a torn
      // last line (a kill, a full disk) is cut off first, so no line is appended after it.
      for (const file of [judgementsPath(this.runDir), join(this.runDir, CALLS_FILE)]) dropTornTail(file);
      this.ledger.open();
      this.releaseFiles = holdOpenForAppend([judgementsPath(this.runDir), join(this.runDir, CALLS_FILE)]);
    }
    const early = this.early.delete(record.key);
    if (!early) this.seen++;
    const judgeFor = Object.fromEntries([...this.identity].map(([kind, { judge }]) => [kind, judge]));
    const earlier = this.earlier!.record(record.key, judgeFor);
    const selected: RecordJudgements = earlier.labelling;
    const tasks: Array<Promise<void>> = [];
    const visible = scoredRecordOf(record);
    for (const scorer of this.scorers) {
      const kind = scorer.name;
      if (!scorer.appliesTo(visible)) continue;
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
          const judgement = await this.judgeKind(record, scorer);
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
      this.earlier.release();
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
    this.earlier?.release();
    this.earlier = undefined;
    this.early.close();
    if (this.ownModel) await this.model?.close?.();
  }

  private async judgeKind(record: SampledRecord, scorer: Scorer): Promise<Judgement | undefined> {
    const { ctx, result } = this;
    const kind = scorer.name;
    if (this.stop || ctx.signal?.aborted) {
      result.unjudged.push({ key: record.key, kind });
      return undefined;
    }
    let outcome: JudgeOutcome<AnyJudgeLabel | ScoreLabel>;
    try {
      outcome = scorer.source === 'user' ? await this.userOutcome(record, scorer) : (await scorer.score(scoredRecordOf(record), ctx)).outcome!;
    } catch (err) {
      if (err instanceof JudgeBudgetExhausted) {
        this.stop = true;
        result.budgetExhausted = true;
        result.unjudged.push({ key: record.key, kind });
        return undefined;
      }
      if (err instanceof NoRoomToPay) {
        this.stop = true;
        result.stopReason ??= err.reason;
        result.unjudged.push({ key: record.key, kind });
        return undefined;
      }
      if (ctx.signal?.aborted) {
        result.unjudged.push({ key: record.key, kind });
        return undefined;
      }
      throw err;
    }
    const { judge, hash } = this.identity.get(kind)!;
    const judgement: Judgement = {
      schema: 1,
      key: record.key,
      kind,
      judge,
      promptHash: hash,
      label: outcome.label,
      calls: outcome.calls,
      cachedCalls: outcome.cachedCalls,
      attempts: outcome.attempts,
      usage: outcome.usage,
      costUsd: outcome.costUsd,
      ...(outcome.callError ? { callError: outcome.callError } : {}),
      ...(outcome.detail ? { detail: outcome.detail } : {}),
      simulated: scorer.source === 'user' ? false : this.model!.simulated,
      judgedAt: new Date().toISOString(),
    };
    appendJudgement(this.runDir, judgement);
    result.judged[kind] = (result.judged[kind] ?? 0) + 1;
    if (outcome.callError) result.callErrors[kind] = (result.callErrors[kind] ?? 0) + 1;
    else if (isUnparseable(outcome.label)) result.unparseable[kind] = (result.unparseable[kind] ?? 0) + 1;
    result.calls += outcome.calls;
    result.cachedCalls += outcome.cachedCalls;
    result.usage = addUsage(result.usage, outcome.usage);
    result.costUsd += outcome.costUsd;
    this.done++;
    this.options.onProgress?.({ done: this.done, total: this.expectedTotal(), kind, key: record.key });
    return judgement;
  }

  /** A user scorer's score as a judgement's outcome; a scorer that throws is stored as a call error (scored again next time). */
  private async userOutcome(record: SampledRecord, scorer: Scorer): Promise<JudgeOutcome<ScoreLabel>> {
    const hash = this.identity.get(scorer.name)!.hash;
    const bookkeeping = { calls: 0, cachedCalls: 0, attempts: 1, costUsd: 0 };
    let score: Score;
    let label: ScoreLabel;
    try {
      // A user's scorer is not given the judge model: its calls would bypass the run's meter, ledger and budget.
      const { judge: _judge, ...userCtx } = this.ctx;
      score = await scorer.score(scoredRecordOf(record), userCtx);
      // A value of the wrong kind is this record's error, like a throw: one bad record does not stop the pass.
      label = userScoreLabel(scorer.name, hash, score);
    } catch (err) {
      const callError = describeCallError(err);
      return { label: { scorer: scorer.name, hash, value: null, error: callError.message }, ...bookkeeping, usage: ZERO_USAGE, callError };
    }
    // Where it came from, beside the score: its file, or a code scorer's version.
    const { file, version } = scorer as Partial<UserScorer>;
    const detail = file ? { file } : version ? { version } : undefined;
    return { label, ...bookkeeping, usage: score.usage ?? ZERO_USAGE, ...(detail ? { detail } : {}) };
  }

  /** Judgements this pass will write: those queued, and for records not yet seen, as many per record as so far. */
  private expectedTotal(): number {
    const expected = this.options.expectedRecords ?? this.seen;
    return Math.max(this.done, this.queued + Math.round(((expected - this.seen) * this.queued) / Math.max(1, this.seen)));
  }
}
