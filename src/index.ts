// af-lab's public root: the names a notebook or a script needs to run an experiment, load a run,
// judge it, summarise it, test it and draw it. Everything else is one subpath away:
// af-lab/core, af-lab/prompts, af-lab/requests, af-lab/models, af-lab/run, af-lab/classify,
// af-lab/settings, af-lab/judge, af-lab/stats, af-lab/summary, af-lab/cost, af-lab/plots, af-lab/report,
// af-lab/pipeline, af-lab/notebook.
export type { ExperimentConfig, ExperimentInput, SampleRecord, SampledRecord, Labels, Transcript, HarmfulRequest, Tier, Reasoning, ChatModel } from './core/index.js';
export { parseExperiment, loadExperimentFile, UserError, isUserError } from './core/index.js';

// Run an experiment, or open one that ran.
export { runExperiment, estimateExperiment, loadRun, openRun, type ExperimentResult, type LoadedRun, type OpenedRun } from './pipeline/index.js';

// Stimuli and models.
export { loadSystemPrompt, loadVariant, renderSystemPrompt, renderUserTurn } from './prompts/index.js';
export { listSettings, readSetting, resolveSetting, withSettingDefaults } from './settings/index.js';
export { loadRequests } from './requests/index.js';
export { resolveModel, parseModelSpec, PERSONAS, readStatement } from './models/index.js';

// Labels and the summary.
export { judgeRun, labelRecords, readHumanLabels, referenceFromHumanLabels, referenceFromSimulatorTruth } from './label/index.js';
export { buildSummary, formatSummary, summaryFrame, type Summary, type SummaryRow } from './summary/index.js';

// Statistics.
export { proportion, complianceGap, fisherExact, holm, benjaminiHochberg, sampleSizeExact, detectableGap, recomputePublished, mitigationEffect, describeGapChange } from './stats/index.js';

// Figures.
export { afValidationFigures, buildFigure, buildFigures, writeFigures, paperFigures, besidePaperFigures } from './plots/index.js';

// The notebooks' steps and live view.
export {
  loadNotebookConfig,
  stepExperiment,
  estimateStep,
  estimateHtml,
  baselineStep,
  mitigationStep,
  runStep,
  runSummaryLine,
  transcriptLink,
  saveMitigationStatements,
  notebookView,
  projectPath,
  mitigationTable,
  mitigationView,
  publishedMitigation,
  publishedMitigationHtml,
  configRows,
  publishedRows,
  publishedGaps,
  sampleSizeRows,
  ablationStep,
  ablationView,
  elementRows,
} from './notebook/index.js';
