// Helpers for the tslab notebooks in notebooks/: the shared configuration, the steps each notebook
// runs, and what cells display. (The headless runner in ./kernel/ is tooling and not exported.)
export * from './config.js';
export * from './html.js';
export * from './steps.js';
export * from './batchStep.js';
export * from './view.js';
export * from './mitigation.js';
export * from './tables.js';
export * from './ablation.js';
