// af-lab/pipeline: the stages strung together (sample, label, summarise, draw, report), a cost
// estimate of a whole experiment before any call, and a finished run folder as one handle.
export { runExperiment, type ExperimentOptions, type ExperimentResult, type ExperimentStep } from './experiment.js';
export { estimateExperiment, estimateJudge, JUDGE_CALL_KINDS } from './estimate.js';
export { loadRun, type LoadedRun } from './loadRun.js';
export { openRun, type OpenedRun, type OpenRunOptions } from './openRun.js';
export { repairRun, type RepairedFile } from './repairRun.js';
