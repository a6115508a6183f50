// The runner: every planned sample not yet in the run's records is sampled through the protocol,
// labelled offline, and appended as one JSON line the moment it finishes. A run killed at any
// moment resumes where it stopped: completed samples are kept and never asked again.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import pLimit from 'p-limit';
import type { ExperimentConfig } from '../core/config.js';
import { resolveModel } from '../models/index.js';
import { parseModelSpec } from '../models/spec.js';
import type { ChatModel, SampledRecord } from '../core/types.js';
import type { SpendMeter } from '../core/usage.js';
import { ResponseCache } from '../core/cache.js';
import { planSamples, type PlannedSample, type PlanOptions } from './plan.js';
import { runProtocol } from './protocol.js';
import { countErrorKinds, keepOnResume, refuseChangedSampling } from './resume.js';
import { appendCall, appendRecord, prepareRunDir, readManifest, readRecords, runDirFor, RUN_FILE } from '../core/runStore.js';
import { acquireRunLock } from '../core/runLock.js';
import { checkWritableDir, removeStaleTmpFiles } from '../core/files.js';


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
}

export interface RunResult {
  runDir: string;
  planned: PlannedSample[];
  /** The records of this run's plan (earlier and new), one per planned sample that finished. */
  records: SampledRecord[];
  progress: RunProgress;
  /** True when the budget or a signal stopped the run before every sample was sent. */
  stopped: boolean;
  /** Errors kept from earlier runs because retrying cannot fix them, by kind (`--retry-errors` samples them again). */
  keptErrors: Record<string, number>;
  /** With `keepLock`: frees the run folder's lock. */
  releaseLock?: () => void;
  /** Responses that could not be written to the cache (full or read-only disk), and the last reason. */
  cacheWriteErrors?: { count: number; last?: string };
}

export async function resolveModels(config: ExperimentConfig): Promise<Map<string, ChatModel>> {
  const models = new Map<string, ChatModel>();
  for (const spec of config.models) {
    const provider = parseModelSpec(spec).provider;
    models.set(spec, await resolveModel(spec, { limits: config.limits[provider] }));
  }
  return models;
}

export async function runSamples(config: ExperimentConfig, options: RunOptions = {}): Promise<RunResult> {
  // Everything that can fail on bad input is checked before the run folder is touched.
  const models = options.models ?? (await resolveModels(config));
  const planned = await planSamples(config, options);
  const runDir = runDirFor(config);
  let release: () => void;
  try {
    checkWritableDir(runDir, 'the results folder (--out)');
    checkWritableDir(config.cacheDir, 'the cache folder (--cache)');
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
  let result: RunResult;
  try {
    result = await sampleInto(runDir, config, models, planned, options);
  } catch (err) {
    release();
    throw err;
  }
  if (!options.keepLock) release();
  return options.keepLock ? { ...result, releaseLock: release } : result;
}

async function sampleInto(runDir: string, config: ExperimentConfig, models: Map<string, ChatModel>, planned: PlannedSample[], options: RunOptions): Promise<RunResult> {
  const simulated = [...models.values()].some((m) => m.simulated);
  // What is already in the folder is read (and validated) before run.json is rewritten.
  const earlier = readRecords(runDir, { repair: true });
  const previous = existsSync(join(runDir, RUN_FILE)) ? readManifest(runDir).config : undefined;
  refuseChangedSampling(config.name, config, previous, earlier);
  prepareRunDir(runDir, config, simulated, new Map(planned.map((s) => [s.systemPromptHash, s.systemPrompt])));

  const cache = new ResponseCache(config.cacheDir);
  const plannedKeys = new Set(planned.map((s) => s.key));
  const finished = new Map<string, SampledRecord>();
  let resampled = 0;
  // The latest record per key (a sample sampled again supersedes its earlier record).
  for (const record of earlier) {
    if (!plannedKeys.has(record.key)) continue;
    if (keepOnResume(record, options.retryErrors)) finished.set(record.key, record);
    else resampled++;
  }
  const keptErrors = countErrorKinds(finished.values());
  const todo = planned.filter((s) => !finished.has(s.key));

  const progress: RunProgress = { total: planned.length, done: finished.size, resumed: finished.size, resampled, errors: 0, calls: 0 };
  options.onProgress?.({ ...progress });
  let stopped = false;
  const limit = pLimit(config.concurrency);

  await Promise.all(
    todo.map((sample) =>
      limit(async () => {
        if (options.signal?.aborted || options.costMeter?.exhausted()) {
          stopped = true;
          return;
        }
        const model = models.get(sample.model)!;
        let costUsd = 0;
        const result = await runProtocol(model, sample, cache, {
          onCall: (usage, cacheKey) => {
            const cost = options.costMeter?.record(model.spec, usage) ?? 0;
            costUsd += cost;
            progress.calls++;
            appendCall(runDir, { at: new Date().toISOString(), model: model.spec, purpose: 'sample', cacheKey, usage, ...(options.costMeter ? { costUsd: cost } : {}) });
          },
        });
        const record: SampledRecord = {
          schema: 1,
          key: sample.key,
          run: config.name,
          simulated: model.simulated,
          model: model.spec,
          variant: sample.variant,
          variantHash: sample.variantHash,
          ...(sample.variantOn ? { variantOn: sample.variantOn } : {}),
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
        appendRecord(runDir, record);
        finished.set(record.key, record);
        progress.done++;
        if (record.status === 'error') progress.errors++;
        options.onProgress?.({ ...progress, latest: record });
      }),
    ),
  );
  await Promise.all([...models.values()].filter((m) => !options.models?.has(m.spec)).map((m) => m.close?.()));

  const records = planned.flatMap((s) => (finished.has(s.key) ? [finished.get(s.key)!] : []));
  return { runDir, planned, records, progress, stopped, keptErrors, ...(cache.writeErrors ? { cacheWriteErrors: { count: cache.writeErrors, last: cache.lastWriteError } } : {}) };
}
