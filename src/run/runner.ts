// The runner: every planned sample not yet in the run's records is sampled through the protocol and
// appended, unlabelled, as one JSON line the moment it finishes (labels are computed when records are
// read). A run killed at any moment resumes where it stopped: completed samples are kept and never asked again.
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { ExperimentConfig } from '../core/config.js';
import { resolveModel } from '../models/index.js';
import { parseModelSpec } from '../models/spec.js';
import type { ChatModel, SampledRecord } from '../core/types.js';
import type { SpendMeter } from '../core/usage.js';
import { ResponseCache, withCache } from '../core/cache.js';
import { NoRoomToPay, withRoomBeforePaying, withSpend, wrapModel, type CallLedger } from '../core/middleware.js';
import { preparePlan, type Plan, type PlannedSample, type PlanOptions } from './plan.js';
import { runProtocol } from './protocol.js';
import { errorKindOf, keepOnResume, refuseChangedParams, refuseChangedSampling } from './resume.js';
import { appendCall, appendRecord, loggedCalls, prepareRunDir, readManifest, recordLines, recordReads, runDirFor, CALLS_FILE, RECORDS_FILE, RUN_FILE } from '../core/runStore.js';
import { acquireRunLock } from '../core/runLock.js';
import { checkWritableDir, dropTornTail, holdOpenForAppend, removeStaleTmpFiles } from '../core/files.js';
import { checkFileTarget, checkFolderTarget } from '../core/safeIo.js';
import { RESPONSES_FILE } from '../core/lmdbCache.js';
import { KeyTable } from '../core/keyTable.js';
import { PagedArray } from '../core/pagedArray.js';

/** A planned sample's state on resuming: in the records and kept, or in them and to be sampled again. */
const FINISHED = 1;
const TO_RETRY = 2;


export interface RunProgress {
  total: number;
  /** Samples finished, including those already in the records before this run started. */
  done: number;
  /** Samples found already finished when the run started (kept, not sampled again). */
  resumed: number;
  /** Samples whose earlier record was an error retrying can fix: sampled again by this run. */
  resampled?: number;
  errors: number;
  /** Model calls actually sent (not served from the cache). */
  calls: number;
  latest?: SampledRecord;
}

export interface RunOptions extends PlanOptions {
  onProgress?: (progress: RunProgress) => void;
  costMeter?: SpendMeter;
  signal?: AbortSignal;
  /** Use already-resolved models (e.g. a notebook's), keyed by spec. */
  models?: Map<string, ChatModel>;
  /** Also sample again the errors retrying cannot fix (a refused request, a content filter). */
  retryErrors?: boolean;
  /** Keep the run folder's lock when done (the result's `releaseLock` frees it): judging writes there next. */
  keepLock?: boolean;
  /** The plan, when the caller already prepared it from this configuration (preparePlan). */
  plan?: Plan;
  /** No response cache (`--no-cache`): every call is sent, nothing is read from or written to the cache. */
  noCache?: boolean;
}

/** A run's sampling, done: what the records file holds is read back with runRecords(). */
export interface SampledRun {
  runDir: string;
  /** How many samples the plan holds. */
  planned: number;
  /** The plan's sample keys: records of other plans under the same run name are not this run's. */
  plannedKeys: KeyTable;
  /**
   * For samples with more than one line in records.jsonl (an error sampled again), the byte offset of
   * the current (last) line. Every other planned sample has one line.
   */
  currentLine: ReadonlyMap<string, number>;
  progress: RunProgress;
  /** True when the budget or a signal stopped the run before every sample was sent. */
  stopped: boolean;
  /** Why it stopped, when not the budget or a signal (a disk too full for the next paid answer). */
  stopReason?: string;
  /** Errors kept from earlier runs because retrying cannot fix them, by kind (`--retry-errors` samples them again). */
  keptErrors: Record<string, number>;
  /** With `keepLock`: frees the run folder's lock. */
  releaseLock?: () => void;
  /** Responses that could not be written to the cache (full or read-only disk), and the last reason. */
  cacheWriteErrors?: { count: number; last?: string };
}

