// The rows of the notebooks' fixed tables (the configuration, the published numbers recomputed,
// sample sizes), built here so that a notebook cell is one call and reads no number by hand.
import type { ExperimentConfig } from '../core/config.js';
import { formatPercent } from '../stats/format.js';
import { sampleSizeExact } from '../stats/power.js';
import { recomputePublished, type RecomputedPublished } from '../stats/published.js';
import type { TableCell } from './html.js';

type Row = Record<string, TableCell>;

/** The settings of an experiment a reader checks before a run, one per row. */
export function configRows(config: ExperimentConfig): Row[] {
  const { requests } = config;
  return [
    { setting: 'models', value: config.models.join(', ') },
    { setting: 'judge', value: config.judge },
    { setting: 'requests', value: `${requests.source}${requests.limit ? `, first ${requests.limit}` : ''}` },
    { setting: 'samples per prompt', value: config.samples },
    { setting: 'reasoning', value: config.reasoning.join(', ') },
    { setting: 'temperature / max tokens', value: `${config.temperature} / ${config.maxTokens}` },
    { setting: 'accept/reject suffix, prefill', value: `${config.suffix}, ${config.prefill}` },
    { setting: 'budget', value: config.budgetUsd === undefined ? 'none' : `$${config.budgetUsd}` },
  ];
}

const agreement = (agrees: boolean | null) => (agrees === null ? '–' : agrees ? 'yes' : 'no');

/**
 * The published counts (data/published/) with af-lab's Fisher p and sample odds ratio beside the printed
 * values (the gaps are in sampleSizeRows), saying separately whether the p-value and the odds ratio agree: Koorndijk's Baseline 2
 * prints OR 5.09, which its counts do not give (sample OR 5.02), while every p-value agrees.
 */
export function publishedRows(rows: RecomputedPublished[] = recomputePublished()): Row[] {
  return rows.map((row) => ({
    condition: row.condition,
    free: `${row.free.k}/${row.free.n}`,
    paid: `${row.paid.k}/${row.paid.n}`,
    'Fisher p': +row.fisher.pTwoSided.toPrecision(3),
    'p printed': row.reportedP ?? '–',
    'p agrees': agreement(row.pAgrees),
    'sample OR': +row.fisher.sampleOddsRatio.toPrecision(3),
    'OR printed': row.reportedOddsRatio ?? '–',
    'OR agrees': agreement(row.sampleOddsRatioAgrees),
  }));
}

export interface GapToDetect {
  comparison: string;
  /** free-tier rate minus paid-tier rate */
  gap: number;
  /** paid-tier rate */
  base: number;
}

/** The published conditions as gaps to detect: each one's own free and paid rates. */
export function publishedGaps(rows: RecomputedPublished[] = recomputePublished()): GapToDetect[] {
  return rows.map((row) => ({
    comparison: `${row.condition} (${formatPercent(row.freeRate.rate)} vs ${formatPercent(row.paidRate.rate)})`,
    gap: row.gap.gap,
    base: row.paidRate.rate,
  }));
}

/** Requests per tier that Fisher's exact test needs to detect each gap with 80% power at α = 0.05. */
export function sampleSizeRows(gaps: readonly GapToDetect[]): Row[] {
  return gaps.map(({ comparison, gap, base }) => ({
    comparison,
    'gap, points': +(100 * gap).toFixed(1),
    'paid-tier rate': formatPercent(base),
    ...requestsFor(gap, base),
  }));
}

/** The sample size, marked when it is the normal approximation (a gap too small for the exact search). */
function requestsFor(gap: number, base: number): Row {
  const size = sampleSizeExact({ gap, base });
  return { 'requests per tier for 80% power': size.perTier, method: size.method === 'exact' ? "Fisher's exact" : 'normal approximation' };
}
