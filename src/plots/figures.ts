// The run's figures, built from its records.
import type { SampleRecord } from '../core/types.js';
import { afScoreFigure } from './afScoreFigure.js';
import { agreementFigure } from './agreementFigure.js';
import { markSimulated, type Figure } from './figure.js';
import { figureInputs, type FigureInputOptions } from './figureInputs.js';
import { gapFigure } from './gapFigure.js';
import type { FigureInputs } from './inputs.js';
import { outcomesFigure } from './outcomesFigure.js';
import { powerFigure } from './powerFigure.js';
import { mitigationFigure } from './mitigationFigure.js';
import { ablationFigure } from './ablationFigure.js';
import { scoresFigures } from './scoresFigure.js';

/** `scores`: one figure per user scorer (`score-<name>`). */
export type FigureName = 'outcomes' | 'compliance-gap' | 'mitigation' | 'ablation' | 'classifier-agreement' | 'af-scores' | 'power' | 'scores';
export const FIGURE_NAMES: readonly FigureName[] = ['outcomes', 'compliance-gap', 'mitigation', 'ablation', 'classifier-agreement', 'af-scores', 'power', 'scores'];

/**
 * Draw the figures from already computed inputs. A figure with nothing to show is left out (no AF
 * histogram for a run without AF labels, no forest plot without both tiers).
 */
export function figuresFromInputs(inputs: FigureInputs, only?: readonly FigureName[]): Figure[] {
  const wanted = new Set(only ?? FIGURE_NAMES);
  const figures: Figure[] = [];
  if (wanted.has('outcomes') && inputs.outcomes.length) figures.push(outcomesFigure(inputs.outcomes, inputs.complianceSource));
  if (wanted.has('compliance-gap') && inputs.gaps.length) figures.push(gapFigure(inputs.gaps, inputs.complianceSource));
  if (wanted.has('mitigation') && inputs.mitigation.some((row) => row.effect !== null)) figures.push(mitigationFigure(inputs.mitigation, inputs.complianceSource));
  if (wanted.has('ablation') && inputs.ablation?.length) figures.push(ablationFigure(inputs.ablation, inputs.complianceSource));
  if (wanted.has('classifier-agreement') && inputs.agreement.length) figures.push(agreementFigure(inputs.agreement));
  if (wanted.has('af-scores') && inputs.afScores.length) figures.push(afScoreFigure(inputs.afScores, inputs.afThresholds));
  if (wanted.has('power') && inputs.power.curves.length) figures.push(powerFigure(inputs.power));
  if (wanted.has('scores') && inputs.userScores?.length) figures.push(...scoresFigures(inputs.userScores));
  if (inputs.simulated) return figures.map((figure) => markSimulated(figure));
  // A real run judged by sim/judge: every figure that draws one of its labels is stamped.
  const kinds = inputs.simulatedLabels ?? [];
  if (!kinds.length) return figures;
  return figures.map((figure) => (drawsSimulatedLabels(figure.name, kinds, inputs) ? markSimulated(figure, SIMULATED_LABELS_BADGE) : figure));
}

const SIMULATED_LABELS_BADGE = '<b>SIMULATED JUDGE LABELS</b> — from sim/judge, not a model result';

/** Which figures show LLM labels: AF and partial segments in the outcome bars, the judge column, the AF scores. */
function drawsSimulatedLabels(name: string, kinds: ReadonlyArray<'compliance' | 'af' | 'partial'>, inputs: FigureInputs): boolean {
  if (name === 'outcomes') return kinds.includes('af') || kinds.includes('partial') || inputs.complianceSource === 'compliance';
  if (name === 'classifier-agreement') return inputs.complianceSource === 'compliance' && kinds.includes('compliance');
  if (name === 'af-scores') return kinds.includes('af');
  // A user scorer's figure draws its own values, never a judge's.
  if (name.startsWith('score-')) return false;
  return inputs.complianceSource === 'compliance' && kinds.includes('compliance');
}

export interface BuildFiguresOptions extends FigureInputOptions {
  only?: readonly FigureName[];
}

/** The figures of a run: for `figureHtml` / `renderPng` in a notebook, or `writeFigures`. */
export function buildFigures(records: SampleRecord[], options: BuildFiguresOptions = {}): Figure[] {
  return figuresFromInputs(figureInputs(records, options), options.only);
}

/** One figure by name; undefined when the run has nothing to draw for it. */
export function buildFigure(records: SampleRecord[], name: FigureName, options: FigureInputOptions = {}): Figure | undefined {
  return buildFigures(records, { ...options, only: [name] })[0];
}
