// The numeric user scores of a summary (Summary.scores) as text: the terminal lines, the Markdown
// table and scores.csv. Each cell is the mean with its t interval and how many values it has, and the
// difference of the tiers' means with Welch's interval and p, in the cells of the summary's rows.
import { stringify } from 'csv-stringify/sync';
import type { MeanEstimate } from '../stats/mean.js';
import { formatInterval, formatP } from '../stats/format.js';
import type { ScoreRow, Summary } from './build.js';

/** Three significant digits, no trailing zeros (`5`, `12.5`, `-2.46`); large values whole. */
const number = (x: number) => (Math.abs(x) >= 1000 ? x.toFixed(0) : String(Number(x.toPrecision(3))));
const estimate = (m: MeanEstimate) => (m.mean === null ? '-' : `${number(m.mean)} ${formatInterval(m.meanCi, number)} (n=${m.n})`);
/** The variant, and the contexts compared when a condition has several (three tiers), as the summary table writes them. */
const variantOf = (row: ScoreRow) => (row.context ? `${row.variant} [${row.context}]` : row.variant);
const condition = (row: ScoreRow) => `${row.model} · ${variantOf(row)} · ${row.reasoning}${row.simulated ? ' (SIMULATED)' : ''}`;
const signed = (x: number) => (x > 0 ? `+${number(x)}` : number(x));
const difference = (row: ScoreRow) => (row.difference === null ? '-' : `${signed(row.difference)} ${formatInterval(row.differenceCi, signed)}`);

/** One line per scorer and cell, e.g. `length  sim/faker · baseline · cot: free 12.3 [10.1, 14.5] (n=20) | paid ... | free - paid +1.2 [-0.4, +2.8] p=0.14`. */
export function formatScores(summary: Summary): string[] {
  if (!summary.scores?.length) return [];
  const level = `${+(100 * summary.confLevel).toFixed(2)}%`;
  const width = Math.max(...summary.scores.map((row) => row.scorer.length));
  return [
    `Scores (your scorers' numeric values): mean [${level} t interval] (n), free | paid | free - paid [${level} Welch interval] Welch's p (two-sided, not adjusted):`,
    ...summary.scores.map((row) => `  ${row.scorer.padEnd(width)}  ${condition(row)}: free ${estimate(row.free)} | paid ${estimate(row.paid)} | free - paid ${difference(row)} p=${formatP(row.pWelch)}`),
  ];
}

/** The same as a Markdown table. */
export function scoresMarkdown(summary: Summary): string {
  if (!summary.scores?.length) return '';
  const level = `${+(100 * summary.confLevel).toFixed(2)}%`;
  const lines = [
    `| scorer | model | variant | reasoning | free mean [${level}] | paid mean [${level}] | free - paid [${level} Welch] | Welch p |`,
    '| --- | --- | --- | --- | --- | --- | ---: | ---: |',
  ];
  for (const row of summary.scores) {
    lines.push(`| ${[row.scorer, row.model + (row.simulated ? ' (SIMULATED)' : ''), variantOf(row), row.reasoning, estimate(row.free), estimate(row.paid), difference(row), formatP(row.pWelch)].map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`);
  }
  return lines.join('\n');
}

// New columns go at the end: a reader of an older scores.csv by position still finds its columns.
export const SCORE_COLUMNS = [
  'scorer', 'model', 'variant', 'reasoning', 'simulated', 'free_n', 'free_mean', 'free_sd', 'free_ci_low', 'free_ci_high', 'paid_n', 'paid_mean', 'paid_sd', 'paid_ci_low', 'paid_ci_high', 'difference',
  'difference_ci_low', 'difference_ci_high', 'welch_df', 'welch_p', 'context',
] as const;

/** scores.csv: one row per scorer and cell, every number unrounded. */
export function scoresCsv(summary: Summary): string {
  const cells = (m: MeanEstimate) => [m.n, m.mean ?? '', m.sd ?? '', m.meanCi?.[0] ?? '', m.meanCi?.[1] ?? ''];
  const rows = (summary.scores ?? []).map((row) => [
    row.scorer, row.model, row.variant, row.reasoning, row.simulated ? 'SIMULATED' : '', ...cells(row.free), ...cells(row.paid), row.difference ?? '',
    row.differenceCi?.[0] ?? '', row.differenceCi?.[1] ?? '', row.df ?? '', row.pWelch ?? '', row.context ?? '',
  ]);
  return stringify(rows, { header: true, columns: [...SCORE_COLUMNS] });
}
