// Published results recomputed: read the counts in data/published/ and compare af-lab's statistics
// with the values the papers print.
import { fileURLToPath } from 'node:url';
import { UserError } from '../core/errors.js';
import { fisherExact, tierTable, type FisherResult } from './fisher.js';
import { complianceGap, proportion, type ComplianceGap, type Proportion } from './proportion.js';
import { readPublishedTable, type PublishedCounts } from './publishedTables.js';

export const PUBLISHED_DIR = fileURLToPath(new URL('../../data/published/', import.meta.url));

export type { PublishedCounts };

/** Whether a computed value matches a printed one: equal after rounding to the printed decimals, or within a printed bound. */
export function agreesWithPrinted(value: number, printed: string): boolean {
  const text = printed.trim();
  const bound = /^([<>]=?)\s*(.+)$/.exec(text);
  if (bound) {
    const limit = Number(bound[2]);
    return bound[1].startsWith('<') ? value < limit || (bound[1] === '<=' && value === limit) : value > limit || (bound[1] === '>=' && value === limit);
  }
  const decimals = (text.split('.')[1] ?? '').length;
  const target = Number(text);
  // Half a unit in the last printed place, with a hair of slack for binary rounding.
  return Math.abs(value - target) <= 0.5 * 10 ** -decimals * (1 + 1e-9);
}

/** The rows of a counts table, checked (publishedTables.ts); a rates table here is a UserError. */
export function loadPublishedCounts(path = `${PUBLISHED_DIR}koorndijk2025-llama3-8b.csv`): PublishedCounts[] {
  const table = readPublishedTable(path);
  if (table.kind !== 'counts') throw new UserError(`${path} holds rates, not counts`, 'give a table with free_complied, free_n, paid_complied and paid_n columns');
  return table.rows;
}

export interface RecomputedPublished extends PublishedCounts {
  freeRate: Proportion;
  paidRate: Proportion;
  gap: ComplianceGap;
  fisher: FisherResult;
  /** null where the paper states no value */
  pAgrees: boolean | null;
  /** does the printed odds ratio match the sample odds ratio / the conditional MLE? */
  sampleOddsRatioAgrees: boolean | null;
  conditionalOddsRatioAgrees: boolean | null;
}

export function recomputePublished(rows: PublishedCounts[] = loadPublishedCounts()): RecomputedPublished[] {
  return rows.map((row) => {
    const fisher = fisherExact(tierTable(row.free, row.paid));
    return {
      ...row,
      freeRate: proportion(row.free.k, row.free.n),
      paidRate: proportion(row.paid.k, row.paid.n),
      gap: complianceGap(row.free, row.paid),
      fisher,
      pAgrees: row.reportedP === null ? null : agreesWithPrinted(fisher.pTwoSided, row.reportedP),
      sampleOddsRatioAgrees: row.reportedOddsRatio === null ? null : agreesWithPrinted(fisher.sampleOddsRatio, row.reportedOddsRatio),
      conditionalOddsRatioAgrees: row.reportedOddsRatio === null ? null : agreesWithPrinted(fisher.conditionalOddsRatio, row.reportedOddsRatio),
    };
  });
}
