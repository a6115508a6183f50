// What a run batches: the sampled models, the judge, or both (light: `estimate` and `run` read it first).
import type { ExperimentConfig } from '../../core/config.js';
import { judgeFor } from '../../core/config.js';
import { UserError } from '../../core/errors.js';
import { parseModelSpec } from '../../models/spec.js';

/** What `--batch` names: the sampled models, the judge, or both. */
export type BatchTarget = 'models' | 'judge' | 'both';

const SWITCHED_ON = new Set(['1', 'true', 'yes']);

/**
 * What a run batches, from the config's `batch`, the `--batch` flag (true or a target) and `?batch=1`
 * on a model's or the judge's spec; undefined when nothing is batched.
 */
export function batchTargetOf(config: ExperimentConfig, flag?: boolean | string): BatchTarget | undefined {
  let models = false;
  let judge = false;
  for (const value of [config.batch, flag]) {
    if (value === undefined || value === false) continue;
    if (value !== true && value !== 'both' && value !== 'models' && value !== 'judge') {
      throw new UserError(`--batch ${String(value)} is not one of models, judge, both`, 'write --batch (models and judge), --batch models or --batch judge');
    }
    if (value !== 'judge') models = true;
    if (value !== 'models') judge = true;
  }
  if (config.models.some((spec) => SWITCHED_ON.has(parseModelSpec(spec).options.batch ?? ''))) models = true;
  const judgeSpec = judgeFor(config);
  if (judgeSpec && SWITCHED_ON.has(parseModelSpec(judgeSpec).options.batch ?? '')) judge = true;
  return models && judge ? 'both' : models ? 'models' : judge ? 'judge' : undefined;
}

