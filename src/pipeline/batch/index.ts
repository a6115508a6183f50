// Batched runs: provider batch APIs for sampling and judging (docs/batch.md).
export { runExperimentBatched, type BatchedExperimentOptions, type BatchedExperimentResult } from './run.js';
export { batchTargetOf, type BatchTarget } from './target.js';
export { runBatchRounds, refuseUnbatchableRun, splitAtLimits, DEFAULT_POLL_DELAY_MS, type BatchProgress, type BatchRunOptions, type BatchRunResult, type BatchStage } from './rounds.js';
export { readBatchRecords, batchesDir, type BatchRecord } from './store.js';
export { BATCH_WINDOW_LINE, batchesJson, cancelBatches, formatBatches, formatBatchProgress } from './report.js';
