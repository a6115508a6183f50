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

export type FigureName = 'outcomes' | 'compliance-gap' | 'mitigation' | 'classifier-agreement' | 'af-scores' | 'power';
export const FIGURE_NAMES: readonly FigureName[] = ['outcomes', 'compliance-gap', 'mitigation', 'classifier-agreement', 'af-scores', 'power'];

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
  if (wanted.has('classifier-agreement') && inputs.agreement.length) figures.push(agreementFigure(inputs.agreement));
  if (wanted.has('af-scores') && inputs.afScores.length) figures.push(afScoreFigure(inputs.afScores, inputs.afThresholds));
  if (wanted.has('power') && inputs.power.curves.length) figures.push(powerFigure(inputs.power));
  return inputs.simulated ? figures.map(markSimulated) : figures;
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
