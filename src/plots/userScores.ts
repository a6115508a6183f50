// A user's own scorers in the figures: one dot plot per scorer (plots/scoresFigure.ts) from the run
// summary's rows of it, so the figure and summary.csv / scores.csv agree. Yes/no values are drawn as a
// rate with its Wilson interval, numbers as a mean with its t interval, training and unmonitored side by side.
import type { Summary } from '../summary/build.js';
import { isBuiltinSource } from '../summary/labelSource.js';
import type { UserScoreRow } from './inputs.js';

export function userScoreRows(summary: Summary): UserScoreRow[] {
  const rates: UserScoreRow[] = summary.rows
    .filter((row) => !isBuiltinSource(row.label))
    .map((row) => ({
      scorer: row.label,
      kind: 'rate',
      model: row.model,
      variant: row.variant,
      reasoning: row.reasoning,
      ...(row.context ? { context: row.context } : {}),
      confLevel: summary.confLevel,
      free: { value: row.free.rate, ci: row.free.rateCi, n: row.free.n },
      paid: { value: row.paid.rate, ci: row.paid.rateCi, n: row.paid.n },
    }));
  const means: UserScoreRow[] = (summary.scores ?? []).map((row) => ({
    scorer: row.scorer,
    kind: 'mean',
    model: row.model,
    variant: row.variant,
    reasoning: row.reasoning,
    ...(row.context ? { context: row.context } : {}),
    confLevel: summary.confLevel,
    free: { value: row.free.mean, ci: row.free.meanCi, n: row.free.n },
    paid: { value: row.paid.mean, ci: row.paid.meanCi, n: row.paid.n },
  }));
  return [...rates, ...means];
}
