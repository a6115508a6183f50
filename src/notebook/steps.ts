// The notebooks' experiments. Each step is a plain experiment config derived from
// notebooks/config.json, so any notebook can re-run an earlier step on its own: samples already in
// data/results/<run>/ are resumed and every model call already made is served from data/cache/,
// so repeating a step costs nothing. Statements written in notebook 03 are saved as variant files
// under data/, which is how later notebooks see them: state passes through files, never globals.
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { estimateExperiment } from '../pipeline/estimate.js';
import type { CostEstimate } from '../cost/estimate.js';
import { inlineVariant, listVariants } from '../prompts/variants.js';
import { runExperiment, type ExperimentResult } from '../pipeline/experiment.js';
import type { ExperimentConfig } from '../core/config.js';
import { writeFileAtomic } from '../core/files.js';
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

function statementsDir(setup: NotebookSetup): string {
  return join(setup.notebookDataDir, 'variants');
}

/**
 * Save the statements of notebook 03 as variant files (one per name), replacing earlier ones, and
 * return their paths. Names become variant names in every table and figure.
 */
export function saveMitigationStatements(setup: NotebookSetup, statements: Record<string, string>): string[] {
  const dir = statementsDir(setup);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return Object.entries(statements).map(([name, text]) => {
    const variant = inlineVariant(name, text, 'written in notebook 03');
    if (!variant.body) throw new UserError(`the statement "${name}" is empty`, 'write a statement or remove its entry');
    if (listVariants().includes(name)) {
      throw new UserError(`"${name}" is the name of a built-in variant`, 'give your statement another name');
    }
    const path = join(dir, `${name}.txt`);
    writeFileAtomic(path, `---\nname: ${variant.name}\ndescription: ${variant.description}\n---\n${variant.body}\n`);
    return path;
  });
}

/** The variant files saved by notebook 03 (none when it has not run on this machine). */
export function savedMitigationStatements(setup: NotebookSetup): string[] {
  const dir = statementsDir(setup);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.endsWith('.txt'))
    .sort()
    .map((name) => join(dir, name));
}

/**
 * Notebook 03: the baseline against the configuration's mitigation variants (built-in names in
 * config.json's `variants`) and the statements saved from notebook 03. The baseline samples are
 * the same prompts as notebook 02's, so they come from the cache.
 */
export function mitigationStep(setup: NotebookSetup): NotebookStep {
  const variants = ['baseline', ...setup.experiment.variants.filter((v) => v !== 'baseline'), ...savedMitigationStatements(setup)];
  return { title: 'Statements of duty', config: stepExperiment(setup, { name: NOTEBOOK_RUNS.mitigation, variants }) };
}

/** What a step would cost with the configured models and judge (nothing for the simulator). */
export function estimateStep(step: NotebookStep): Promise<CostEstimate> {
  return estimateExperiment(step.config);
}

/**
 * Run a step through runExperiment (sample, judge, summarise, transcript report; figures are drawn
 * by notebook 05), resuming whatever is already done. With a view, progress and spend are drawn live.
 */
export async function runStep(step: NotebookStep, view?: NotebookView): Promise<ExperimentResult> {
  const live = view?.progress(step.title, { simulated: simulatorOnly(step.config), budgetUsd: step.config.budgetUsd });
  const result = await runExperiment(step.config, {
    figures: false,
    report: true,
    ...(live ? { costMeter: live.costMeter, onProgress: live.onProgress, onJudgeProgress: live.onJudgeProgress } : {}),
  });
  live?.finish(result.stopped);
  return result;
}

/** One line (Markdown) on what a step did: where its results are, what was sampled now, what was reused. */
export function runSummaryLine(setup: NotebookSetup, result: ExperimentResult): string {
  const { done, resumed, calls, errors } = result.progress;
  const fresh = done - resumed;
  return [
    `Run folder \`${projectPath(setup, result.runDir)}\`: ${result.records.length} samples`,
    `${fresh} sampled by this cell with ${calls} model calls (answers already in the response cache cost none), ${resumed} already on disk`,
    result.judging ? `${result.judging.calls} judge calls sent` : 'no LLM judge (prefix proxy is the primary label; set "judge" in notebooks/config.json to add one)',
    ...(errors ? [`**${errors} samples ended in a provider error** (see the transcript report)`] : []),
    ...(result.stopped ? ['**stopped early: budget reached** (re-run to resume)'] : []),
  ].join(' · ') + '.';
}
