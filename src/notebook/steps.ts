// The notebooks' experiments. Each step is a plain experiment config derived from
// notebooks/config.json, so any notebook can re-run an earlier step on its own: samples already in
// data/results/<run>/ are resumed and every model call already made is served from data/cache/,
// so repeating a step costs nothing. Statements written in notebook 03 are saved as variant files
// in notebooks/statements/, which is how later notebooks see them: state passes through files.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { estimateExperiment } from '../pipeline/estimate.js';
import type { CostEstimate } from '../cost/estimate.js';
import { inlineVariant, listVariants } from '../prompts/variants.js';
import { runExperiment, type ExperimentResult } from '../pipeline/experiment.js';
import type { ExperimentConfig } from '../core/config.js';
import { replaceFolderAtomic, writeFileAtomic } from '../core/files.js';
import { UserError } from '../core/errors.js';
import { projectPath, simulatorOnly, stepExperiment, type NotebookSetup } from './config.js';
import type { NotebookView } from './view.js';

export const NOTEBOOK_RUNS = { baseline: 'notebook-baseline', mitigation: 'notebook-mitigation' } as const;

export interface NotebookStep {
  /** Shown above the progress box. */
  title: string;
  config: ExperimentConfig;
}

/** Notebook 02: the unmodified system prompt, every model, reasoning condition and tier of the configuration. */
export function baselineStep(setup: NotebookSetup): NotebookStep {
  return { title: 'Baseline', config: stepExperiment(setup, { name: NOTEBOOK_RUNS.baseline, variants: ['baseline'] }) };
}

/** The statements the notebooks ship with: what notebook 03 saves when it runs as committed. */
function committedStatementsDir(setup: NotebookSetup): string {
  return join(setup.root, 'notebooks', 'statements');
}

/** Where notebook 03 saves statements: notebooks/statements/, or under AF_LAB_DATA_DIR when set. */
function statementsDir(setup: NotebookSetup): string {
  return setup.dataDir ? join(setup.notebookDataDir, 'statements') : committedStatementsDir(setup);
}

/**
 * Save the statements of notebook 03 as variant files (one per name), replacing earlier ones, and
 * return their paths. Names become variant names in every table and figure. Every statement is
 * checked before anything is written, and the folder is replaced as a whole: a bad entry leaves
 * the saved set as it was, so notebooks 04 and 05 never run a partial one.
 */
export function saveMitigationStatements(setup: NotebookSetup, statements: Record<string, string>): string[] {
  const files: Record<string, string> = {};
  for (const [name, text] of Object.entries(statements)) {
    const variant = inlineVariant(name, text, 'written in notebook 03');
    if (!variant.body) throw new UserError(`the statement "${name}" is empty`, 'write a statement or remove its entry');
    if (listVariants().includes(name)) {
      throw new UserError(`"${name}" is the name of a built-in variant`, 'give your statement another name');
    }
    files[`${name}.txt`] = `---\nname: ${variant.name}\ndescription: ${variant.description}\n---\n${variant.body}\n`;
  }
  const dir = statementsDir(setup);
  replaceFolderAtomic(dir, files);
  return Object.keys(files).map((file) => join(dir, file));
}

/**
 * The variant files saved by notebook 03; with AF_LAB_DATA_DIR set and notebook 03 not yet run
 * there, the committed ones (so that notebook 01's estimate counts them on a fresh data folder too).
 */
export function savedMitigationStatements(setup: NotebookSetup): string[] {
  const saved = statementsDir(setup);
  const dir = existsSync(saved) ? saved : committedStatementsDir(setup);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.endsWith('.txt'))
    .sort()
    .map((name) => join(dir, name));
}

/**
 * Notebook 03: the baseline against the configuration's mitigation variants (built-in names in
 * config.json's `variants`) and the statements saved from notebook 03. The baseline samples are
 * the same prompts as notebook 02's, so a real model's answers come from the cache (the simulator answers again, for nothing).
 */
export function mitigationStep(setup: NotebookSetup): NotebookStep {
  const variants = ['baseline', ...setup.experiment.variants.filter((v) => v !== 'baseline'), ...savedMitigationStatements(setup)];
  return { title: 'Statements of duty', config: stepExperiment(setup, { name: NOTEBOOK_RUNS.mitigation, variants }) };
}