export interface RunResult extends Omit<SampledRun, 'plannedKeys' | 'currentLine'> {
  /** The records of this run's plan (earlier and new), one per planned sample that finished, in plan order. */
  records: SampledRecord[];
}

/**
 * The run's current records, one per planned sample that finished, as records.jsonl is read: in the
 * order they were written, the latest line of a sample written twice. Nothing is held but the line read.
 */
export function* runRecords(run: Pick<SampledRun, 'runDir' | 'plannedKeys' | 'currentLine'>): Generator<SampledRecord> {
  for (const { value, offset } of recordLines(run.runDir)) {
    if (!run.plannedKeys.has(value.key)) continue;
    const current = run.currentLine.get(value.key);
    if (current === undefined || current === offset) {
      recordReads.yielded++;
      yield value;
    }
  }
}

export async function resolveModels(config: ExperimentConfig): Promise<Map<string, ChatModel>> {
  const models = new Map<string, ChatModel>();
  for (const spec of config.models) {
    const provider = parseModelSpec(spec).provider;
    models.set(spec, await resolveModel(spec, { limits: config.limits[provider] }));
  }
  return models;
}

/** Sample every planned sample not yet in the run's records; the records, in plan order, are returned. */
export async function runSamples(config: ExperimentConfig, options: RunOptions = {}): Promise<RunResult> {
  const { plannedKeys, currentLine, ...run } = await sampleRun(config, options);
  // A key's slot in plannedKeys is its place in the plan.
  const records = [...runRecords({ runDir: run.runDir, plannedKeys, currentLine })].sort((x, y) => plannedKeys.slotOf(x.key) - plannedKeys.slotOf(y.key));
  return { ...run, records };
}

/**
 * Sample every planned sample not yet in the run's records, holding no record: each is appended to
 * records.jsonl as it finishes (read them back with runRecords). For runs of any size.
 */
export async function sampleRun(config: ExperimentConfig, options: RunOptions = {}): Promise<SampledRun> {
  // Everything that can fail on bad input is checked before the run folder is touched.
  const models = options.models ?? (await resolveModels(config));
  const plan = options.plan ?? (await preparePlan(config, options));
  const runDir = runDirFor(config);
  let release: () => void;
  try {
    checkWritableDir(runDir, 'the results folder (--out)');
    checkFolderTarget(runDir, 'the results folder (--out)');
    // Without the cache (--no-cache) its folder is neither needed nor touched.
    if (!options.noCache) {
      checkWritableDir(config.cacheDir, 'the cache folder (--cache)');
      checkFolderTarget(config.cacheDir, 'the cache folder (--cache)');
      // LMDB maps these files: a device or a folder in their place is never opened or replaced.
      for (const file of [RESPONSES_FILE, `${RESPONSES_FILE}-lock`]) checkFileTarget(join(config.cacheDir, file), 'the response cache (--cache)');
    }
    mkdirSync(runDir, { recursive: true });
    // One writer per run folder: a second process on the same run name is refused here.
    release = acquireRunLock(runDir);
  } catch (err) {
    // Models this call resolved (a local GGUF holds memory) are freed before the error goes up.
    if (!options.models) await Promise.all([...models.values()].map((m) => m.close?.()));
    throw err;
  }
  // Half-written files of a writer killed mid-rename (kill -9) are cleaned up by the next one.
  for (const dir of [runDir, join(runDir, 'prompts')]) removeStaleTmpFiles(dir);
  let result: SampledRun;
  try {
    result = await sampleInto(runDir, config, models, plan, options);
  } catch (err) {
    release();
    throw err;
  }
  if (!options.keepLock) release();
  return options.keepLock ? { ...result, releaseLock: release } : result;
}

