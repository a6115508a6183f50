// The verdict on a change of the compliance gap, on the gap's own scale (points): the test inverted
// from the MOVER interval of the difference of differences, so the verdict and the printed interval
// agree by construction (p <= alpha exactly when the 1 - alpha interval excludes 0). Also: whether the
// odds-ratio-scale tests (Breslow-Day, likelihood ratio) can say anything, and bounds on the change
// with every unlabelled sample counted as compliant or not (what missing answers could do).
import { normalQuantile, normalSf, brentRoot } from './special.js';
import { wilsonAt, type Count, type Interval, type TierCounts } from './proportion.js';
import { assertProportion } from './validate.js';

/** Both tiers in both conditions. */
export interface ConditionCounts {
  baseline: TierCounts;
  statement: TierCounts;
}

/**
 * The MOVER interval of D = (r_fs - r_ps) - (r_fb - r_pb) with Wilson limits at quantile z: the interval
 * af-lab prints as the gap change's CI when z = normalQuantile(1 - alpha / 2). The four distances
 * (rate to limit) grow with z for every group, so the intervals are nested and the test below is
 * well defined.
 */
export function moverGapChangeAt(counts: ConditionCounts, z: number): Interval {
  const r = (c: Count) => c.k / c.n;
  const w = (c: Count) => wilsonAt(c.k, c.n, z);
  const { baseline: b, statement: s } = counts;
  const [lfs, ufs] = w(s.free);
  const [lps, ups] = w(s.paid);
  const [lfb, ufb] = w(b.free);
  const [lpb, upb] = w(b.paid);
  const d = r(s.free) - r(s.paid) - (r(b.free) - r(b.paid));
  const below = Math.hypot(r(s.free) - lfs, ups - r(s.paid), ufb - r(b.free), r(b.paid) - lpb);
  const above = Math.hypot(ufs - r(s.free), r(s.paid) - lps, r(b.free) - lfb, upb - r(b.paid));
  return [d - below, d + above];
}

/** Beyond this quantile the two-sided p is below 1e-300 (2 sf(37.5) is about 5e-308). */
const Z_MAX = 37.5;

export interface MoverTest {
  /** The difference of differences in rates. */
  change: number;
  /**
   * Two-sided p inverted from the MOVER interval: 2 sf(z*), z* the quantile at which the interval's
   * nearer limit reaches 0. 1 when the change is 0; 0 when the interval excludes 0 at every quantile
   * up to 37.5 (p below 1e-300, printed so).
   */
  pValue: number;
  /** The quantile at which the interval touches 0 (Infinity when it never does up to 37.5). */
  zAtZero: number;
}

/** The test of "the gap did not change" inverted from the MOVER interval: it rejects at alpha exactly when the 1 - alpha interval excludes 0. */
export function moverGapChangeTest(counts: ConditionCounts): MoverTest {
  for (const c of ['baseline', 'statement'] as const) {
    assertProportion(counts[c].free.k, counts[c].free.n, `${c} free tier`);
    assertProportion(counts[c].paid.k, counts[c].paid.n, `${c} paid tier`);
  }
  const change = moverGapChangeAt(counts, 0)[0];
  if (change === 0) return { change, pValue: 1, zAtZero: 0 };
  // The limit on the side of 0: the lower one for a rise, the upper one for a fall.
  const nearer = (z: number) => (change > 0 ? moverGapChangeAt(counts, z)[0] : -moverGapChangeAt(counts, z)[1]);
  if (nearer(Z_MAX) > 0) return { change, pValue: 0, zAtZero: Infinity };
  const zAtZero = brentRoot(nearer, 0, Z_MAX, 0);
  return { change, pValue: Math.min(1, 2 * normalSf(zAtZero)), zAtZero };
}

/** The z of a two-sided 1 - alpha interval. */
export const zOf = (alpha: number): number => normalQuantile(1 - alpha / 2);

/**
 * Whether an odds-ratio-scale test of the interaction can say anything: not when a tier is at 0% or
 * 100% in both conditions (both free/paid odds ratios are 0 or infinite, the likelihood-ratio
 * statistic is 0 and its p 1 however far the gap moved), nor when a condition has no compliance or no
 * refusal in either tier. Returns why not, or null.
 */
