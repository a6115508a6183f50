// Batched runs in rounds. Each round replays every unfinished sample through the protocol (and every
// finished one through the judges) against batched models (collect.ts): what the batches answered is
// committed to the cache, the turns still missing become request lines, and those lines go out as new
// batches. Then the rounds wait for a batch to end, read its results and go again, until nothing is
// missing. A CoT sample thus sends turn 1 in one batch and <NEXT/> turns in later ones; its judges go
// out as soon as its answer exists, while later sampling rounds may still be running.
//
// Never paid twice: every batch is written to <run>/batches/ as an intent (its lines) before it is
// submitted and again once the provider accepts it; a re-run finds an intent's batch at the provider
// before it would submit again, re-attaches to batches in flight, and sends no line that is in one.
import { mkdirSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import type { ExperimentConfig } from '../../core/config.js';
import { judgeFor } from '../../core/config.js';
import { UserError } from '../../core/errors.js';
import type { ChatModel, SampledRecord, Transcript } from '../../core/types.js';
import { recordLines, runDirFor } from '../../core/runStore.js';
import { acquireRunLock } from '../../core/runLock.js';
import type { SpendMeter } from '../../core/usage.js';
import { resolveModel } from '../../models/index.js';
import { parseModelSpec } from '../../models/spec.js';
import { batchClientFor, refuseUnbatchable, TERMINAL_STATES, type BatchClient, type BatchLimits, type BatchLine } from '../../models/batch/index.js';
import { preparePlan, type Plan } from '../../run/plan.js';
import { runProtocol } from '../../run/protocol.js';
import { withCache } from '../../core/cache.js';
import { wrapModel } from '../../core/middleware.js';
import { keepOnResume } from '../../run/resume.js';
import { classifyAf, DEFAULT_AF_VOTES, DEFAULT_JUDGE_ATTEMPTS, DEFAULT_JUDGE_MAX_TOKENS, hasFinalOutput, hasReasoning, judgeCompliance, classifyPartial, resolveJudgePrompt, transcriptOf, JUDGE_KINDS, type JudgeContext, type JudgeKind, type JudgePrompt } from '../../judge/index.js';
import { BatchBook, batchedModel, DeferredToBatch, DEFERRED_MESSAGE, KeyedCache, type WantedLine } from './collect.js';
import { answeredUsage, BatchLedger } from './ledger.js';
import { ownResults, wireId, wireLines } from './match.js';
import { splitAtLimits } from './split.js';
import { batchesDir, readBatchInput, readBatchRecords, readBatchResults, writeBatchInput, writeBatchRecord, writeBatchResults, type BatchRecord } from './store.js';

/**
 * Moments a batched run passes through (tests kill the process at each; and in the middle of committing
 * a results file's answers through onCacheCommit, see KeyedCache).
 */
export type BatchStage = 'intent-written' | 'accepted' | 'polled' | 'downloaded-results' | 'results-written' | 'logged' | 'committed';

export interface BatchProgress {
  round: number;
  batches: Array<Pick<BatchRecord, 'intentId' | 'id' | 'model' | 'role' | 'state' | 'counts' | 'expiresAt'>>;
  /** Milliseconds waited for batches so far in this call. */
  waitedMs: number;
  /** One line saying what happened (a split, a submission, a result read), when something did. */
  note?: string;
}

export interface BatchRunOptions {
  /** Send the sampled models' calls through their batch APIs. */
  sample: boolean;
  /** Send the judge's calls through its batch API. */
  judge: boolean;
  /** false: submit what can be submitted and return; calling again later picks the results up (notebooks). */
  wait?: boolean;
  /** How often a failed line is sent again in a later batch by one process (default 2). */
  maxResends?: number;
  /** Override the providers' documented limits (tests). */
  limits?: Partial<BatchLimits>;
  /** Wait before poll k (0-based): default 5 s, then ×1.5 per poll, at most 5 minutes. */
  pollDelayMs?: (poll: number) => number;
  sleep?: (ms: number) => Promise<void>;
  onProgress?: (progress: BatchProgress) => void;
  onStage?: (stage: BatchStage, intentId?: string) => void | Promise<void>;
  /** Told of each answer committed to the cache, with the count so far; given, answers are committed one at a time (the kill tests land a kill between two). */
  onCacheCommit?: (committed: number) => void;
  /** The batch client of a spec (default: the provider's, through its SDK). */
  clientFor?: (spec: string) => Promise<BatchClient>;
  costMeter?: SpendMeter;
  /** Already resolved models (notebooks, tests), by spec. */
  models?: Map<string, ChatModel>;
  judgeModel?: ChatModel;
  plan?: Plan;
  signal?: AbortSignal;
}

export interface BatchRunResult {
  runDir: string;
  /** False when `wait: false` left batches in flight (or the budget stopped new ones): call again later. */
  done: boolean;
  rounds: number;
  batches: BatchRecord[];
  /** What the batches read by this call cost, at the batch price. */
  costUsd: number;
  /** The book of line results: the pass that writes the records answers from it (see batchedRun). */
  book: BatchBook;
  clients: Map<string, BatchClient>;
}

export const DEFAULT_POLL_DELAY_MS = (poll: number): number => Math.min(300_000, Math.round(5_000 * 1.5 ** poll));

/** Check the specs can be batched, before anything is sent. */
export function refuseUnbatchableRun(config: ExperimentConfig, options: Pick<BatchRunOptions, 'sample' | 'judge'>): void {
  if (options.sample) for (const spec of config.models) refuseUnbatchable(spec, 'model');
  if (options.judge) {
    const judge = judgeFor(config);
    if (!judge) throw new UserError('--batch judge: this run has no LLM judge', 'give --judge openai/<model> or anthropic/<model>, or batch the models only (--batch models)');
    refuseUnbatchable(judge, 'judge');
  }
}

export async function runBatchRounds(config: ExperimentConfig, options: BatchRunOptions): Promise<BatchRunResult> {
  refuseUnbatchableRun(config, options);
  const runDir = runDirFor(config);
  const clientFor = options.clientFor ?? batchClientFor;
  const clients = new Map<string, BatchClient>();
  const judgeSpec = judgeFor(config);
  const models = new Map<string, ChatModel>();
  for (const spec of config.models) models.set(spec, options.models?.get(spec) ?? (await resolveModel(spec, { limits: config.limits[parseModelSpec(spec).provider] })));
  const judge = options.judge && judgeSpec ? options.judgeModel ?? (await resolveModel(judgeSpec, { limits: config.limits[parseModelSpec(judgeSpec).provider] })) : undefined;
  if (options.sample) for (const model of models.values()) clients.set(model.spec, await clientFor(model.spec));
  if (judge) clients.set(judge.spec, await clientFor(judge.spec));
  const plan = options.plan ?? (await preparePlan(config));
  const prompts = judge ? await judgePrompts(config) : undefined;

  mkdirSync(batchesDir(runDir), { recursive: true });
  const release = acquireRunLock(runDir);
  const startedAt = new Date().toISOString();
  const book = new BatchBook(options.maxResends ?? 2);
  const cache = new KeyedCache(config.cacheDir, options.onCacheCommit);
  const ledger = new BatchLedger(runDir, options.costMeter);
  const waitStarted = performance.now();
  let costUsd = 0;
  let round = 0;
  let done = false;
  const progress = (note?: string) =>
    options.onProgress?.({
      round,
      batches: readBatchRecords(runDir).filter((r) => !r.downloadedAt).map(({ intentId, id, model, role, state, counts, expiresAt }) => ({ intentId, id, model, role, state, ...(counts ? { counts } : {}), ...(expiresAt ? { expiresAt } : {}) })),
      waitedMs: performance.now() - waitStarted,
      ...(note ? { note } : {}),
    });

  try {
    for (;;) {
      round++;
      const records = readBatchRecords(runDir);
      rebuildBook(runDir, records, book, startedAt, ledger, clients);
      await collect(config, plan, models, judge, prompts, clients, book, cache, options);
      await cache.flushed();
      await options.onStage?.('committed');
      // Intents written by a process that was killed before it stored the provider's id.
      for (const record of records.filter((r) => r.state === 'intent')) {
        const exclude = [...records.flatMap((r) => (r.id && r !== record ? [r.id] : [])), ...(record.refusedIds ?? [])];
        await submitOrAttach(runDir, record, clients.get(record.model)!, options, exclude);
        progress(`batch ${record.intentId}: ${record.matchedBy ? `found at the provider as ${record.id} (matched by ${MATCH_WORDS[record.matchedBy]})` : `submitted as ${record.id}`}`);
      }
      if (book.wanted.size > 0) {
        if (options.costMeter?.exhausted() || options.signal?.aborted) break;
        for (const note of await submitWanted(runDir, book.wanted, clients, round, options)) progress(note);
      }
      const live = readBatchRecords(runDir).filter((r) => !r.downloadedAt);
      if (live.length === 0) {
        done = true;
        break;
      }
      if (options.signal?.aborted) break;
      // Without waiting (a notebook cell): one look at the batches; go on only if one of them ended.
      const read = await waitForOne(runDir, live, clients, ledger, options, progress, options.wait === false);
      costUsd += read.cost;
      if (read.ended === 0) break;
    }
  } finally {
    release();
  }
  return { runDir, done, rounds: round, batches: readBatchRecords(runDir), costUsd, book, clients };
}

/** The judge prompts a run uses (af-lab's own, as runExperiment's judging does). */
async function judgePrompts(config: ExperimentConfig): Promise<Record<JudgeKind, JudgePrompt>> {
  const prompts = {} as Record<JudgeKind, JudgePrompt>;
  for (const kind of JUDGE_KINDS) prompts[kind] = await resolveJudgePrompt(kind, undefined, { cacheDir: config.cacheDir });
  return prompts;
}

/** How a batch found again was matched, in the progress line's words. */
const MATCH_WORDS = { metadata: "the intent id in the batch's metadata", 'custom-ids': 'its custom ids', 'size-and-time': 'its size and creation time; its results are checked when it ends' } as const;

/**
 * The book as the run folder has it: every result read, every line in a batch not read yet. Each read
 * batch's answered lines are in the ledger (logged now if a kill kept them out).
 */
function rebuildBook(runDir: string, records: BatchRecord[], book: BatchBook, startedAt: string, ledger: BatchLedger, clients: Map<string, BatchClient>): void {
  const resultsOf = (record: BatchRecord) => {
    const read = readBatchResults(runDir, record.intentId) ?? [];
    const client = clients.get(record.model);
    if (client) ledger.log(record, read, client, true);
    return read;
  };
  book.rebuild(records, resultsOf, startedAt);
}

/** One pass over the plan (and the judges of every finished sample): answers committed, lines wanted noted. */
async function collect(
  config: ExperimentConfig,
  plan: Plan,
  models: Map<string, ChatModel>,
  judge: ChatModel | undefined,
  prompts: Record<JudgeKind, JudgePrompt> | undefined,
  clients: Map<string, BatchClient>,
  book: BatchBook,
  cache: KeyedCache,
  options: BatchRunOptions,
): Promise<void> {
  const batched = new Map<string, ChatModel>();
  for (const [spec, model] of models) {
    const client = clients.get(model.spec);
    if (options.sample && client) batched.set(spec, wrapModel(batchedModel(model, { client, book, role: 'sample', cache, fallback: 'none' }), withCache(cache)));
  }
  const judgeModel = judge && prompts ? batchedModel(judge, { client: clients.get(judge.spec)!, book, role: 'judge', cache, fallback: 'none' }) : undefined;
  const ctx: JudgeContext | undefined = judgeModel ? { model: judgeModel, cache, maxAttempts: DEFAULT_JUDGE_ATTEMPTS, maxTokens: DEFAULT_JUDGE_MAX_TOKENS } : undefined;
  const judgeOne = async (transcript: Transcript) => {
    if (!ctx || !prompts) return;
    const tasks: Array<Promise<unknown>> = [];
    if (hasFinalOutput(transcript)) tasks.push(judgeCompliance(transcript, ctx, prompts.compliance), classifyPartial(transcript, ctx, prompts.partial));
    if (hasReasoning(transcript)) tasks.push(classifyAf(transcript, ctx, prompts.af, { votes: config.afVotes ?? DEFAULT_AF_VOTES, thresholds: config.afThresholds }));
    for (const result of await Promise.allSettled(tasks)) {
      if (result.status === 'rejected' && !(result.reason instanceof DeferredToBatch)) throw result.reason;
    }
  };

  // Samples already written to records.jsonl are the runner's: they are judged, not sampled again.
  const kept = new Map<string, SampledRecord>();
  for (const { value } of recordLines(runDir(config))) {
    if (keepOnResume(value)) kept.set(value.key, value);
    else kept.delete(value.key);
  }
  const pending: Array<Promise<void>> = [];
  const drain = async () => {
    await Promise.all(pending);
    pending.length = 0;
  };
  for (const sample of plan) {
    const record = kept.get(sample.key);
    if (record) {
      pending.push(judgeOne(transcriptOf(record)));
    } else {
      const model = batched.get(sample.model);
      if (!model) continue; // sampled one by one by the runner (the judges alone are batched)
      pending.push(
        runProtocol(model, sample).then(async (result) => {
          if (result.status === 'error' && result.error?.message === DEFERRED_MESSAGE) return;
          await judgeOne({ request: sample.request, reasoning: sample.reasoning, scratchpad: result.scratchpad, finalOutput: result.finalOutput, status: result.status, ...(result.nativeReasoning ? { nativeReasoning: result.nativeReasoning } : {}) });
        }),
      );
    }
    if (pending.length >= 256) await drain();
  }
  await drain();
}

const runDir = (config: ExperimentConfig) => runDirFor(config);

/** The wanted lines as batches, per model and role, cut at the provider's limits; each written as an intent, then submitted. */
async function submitWanted(dir: string, wanted: Map<string, WantedLine>, clients: Map<string, BatchClient>, round: number, options: BatchRunOptions): Promise<string[]> {
  const notes: string[] = [];
  const groups = new Map<string, WantedLine[]>();
  for (const line of wanted.values()) {
    const group = `${line.spec}\u0000${line.role}`;
    groups.set(group, [...(groups.get(group) ?? []), line]);
  }
  for (const lines of groups.values()) {
    const { spec, role } = lines[0];
    const client = clients.get(spec)!;
    const limits = { ...client.limits, ...options.limits };
    const { chunks, splitBy } = splitAtLimits(lines, limits, (l) => client.lineBytes(l.line));
    if (splitBy) notes.push(`${spec} ${role} round ${round}: ${lines.length} lines split into ${chunks.length} batches at the ${splitBy}`);
    for (const chunk of chunks) {
      const record: BatchRecord = {
        schema: 1,
        intentId: `${new Date().toISOString().replace(/[-:.TZ]/g, '').slice(0, 14)}-${randomUUID().slice(0, 8)}`,
        provider: client.provider,
        model: spec,
        role,
        createdAt: new Date().toISOString(),
        state: 'intent',
        lines: chunk.map((l) => ({ customId: l.line.customId, requestHash: l.requestHash, cacheKey: l.cacheKey, purpose: l.purpose })),
        ...(splitBy ? { splitBy } : {}),
      };
      // The lines, then the intent, are on disk before the provider hears of the batch.
      writeBatchInput(dir, record.intentId, chunk.map((l) => l.line));
      writeBatchRecord(dir, record);
      await submitOrAttach(dir, record, client, options);
      notes.push(`${spec} ${role}: batch ${record.id} submitted (${chunk.length} lines, round ${round})`);
    }
  }
  return notes;
}

/**
 * Submit an intent, its lines under their wire ids (`<intent>_<index>`). An intent left by a killed
 * process (`exclude` given: the batches other intents hold, and any refused for this one) is first
 * looked for at the provider.
 */
async function submitOrAttach(dir: string, record: BatchRecord, client: BatchClient, options: BatchRunOptions, exclude?: string[]): Promise<void> {
  const found = exclude ? await client.find({ intentId: record.intentId, createdAt: record.createdAt, customIds: record.lines.map((_, i) => wireId(record.intentId, i)), exclude }) : undefined;
  if (!found) await options.onStage?.('intent-written', record.intentId);
  const status = found ?? (await client.submit(wireLines(record.intentId, readBatchInput(dir, record.intentId)), record.intentId));
  if (!found) await options.onStage?.('accepted', record.intentId);
  delete record.matchedBy;
  Object.assign(record, { id: status.id, state: status.state, submittedAt: status.createdAt, counts: status.counts, ...(status.expiresAt ? { expiresAt: status.expiresAt } : {}), ...(found ? { matchedBy: found.matchedBy } : {}) });
  writeBatchRecord(dir, record);
}

/** Poll the batches in flight, backing off, until at least one ends; read the results of those that did. */
async function waitForOne(dir: string, live: BatchRecord[], clients: Map<string, BatchClient>, ledger: BatchLedger, options: BatchRunOptions, progress: (note?: string) => void, once: boolean): Promise<{ cost: number; ended: number }> {
  const delay = options.pollDelayMs ?? DEFAULT_POLL_DELAY_MS;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  let cost = 0;
  for (let poll = 0; ; poll++) {
    let ended = 0;
    for (const record of live) {
      const client = clients.get(record.model)!;
      const status = await client.status(record.id!);
      Object.assign(record, { state: status.state, counts: status.counts, ...(status.reason ? { reason: status.reason } : {}) });
      writeBatchRecord(dir, record);
      await options.onStage?.('polled', record.intentId);
      if (!TERMINAL_STATES.has(status.state)) continue;
      const batchId = record.id;
      const read = await readResults(dir, record, client, ledger, options);
      ended++;
      if ('refused' in read) progress(`batch ${batchId} not adopted for intent ${record.intentId}: ${read.refused}; the intent's lines are looked for again, or sent`);
      else {
        cost += read.cost;
        progress(`batch ${record.id} ${record.state}: ${record.counts?.succeeded ?? 0} answered, ${record.counts?.failed ?? 0} failed`);
      }
    }
    // Each look at the batches is shown (a cell that does not wait shows the states it saw).
    if (ended === 0) progress();
    if (ended > 0 || once) return { cost, ended };
    if (options.signal?.aborted) return { cost, ended };
    await sleep(delay(poll));
  }
}

/**
 * Download a finished batch's results, check they are the intent's lines, write them whole, log its
 * answered lines in the ledger (calls.jsonl, at the batch price) and mark it read. A batch whose
 * results are not the intent's (one found again by its size and time alone, on Anthropic) is refused:
 * the record goes back to an intent that never adopts that batch again.
 */
async function readResults(dir: string, record: BatchRecord, client: BatchClient, ledger: BatchLedger, options: BatchRunOptions): Promise<{ cost: number } | { refused: string }> {
  const raw = record.state === 'failed' ? [] : await client.results(record.id!);
  await options.onStage?.('downloaded-results', record.intentId);
  const own = ownResults(record.intentId, record.lines.map((l) => l.customId), raw);
  if ('refused' in own) {
    const refusedIds = [...(record.refusedIds ?? []), record.id!];
    for (const field of ['id', 'submittedAt', 'expiresAt', 'counts', 'reason', 'matchedBy'] as const) delete record[field];
    Object.assign(record, { state: 'intent', refusedIds });
    writeBatchRecord(dir, record);
    return { refused: own.refused };
  }
  writeBatchResults(dir, record.intentId, own.results);
  await options.onStage?.('results-written', record.intentId);
  const cost = ledger.log(record, own.results, client, false);
  await options.onStage?.('logged', record.intentId);
  const { usage, costUsd } = answeredUsage(record, own.results, client);
  Object.assign(record, { downloadedAt: new Date().toISOString(), usage, costUsd });
  writeBatchRecord(dir, record);
  return { cost };
}

export { splitAtLimits };
export type { BatchLine };
