// Notebook 06: prompt ablations and paraphrase suites. A design is a plain experiment config with an
// `ablation` block (docs/ablations.md); its conditions are variants, so runStep, the cache and the run
// folder work as for any step. A cell draws the model's table and one sentence per change.
import type { AblationDesign, ExperimentInput } from '../core/config.js';
import { loadSystemPrompt, loadVariant, elementNames } from '../prompts/index.js';
import { describeAblationEffect, describeWordingSpread, type Summary } from '../summary/index.js';
import { formatInterval, formatP, formatPoints } from '../stats/format.js';
import { stepExperiment, type NotebookSetup } from './config.js';
import type { NotebookTable } from './mitigation.js';
import type { NotebookStep } from './steps.js';

export const ABLATION_RUNS = { elements: 'notebook-ablation', paraphrases: 'notebook-paraphrases' } as const;

/** A design as a notebook step: the configuration's models and settings, these statements and this design. */
export function ablationStep(
  setup: NotebookSetup,
  options: { name?: string; title?: string; variants: string[]; ablation: ExperimentInput['ablation'] & object; overrides?: Omit<Partial<ExperimentInput>, 'name' | 'variants' | 'ablation'> },
): NotebookStep {
  const design = (options.ablation as AblationDesign).design;
  const name = options.name ?? (design === 'paraphrases' ? ABLATION_RUNS.paraphrases : ABLATION_RUNS.elements);
  return {
    title: options.title ?? `Ablation (${design})`,
    config: stepExperiment(setup, { ...options.overrides, name, variants: options.variants, ablation: options.ablation }),
  };
}

/** The elements each prompt names: the system prompt's (CoT) and each statement's. */
export function elementRows(variants: readonly string[], systemPromptPath?: string): Array<{ prompt: string; elements: string }> {
  const system = loadSystemPrompt('cot', systemPromptPath);
  return [
    { prompt: 'system prompt (CoT)', elements: elementNames(system.marked ?? '').join(', ') || '(none)' },
    ...variants.map((name) => ({ prompt: name, elements: elementNames(loadVariant(name).marked ?? '').join(', ') || '(none)' })),
  ];
}

const interval = (c: { estimate: number; ci: [number, number] }) => `${formatPoints(c.estimate, 1)} ${formatInterval(c.ci, (x) => formatPoints(x, 1))}`;

/** The ablation model of a summary as rows and one sentence per change; `model` keeps one model's rows. */
export function ablationTable(summary: Summary, options: { model?: string } = {}): NotebookTable {
  const result = summary.ablation;
  if (!result) return { caption: 'No ablation design in these records', rows: [], sentences: [], simulated: summary.simulated };
  const effects = result.effects.filter((e) => !options.model || e.model === options.model);
  const spreads = result.spreads.filter((s) => !options.model || s.model === options.model);
  const level = `${Math.round(result.confLevel * 100)}%`;
  const rows = effects.map((e) => ({
    model: e.model,
    reasoning: e.reasoning,
    statement: e.statement,
    element: e.element,
    change: e.change,
    [`free, points [${level}]`]: interval(e.free),
    [`paid, points [${level}]`]: interval(e.paid),
    [`gap, points [${level}]`]: interval(e.gap),
    'joint χ² (df)': `${e.joint.statistic.toFixed(2)} (${e.joint.df})`,
    'joint p': formatP(e.joint.pValue),
  }));
  const caption = `Each change against the condition with every element on (paraphrases: against baseline), ${result.label} labels; logistic model, errors clustered by request`;
  const sentences = [...effects.map((e) => describeAblationEffect(e, result.confLevel)), ...spreads.map(describeWordingSpread)];
  return { caption, rows, sentences, simulated: summary.simulated };
}
