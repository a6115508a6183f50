// af-lab's public root: the names a notebook author or a script holds in mind to run an experiment,
// read a setting, open a run, summarise it, test it, draw it and write its report (test/public-root.test.ts
// pins the list). Everything else is one subpath away, one per folder: af-lab/core, af-lab/prompts,
// af-lab/requests, af-lab/models, af-lab/settings, af-lab/run, af-lab/classify, af-lab/judge, af-lab/label,
// af-lab/stats, af-lab/summary, af-lab/cost, af-lab/plots, af-lab/report, af-lab/pipeline,
// af-lab/browser, and af-lab/notebook (the notebooks' steps and what their cells draw).
export type { ExperimentConfig, ExperimentInput, SampleRecord } from './core/index.js';
export { parseExperiment, loadExperimentFile, UserError } from './core/index.js';

// Run an experiment (or price it first), and open one that ran.
export { runExperiment, estimateExperiment, openRun, loadRun, type ExperimentResult, type OpenedRun, type LoadedRun } from './pipeline/index.js';

// Settings: the published setups a run can follow.
export { listSettings, readSetting } from './settings/index.js';

// The summary and its statistics.
export { buildSummary, formatSummary, type Summary } from './summary/index.js';
export { proportion, complianceGap, fisherExact, mitigationEffect, sampleSizeExact, detectableGap } from './stats/index.js';

// Figures and the transcript report.
export { buildFigure, writeFigures, paperFigures } from './plots/index.js';
export { writeReport } from './report/index.js';
