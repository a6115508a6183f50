// A whole experiment with its calls sent through the providers' batch APIs: the rounds (rounds.ts)
// fill the cache, then the ordinary pipeline writes the records, judgements, summary, figures and
// report from it, exactly as a direct run would (it sends nothing a batch answered).
import type { ExperimentConfig } from '../../core/config.js';
import { isSimulatorSpec, judgeFor } from '../../core/config.js';
import type { BatchTarget } from './target.js';
import type { ChatModel } from '../../core/types.js';
import { resolveModel } from '../../models/index.js';
import { parseModelSpec } from '../../models/spec.js';
import { sampleRun } from '../../run/runner.js';
import { runExperiment, type ExperimentOptions, type ExperimentOutcome } from '../experiment.js';
import { batchedModel } from './collect.js';
import { refuseUnbatchableRun, runBatchRounds, type BatchRunOptions, type BatchRunResult } from './rounds.js';


export interface BatchedExperimentOptions extends ExperimentOptions {
  batch: Omit<BatchRunOptions, 'sample' | 'judge' | 'costMeter' | 'models' | 'judgeModel' | 'signal'> & {
    target: BatchTarget;
    /** A line the batches gave up on (refused, or failed again and again): an error (default), or sent one by one. */
    fallback?: 'none' | 'direct';
  };
}

export interface BatchedExperimentResult {
  batches: BatchRunResult;
  /** The run's outcome; absent while batches are still in flight (`wait: false`): call again later. */
  outcome?: ExperimentOutcome;
}

export async function runExperimentBatched(config: ExperimentConfig, options: BatchedExperimentOptions): Promise<BatchedExperimentResult> {
  const { target, fallback = 'none', ...batchOptions } = options.batch;
  const sample = target !== 'judge';
  // `both` batches the judge where there is one to pay for (a simulated judge costs nothing and is asked directly).
  const judgeSpec = judgeFor(config);
  const judge = target === 'judge' || (target === 'both' && judgeSpec !== undefined && !isSimulatorSpec(judgeSpec));
  // Refused in one line before anything is sent.
  refuseUnbatchableRun(config, { sample, judge });
  const models = new Map<string, ChatModel>(options.models ?? []);
  for (const spec of config.models) if (!models.has(spec)) models.set(spec, await resolveModel(spec, { limits: config.limits[parseModelSpec(spec).provider] }));
  const judgeModel = options.judgeModel ?? (judgeSpec ? await resolveModel(judgeSpec, { limits: config.limits[parseModelSpec(judgeSpec).provider] }) : undefined);
  try {
    // Only the judge batched: the samples are sampled one by one first, as a direct run samples them.
    if (!sample) await sampleRun(config, { ...options, models });
    const batches = await runBatchRounds(config, { ...batchOptions, sample, judge, models, ...(judgeModel ? { judgeModel } : {}), ...(options.costMeter ? { costMeter: options.costMeter } : {}), ...(options.signal ? { signal: options.signal } : {}) });
    if (!batches.done) return { batches };
    // The pass that writes everything: answered from the cache; a line given up on is the call's error (or sent directly).
    const wrap = (model: ChatModel, role: 'sample' | 'judge') => {
      const client = batches.clients.get(model.spec);
      return client ? batchedModel(model, { client, book: batches.book, role, fallback }) : model;
    };
    const finalModels = new Map([...models].map(([spec, model]) => [spec, sample ? wrap(model, 'sample') : model]));
    const finalJudge = judgeModel ? (judge ? wrap(judgeModel, 'judge') : judgeModel) : undefined;
    const outcome = await runExperiment(config, { ...options, keepRecords: false, models: finalModels, ...(finalJudge ? { judgeModel: finalJudge } : {}) });
    return { batches, outcome };
  } finally {
    if (!options.models) await Promise.all([...models.values()].map((m) => m.close?.()));
    if (!options.judgeModel) await judgeModel?.close?.();
  }
}
