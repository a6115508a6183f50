// A notebook step sent through the providers' batch APIs (docs/batch.md). A cell that does not wait
// submits what it can, draws each batch's state in its progress box and returns; running the cell
// again later reads the batches that ended, submits the next round, and once every batch is read
// writes the run as runStep does.
import { UserError } from '../core/errors.js';
import type { ExperimentOutcome } from '../pipeline/experiment.js';
import { runExperimentBatched, type BatchRunResult, type BatchTarget } from '../pipeline/batch/index.js';
import { simulatorOnly } from './config.js';
import { surfaceFailures, type NotebookStep } from './steps.js';
import type { NotebookView } from './view.js';

export interface BatchedStepOptions {
  /** What is batched: the sampled models, the judge, or both (default both). */
  target?: BatchTarget;
  /** false: submit, look once, and return; re-run the cell later to pick the results up (default true). */
  wait?: boolean;
}

export interface BatchedStepResult {
  /** The run, once every batch is read; absent while batches are in flight. */
  result?: ExperimentOutcome;
  batches: BatchRunResult;
  /** One line (Markdown) for the cell: what is in flight and what to do, or that the run is written. */
  line: string;
}

export async function runBatchedStep(step: NotebookStep, view?: NotebookView, options: BatchedStepOptions = {}): Promise<BatchedStepResult> {
  const live = view?.progress(step.title, { simulated: simulatorOnly(step.config), budgetUsd: step.config.budgetUsd });
  try {
    const { batches, outcome } = await surfaceFailures((signal) =>
      runExperimentBatched(step.config, {
        figures: false,
        report: true,
        signal,
        ...(live ? { costMeter: live.costMeter, onProgress: live.onProgress, onJudgeProgress: live.onJudgeProgress, onStep: live.onStep } : {}),
        batch: { target: options.target ?? 'both', wait: options.wait ?? true, ...(live ? { onProgress: live.onBatchProgress } : {}) },
      }),
    );
    if (!outcome) {
      live?.waiting();
      const inFlight = batches.batches.filter((b) => !b.downloadedAt).length;
      return { batches, line: `${inFlight} batches in flight (the providers answer within 24 hours): **run this cell again later** to read them and go on; nothing is submitted twice.` };
    }
    live?.finish(outcome.stopped);
    return { result: outcome, batches, line: `All ${batches.batches.length} batches read; the run is written (${outcome.recordCount} samples).` };
  } catch (err) {
    live?.fail(err instanceof UserError ? err.describe() : String((err as Error)?.message ?? err));
    throw err;
  }
}