/** What a step would cost with the configured models and judge (nothing for the simulator); with a view, a box says the plan is being estimated. */
export async function estimateStep(step: NotebookStep, view?: NotebookView): Promise<CostEstimate> {
  const task = view?.task(`${step.title}: estimate`);
  task?.step('estimating the plan (its prompts counted with each model\'s tokenizer)');
  try {
    const estimate = await estimateExperiment(step.config);
    task?.finish();
    return estimate;
  } catch (err) {
    task?.fail(String((err as Error)?.message ?? err));
    throw err;
  }
}

/**
 * Run a step through runExperiment (sample, judge, summarise, transcript report; figures are drawn
 * by notebook 05), resuming whatever is already done. With a view, progress and spend are drawn live.
 */
export async function runStep(step: NotebookStep, view?: NotebookView): Promise<ExperimentResult> {
  const live = view?.progress(step.title, { simulated: simulatorOnly(step.config), budgetUsd: step.config.budgetUsd });
  try {
    const result = await surfaceFailures((signal) =>
      runExperiment(step.config, {
        figures: false,
        report: true,
        signal,
        ...(live ? { costMeter: live.costMeter, onProgress: live.onProgress, onJudgeProgress: live.onJudgeProgress, onStep: live.onStep } : {}),
      }),
    );
    live?.finish(result.stopped);
    return result;
  } catch (err) {
    live?.fail(err instanceof UserError ? err.describe() : String((err as Error)?.message ?? err));
    throw err;
  }
}

/**
 * Run a step so that any failure in it ends the cell with that error. The tslab kernel only logs a
 * promise rejection nobody handles (to the kernel's console, not the cell) and goes on, so a step
 * whose part failed that way could wait forever with its progress box frozen and the cells after
 * it unrun. While the step runs, such a rejection stops it (its signal aborts) and fails the cell.
 */
export async function surfaceFailures<T>(run: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const abort = new AbortController();
  let fail: (reason: unknown) => void = () => {};
  const failed = new Promise<never>((_resolve, reject) => {
    fail = reject;
  });
  const onRejection = (reason: unknown) => {
    abort.abort(reason);
    fail(reason instanceof Error ? reason : new Error(`a step failed: ${String(reason)}`));
  };
  process.on('unhandledRejection', onRejection);
  try {
    return await Promise.race([run(abort.signal), failed]);
  } finally {
    process.off('unhandledRejection', onRejection);
  }
}

/** One line (Markdown) on what a step did: where its results are, what was sampled now, what was reused. */
export function runSummaryLine(setup: NotebookSetup, result: ExperimentResult): string {
  const { done, resumed, calls, errors } = result.progress;
  const fresh = done - resumed;
  return [
    `Run folder \`${projectPath(setup, result.runDir)}\`: ${result.recordCount} samples`,
    `${fresh} sampled by this cell with ${calls} model calls (answers already in the response cache cost none), ${resumed} already on disk`,
    // A judge call is one request to the judge model: the AF classifier asks one per vote.
    result.judging ? `${result.judging.calls} calls to the judge model (the AF classifier's votes included)` : 'no LLM judge (prefix proxy is the primary label; set "judge" in notebooks/config.json to add one)',
    ...(errors ? [`**${errors} samples ended in a provider error** (see the transcript report)`] : []),
    ...(result.stopped ? ['**stopped early: budget reached** (re-run to resume)'] : []),
  ].join(' · ') + '.';
}

/**
 * A Markdown link to the run's transcript browser that opens from the notebook: the report is
 * copied into `reports/` beside the notebook (the kernel's folder), which the Jupyter server
 * serves, while data/ may be outside the folder it was started in.
 */
export function transcriptLink(setup: NotebookSetup, result: ExperimentResult, notebookDir = process.cwd()): string {
  if (!result.reportFile) return 'This run wrote no transcript report.';
  const name = `${basename(result.runDir)}.html`;
  writeFileAtomic(join(notebookDir, 'reports', name), readFileSync(result.reportFile), { durable: false });
  const source = projectPath(setup, result.reportFile);
  return `[Open the transcript browser](reports/${name}) (a copy of \`${source}\`, written beside this notebook).`;
}
