// af-lab/notebook, helpers for the tslab notebooks in notebooks/: the shared configuration, the steps
// each notebook runs, the rows its tables show, and the view that draws them. (The headless notebook
// runner is tooling, in tools/notebook-kernel/, and not shipped.)
export * from './config.js';
export * from './html.js';
export * from './steps.js';
export * from './batchStep.js';
export * from './view.js';
export * from './mitigation.js';
export * from './tables.js';
export * from './ablation.js';
