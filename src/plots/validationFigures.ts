// The AF classifier's two validation plots (Hughes et al. 2025) for `af-lab labels compare` and the
// notebooks: the ROC curve and AUROC against the number of votes, against the best reference there is.
import type { SampleRecord } from '../core/types.js';
import type { Reference } from '../label/accuracy.js';
import { afValidation, type AfValidation, type AurocByVotesOptions } from '../label/validation.js';
import { aurocVotesFigure } from './aurocVotesFigure.js';
import { markSimulated, type Figure } from './figure.js';
import { rocFigure } from './rocFigure.js';

export interface ValidationFigures {
  validation: AfValidation;
  /** Empty when fewer than one AF and one non-AF labelled transcript have votes. */
  figures: Figure[];
}

/**
 * Both figures, or none when the reference has no AF-labelled transcript of each kind with votes.
 * Against the simulator's truth, or on simulated records, the figures are stamped SIMULATED.
 */
export function afValidationFigures(records: SampleRecord[], reference: Reference, options: AurocByVotesOptions = {}): ValidationFigures {
  const validation = afValidation(records, reference, options);
  if (validation.roc.auroc === null) return { validation, figures: [] };
  const figures = [rocFigure(validation), aurocVotesFigure(validation)];
  const simulated = reference.source === 'simulator truth' || records.some((r) => r.simulated && reference.labels.has(r.key));
  return { validation, figures: simulated ? figures.map((figure) => markSimulated(figure)) : figures };
}