async function sampleInto(runDir: string, config: ExperimentConfig, models: Map<string, ChatModel>, plan: Plan, options: RunOptions): Promise<SampledRun> {
  const simulated = [...models.values()].some((m) => m.simulated);
  // The plan's keys, packed (25 bytes a key) with one state byte per key below, and past a fixed budget
  // in scratch files (core/keyTable.ts): a run of a million samples holds what ten thousand hold.
  const plannedKeys = new KeyTable();
  for (const sample of plan) plannedKeys.add(sample.key);
  // What is already in the folder is read (and validated) before run.json is rewritten, one line at a
  // time: only keys are kept. A later line for a sample supersedes its earlier ones.
  const previous = existsSync(join(runDir, RUN_FILE)) ? readManifest(runDir).config : undefined;
  refuseChangedSampling(config.name, config, previous);
  // Per planned key (its slot): FINISHED, TO_RETRY, or 0 (not in the records yet).
  const state = new PagedArray(Uint8Array);
  let finishedCount = 0;
  let toRetryCount = 0;
  const setState = (slot: number, value: number) => {
    const was = state.get(slot);
    finishedCount += (value === FINISHED ? 1 : 0) - (was === FINISHED ? 1 : 0);
    toRetryCount += (value === TO_RETRY ? 1 : 0) - (was === TO_RETRY ? 1 : 0);
    state.set(slot, value);
  };
  const keptErrorKinds = new Map<string, string>();
  const currentLine = new Map<string, number>();
  for (const { value: record, offset } of recordLines(runDir, { repair: true })) {
    refuseChangedParams(config.name, config, record);
    const slot = plannedKeys.slotOf(record.key);
    if (slot < 0) continue;
    if (state.get(slot) !== 0) currentLine.set(record.key, offset);
    keptErrorKinds.delete(record.key);
    if (keepOnResume(record, options.retryErrors)) {
      setState(slot, FINISHED);
      if (record.status === 'error') keptErrorKinds.set(record.key, errorKindOf(record));
    } else setState(slot, TO_RETRY);
  }
  // Where the next record's line will start (the file is ours alone while the lock is held).
  let size = statSync(join(runDir, RECORDS_FILE), { throwIfNoEntry: false })?.size ?? 0;
  const keptErrors: Record<string, number> = {};
  for (const kind of keptErrorKinds.values()) keptErrors[kind] = (keptErrors[kind] ?? 0) + 1;
  prepareRunDir(runDir, config, simulated, plan.systemPrompts, plan.settingTexts);

  // The answers this run pays for are marked as its own in the cache: a resume logs, from them, every
  // call a kill kept out of the ledger (between the cache's commit and calls.jsonl's line).
  const cache = options.noCache ? undefined : new ResponseCache(config.cacheDir, { paidBy: runDir });
  const paid = [...models.values()].some((m) => !m.simulated);
  const callsPath = join(runDir, CALLS_FILE);
  dropTornTail(callsPath);
  const logged = paid ? loggedCalls(runDir) : undefined;
  const ledger: CallLedger = {
    append: (call) => {
      if (!call.reconciled) progress.calls++;
      logged?.add(call);
      appendCall(runDir, { at: new Date().toISOString(), ...call });
    },
    // An answer this run paid for that its ledger lacks (a kill after the cache's commit): logged now.
    ...(logged && cache ? { reconcile: { has: (key: string, votes?: readonly number[]) => logged.has(key, votes), paidHere: (key: string) => cache.paidEarlierBy(key) === runDir, paymentsHere: (key: string) => cache.paymentsHere(key) } } : {}),
  };
  // Where the next paid answer's record, ledger line and cache entry go: checked before each call to a
  // paid model (outermost: a cached turn too, since its record is still written), as the judges check.
  const disks = [
    { path: runDir, what: 'the results folder (--out)' },
    ...(cache ? [{ path: config.cacheDir, what: 'the cache folder (--cache)' }] : []),
  ];
  // Each model wrapped once: the ledger and the meter outside the cache, so a call is logged only once its answer is kept.
  const wrapped = new Map([...models].map(([spec, model]) => [spec, wrapModel(model, withRoomBeforePaying(disks), withSpend(options.costMeter, ledger), cache && withCache(cache))]));
  let stopReason: string | undefined;
  const resampled = toRetryCount;
  const progress: RunProgress = { total: plan.total, done: finishedCount, resumed: finishedCount, resampled, errors: 0, calls: 0 };
  options.onProgress?.({ ...progress });
  let stopped = false;
  // A fixed pool of workers pulls the samples still to do from the plan as it is made.
  const samples = plan[Symbol.iterator]();
  const nextSample = (): PlannedSample | undefined => {
    for (let next = samples.next(); !next.done; next = samples.next()) if (state.get(plannedKeys.slotOf(next.value.key)) !== FINISHED) return next.value;
    return undefined;
  };
  const worker = async () => {
    for (let sample = nextSample(); sample; sample = nextSample()) {
      if (options.signal?.aborted || options.costMeter?.exhausted()) {
        stopped = true;
        return;
      }
      const model = models.get(sample.model)!;
      if (stopReason !== undefined) {
        stopped = true;
        return;
      }
      const spend = { calls: 0, costUsd: 0 };
      let result: Awaited<ReturnType<typeof runProtocol>>;
      try {
        result = await runProtocol(wrapped.get(sample.model)!, sample, { askFilteredAgain: options.retryErrors === true }, spend);
      } catch (err) {
        // A disk without room for the next paid answer (withRoomBeforePaying): stop before paying; the sample is left to a resume.
        if (!(err instanceof NoRoomToPay)) throw err;
        stopReason ??= err.reason;
        stopped = true;
        return;
      }
      const costUsd = spend.costUsd;
      const record: SampledRecord = {
        schema: 1,
        key: sample.key,
        run: config.name,
        simulated: model.simulated,
        model: model.spec,
        variant: sample.variant,
        variantHash: sample.variantHash,
        ...(sample.variantOn ? { variantOn: sample.variantOn } : {}),
        ...(sample.ablation ? { ablation: sample.ablation } : {}),
        reasoning: sample.reasoning,
        tier: sample.tier,
        request: sample.request,
        sampleIndex: sample.sampleIndex,
        params: sample.params,
        systemPromptHash: sample.systemPromptHash,
        promptHash: sample.promptHash,
        userTurn: sample.userTurn,
        ...(sample.setting ? { setting: sample.setting } : {}),
        ...result,
        ...(options.costMeter ? { costUsd } : {}),
        finishedAt: new Date().toISOString(),
      };
      // A sample sampled again now has two lines: this one, at the file's current end, is current.
      if (state.get(plannedKeys.slotOf(record.key)) === TO_RETRY) currentLine.set(record.key, size);
      size += appendRecord(runDir, record);
      progress.done++;
      if (record.status === 'error') progress.errors++;
      options.onProgress?.({ ...progress, latest: record });
    }
  };
  // records.jsonl and calls.jsonl stay open while the workers append (the run's lock keeps them ours).
  const release = holdOpenForAppend([join(runDir, RECORDS_FILE), join(runDir, CALLS_FILE)]);
  try {
    await Promise.all(Array.from({ length: config.concurrency }, worker));
  } finally {
    release();
  }
  await Promise.all([...models.values()].filter((m) => !options.models?.has(m.spec)).map((m) => m.close?.()));

  return { runDir, planned: plan.total, plannedKeys, currentLine, progress, stopped, ...(stopReason ? { stopReason } : {}), keptErrors, ...(cache?.writeErrors ? { cacheWriteErrors: { count: cache.writeErrors, last: cache.lastWriteError } } : {}) };
}
