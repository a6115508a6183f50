// The runner: every planned sample not yet in the run's records is sampled through the protocol,
// labelled offline, and appended as one JSON line the moment it finishes. A run killed at any
// moment resumes where it stopped: completed samples are kept and never asked again.
import pLimit from 'p-limit';
import type { ExperimentConfig } from '../core/config.js';
import { resolveModel } from '../models/index.js';
import { parseModelSpec } from '../models/spec.js';
import type { ChatModel, SampledRecord } from '../core/types.js';
import type { SpendMeter } from '../core/usage.js';
import { ResponseCache } from '../core/cache.js';
import { planSamples, type PlannedSample, type PlanOptions } from './plan.js';
import { runProtocol } from './protocol.js';
import { appendCall, appendRecord, prepareRunDir, readRecords, runDirFor } from '../core/runStore.js';


export interface RunProgress {
  total: number;
  /** Samples finished, including those already in the records before this run started. */
  done: number;
  /** Samples found already finished when the run started. */
  resumed: number;
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
}

export interface RunResult {
  runDir: string;
  planned: PlannedSample[];
  /** The records of this run's plan (earlier and new), one per planned sample that finished. */
  records: SampledRecord[];
  progress: RunProgress;
  /** True when the budget or a signal stopped the run before every sample was sent. */
  stopped: boolean;
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
  const simulated = [...models.values()].some((m) => m.simulated);
  prepareRunDir(runDir, config, simulated, new Map(planned.map((s) => [s.systemPromptHash, s.systemPrompt])));

  const cache = new ResponseCache(config.cacheDir);
  const plannedKeys = new Set(planned.map((s) => s.key));
  const finished = new Map<string, SampledRecord>();
  for (const record of readRecords(runDir, { repair: true })) if (plannedKeys.has(record.key)) finished.set(record.key, record);
  const todo = planned.filter((s) => !finished.has(s.key));

  const progress: RunProgress = { total: planned.length, done: finished.size, resumed: finished.size, errors: 0, calls: 0 };
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
          reasoning: sample.reasoning,
          tier: sample.tier,
          request: sample.request,
          sampleIndex: sample.sampleIndex,
          params: sample.params,
          systemPromptHash: sample.systemPromptHash,
          promptHash: sample.promptHash,
          userTurn: sample.userTurn,
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
  return { runDir, planned, records, progress, stopped };
}