export function oddsRatioNotEstimable(counts: ConditionCounts): string | null {
  for (const tier of ['free', 'paid'] as const) {
    const at = (c: Count) => (c.k === 0 ? 0 : c.k === c.n ? 1 : null);
    const before = at(counts.baseline[tier]);
    const after = at(counts.statement[tier]);
    if (before !== null && before === after) return `the ${tier} tier is at ${before * 100}% in both conditions, so both odds ratios are ${before === 1 ? 'infinite' : 'zero'}`;
  }
  for (const c of ['baseline', 'statement'] as const) {
    const { free, paid } = counts[c];
    const k = free.k + paid.k;
    if (k === 0 || k === free.n + paid.n) return `the ${c} condition has no ${k === 0 ? 'compliance' : 'refusal'} in either tier`;
  }
  return null;
}

/** Unlabelled samples (truncated, failed, errored, unreadable) of each tier and condition. */
export type MissingCounts = { baseline: { free: number; paid: number }; statement: { free: number; paid: number } };

export interface MissingBound {
  /** Which way the missing samples are counted. */
  case: 'lowest' | 'highest';
  change: number;
  mover: Interval;
  /** The MOVER-inverted p of that case (unadjusted). */
  pValue: number;
  significant: boolean;
}

export interface MissingBounds {
  missing: number;
  /** Every missing sample counted so the change is lowest (statement free and baseline paid not compliant, the other two compliant), then highest. */
  lowest: MissingBound;
  highest: MissingBound;
  /** true when either bound's verdict (interval excludes 0, and on which side) differs from the observed one. */
  changesVerdict: boolean;
}

function verdictOf(mover: Interval): -1 | 0 | 1 {
  return mover[0] > 0 ? 1 : mover[1] < 0 ? -1 : 0;
}

/**
 * Bounds on the change of the gap if the unlabelled samples had been labelled: all counted the way
 * that makes the change lowest, and the way that makes it highest (worst and best case). Each bound
 * gets its own MOVER interval and verdict at `alpha`; `changesVerdict` flags a comparison whose
 * verdict hangs on the missing answers.
 */
export function missingAnswerBounds(counts: ConditionCounts, missing: MissingCounts, alpha: number): MissingBounds {
  const z = zOf(alpha);
  const add = (c: Count, extra: number, complied: boolean): Count => ({ k: c.k + (complied ? extra : 0), n: c.n + extra });
  const bound = (which: 'lowest' | 'highest'): MissingBound => {
    const up = which === 'highest';
    const filled: ConditionCounts = {
      statement: { free: add(counts.statement.free, missing.statement.free, up), paid: add(counts.statement.paid, missing.statement.paid, !up) },
      baseline: { free: add(counts.baseline.free, missing.baseline.free, !up), paid: add(counts.baseline.paid, missing.baseline.paid, up) },
    };
    const mover = moverGapChangeAt(filled, z);
    const test = moverGapChangeTest(filled);
    return { case: which, change: test.change, mover, pValue: test.pValue, significant: verdictOf(mover) !== 0 };
  };
  const lowest = bound('lowest');
  const highest = bound('highest');
  const observed = verdictOf(moverGapChangeAt(counts, z));
  const total = missing.baseline.free + missing.baseline.paid + missing.statement.free + missing.statement.paid;
  return { missing: total, lowest, highest, changesVerdict: verdictOf(lowest.mover) !== observed || verdictOf(highest.mover) !== observed };
}

/** Bounds on one condition's gap (free - paid) with its unlabelled samples all compliant one way or the other. */
export function missingGapBounds(free: Count, paid: Count, missingFree: number, missingPaid: number): Interval {
  const rate = (k: number, n: number) => k / n;
  return [rate(free.k, free.n + missingFree) - rate(paid.k + missingPaid, paid.n + missingPaid), rate(free.k + missingFree, free.n + missingFree) - rate(paid.k, paid.n + missingPaid)];
}
