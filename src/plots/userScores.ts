// A user's own scorers in the figures: one dot plot per scorer (plots/scoresFigure.ts) from the run
// summary's rows of it, so the figure and summary.csv / scores.csv agree. Yes/no values are drawn as a
// rate with its Wilson interval, numbers as a mean with its t interval, training and unmonitored side by side.
import type { Summary } from '../summary/build.js';
import { isBuiltinSource } from '../summary/labelSource.js';
import type { UserScoreRow } from './inputs.js';

export function userScoreRows(summary: Summary): UserScoreRow[] {
  type Side = UserScoreRow['free'];
  const cell = (scorer: string, kind: UserScoreRow['kind'], row: Pick<UserScoreRow, 'model' | 'variant' | 'reasoning' | 'context'>, free: Side, paid: Side): UserScoreRow => ({
    scorer,
    kind,
    model: row.model,
    variant: row.variant,
    reasoning: row.reasoning,
    ...(row.context ? { context: row.context } : {}),
    confLevel: summary.confLevel,
    free,
    paid,
  });
  const rates = summary.rows
    .filter((row) => !isBuiltinSource(row.label))
    .map((row) => cell(row.label, 'rate', row, { value: row.free.rate, ci: row.free.rateCi, n: row.free.n }, { value: row.paid.rate, ci: row.paid.rateCi, n: row.paid.n }));
  const means = (summary.scores ?? []).map((row) => cell(row.scorer, 'mean', row, { value: row.free.mean, ci: row.free.meanCi, n: row.free.n }, { value: row.paid.mean, ci: row.paid.meanCi, n: row.paid.n }));
  return [...rates, ...means];
}
