// Fisher's exact test on a 2x2 table, as R's fisher.test and SciPy's fisher_exact compute it,
// and the conditional maximum-likelihood odds ratio with its exact interval (R's fisher.test).
//
// Layout used throughout af-lab:            complied  refused
//                               free tier [[   a,        b   ],
//                               paid tier  [   c,        d   ]]
// so an odds ratio above 1 (alternative `greater`) means the free tier complies more.
import { brentRoot, normalQuantile } from './special.js';
import { logDhyper, tailSum } from './binomial.js';
import { assertConfLevel, assertCount } from './validate.js';
import { UserError } from '../core/errors.js';

export type Table2x2 = [[number, number], [number, number]];

export interface FisherOptions {
  /** Confidence level of the odds-ratio interval (default 0.95). */
  confLevel?: number;
  /**
   * Relative tolerance of "no more probable than the observed table" in the two-sided p-value.
   * Default 1e-7 as R (SciPy uses 1e-14); it only matters when two tables tie up to rounding.
   */
  relErr?: number;
}

export interface FisherPValues {
  /** Sum of the probabilities of all tables with the same margins no more probable than the observed one. */
  pTwoSided: number;
  /** P(a' <= a): evidence that the free tier complies less (odds ratio < 1). */
  pLess: number;
  /** P(a' >= a): evidence that the free tier complies more (odds ratio > 1). */
  pGreater: number;
}

export interface ConditionalOddsRatio {
  /** Conditional maximum-likelihood estimate (R's fisher.test `estimate`): NaN when a margin is zero. */
  conditionalOddsRatio: number;
  /** Exact conditional interval at `confLevel` (R's fisher.test `conf.int`, two-sided). */
  conditionalOddsRatioCi: [number, number];
  confLevel: number;
}

export interface FisherResult extends FisherPValues, ConditionalOddsRatio {
  table: Table2x2;
  /** a*d / (b*c): Inf when only the denominator is 0, NaN when both are (SciPy's odds_ratio 'sample'). */
  sampleOddsRatio: number;
}

/** The hypergeometric null distribution of `a` given the table's margins. */
class MarginHypergeometric {
  readonly row1: number;
  readonly row2: number;
  readonly col1: number;
  readonly lo: number;
  readonly hi: number;
  readonly mode: number;

  constructor(table: Table2x2) {
    const [[a, b], [c, d]] = table;
    this.row1 = a + b;
    this.row2 = c + d;
    this.col1 = a + c;
    this.lo = Math.max(0, this.col1 - this.row2);
    this.hi = Math.min(this.row1, this.col1);
    const guess = Math.floor(((this.col1 + 1) * (this.row1 + 1)) / (this.row1 + this.row2 + 2));
    this.mode = Math.min(this.hi, Math.max(this.lo, guess));
  }

  logPmf(x: number): number {
    return logDhyper(x, this.row1, this.row2, this.col1);
  }

  /** P(x+1) / P(x) */
  up = (x: number): number => ((this.row1 - x) * (this.col1 - x)) / ((x + 1) * (this.row2 - this.col1 + x + 1));
  /** P(x-1) / P(x) */
  down = (x: number): number => (x * (this.row2 - this.col1 + x)) / ((this.row1 - x + 1) * (this.col1 - x + 1));

  /** P(X <= x) for x at or below the mode (a tail walk), otherwise by complement. */
  lowerTail(x: number): number {
    if (x < this.lo) return 0;
    if (x >= this.hi) return 1;
    if (x <= this.mode) return tailSum(Math.exp(this.logPmf(x)), x, this.lo, -1, this.down);
    return 1 - this.upperTail(x + 1);
  }

  /** P(X >= x) */
  upperTail(x: number): number {
    if (x <= this.lo) return 1;
    if (x > this.hi) return 0;
    if (x >= this.mode) return tailSum(Math.exp(this.logPmf(x)), x, this.hi, 1, this.up);
    return 1 - this.lowerTail(x - 1);
  }
}

function checkTable(table: Table2x2): void {
  if (!Array.isArray(table) || table.length !== 2 || !table.every((row) => Array.isArray(row) && row.length === 2)) {
    throw new UserError('a 2x2 table must be [[a, b], [c, d]]', 'pass [[freeComplied, freeRefused], [paidComplied, paidRefused]]');
  }
  const names = ['free complied', 'free refused', 'paid complied', 'paid refused'];
  table.flat().forEach((v, i) => assertCount(v, `2x2 table: ${names[i]}`));
}

function hasZeroMargin(table: Table2x2): boolean {
  const [[a, b], [c, d]] = table;
  return a + b === 0 || c + d === 0 || a + c === 0 || b + d === 0;
}

/** The three p-values of Fisher's exact test. A table with a zero margin has only itself: p = 1. */
export function fisherPValues(table: Table2x2, relErr = 1e-7): FisherPValues {
  checkTable(table);
  if (hasZeroMargin(table)) return { pTwoSided: 1, pLess: 1, pGreater: 1 };
  const a = table[0][0];
  const h = new MarginHypergeometric(table);
  return {
    pTwoSided: twoSided(h, a, relErr),
    pLess: Math.min(1, h.lowerTail(a)),
    pGreater: Math.min(1, h.upperTail(a)),
  };
}

function twoSided(h: MarginHypergeometric, a: number, relErr: number): number {
  const threshold = h.logPmf(a) + Math.log1p(relErr);
  if (h.logPmf(h.mode) <= threshold) return 1;
  let p = 0;
  // Left of the mode the pmf rises: find the largest y with logPmf(y) <= threshold.
  if (h.logPmf(h.lo) <= threshold) {
    let inside = h.lo;
    let outside = h.mode;
    if (a < h.mode && h.logPmf(a + 1) > threshold) inside = a; // the usual case, no search needed
    else {
      while (outside - inside > 1) {
        const mid = Math.floor((inside + outside) / 2);
        if (h.logPmf(mid) <= threshold) inside = mid;
        else outside = mid;
      }
    }
    p += tailSum(Math.exp(h.logPmf(inside)), inside, h.lo, -1, h.down);
  }
  // Right of the mode the pmf falls: the smallest y with logPmf(y) <= threshold.
  if (h.logPmf(h.hi) <= threshold) {
    let inside = h.hi;
    let outside = h.mode;
    if (a > h.mode && h.logPmf(a - 1) > threshold) inside = a;
    else {
      while (inside - outside > 1) {
        const mid = Math.floor((inside + outside) / 2);
        if (h.logPmf(mid) <= threshold) inside = mid;
        else outside = mid;
      }
    }
    p += tailSum(Math.exp(h.logPmf(inside)), inside, h.hi, 1, h.up);
  }
  return Math.min(1, p);
}

/**
 * Fisher's noncentral hypergeometric distribution of `a` at odds ratio psi, summarised for the
 * root finders: mean, P(X <= x) and P(X >= x). Weights are taken relative to the mode and walked
 * outwards until negligible, so the cost follows the spread, not the counts.
 */
function noncentral(h: MarginHypergeometric, logPsi: number, x: number): { mean: number; lower: number; upper: number } {
  const psi = Math.exp(logPsi);
  const ratio = (y: number) => psi * h.up(y);
  // Mode: the first y whose ratio to y+1 is <= 1 (ratios fall with y).
  let lo = h.lo;
  let hi = h.hi;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (ratio(mid) <= 1) hi = mid;
    else lo = mid + 1;
  }
  const mode = lo;
  let sum = 1;
  let moment = 0; // sum of (y - mode) * w, kept small for precision
  let lower = mode <= x ? 1 : 0;
  let upper = mode >= x ? 1 : 0;
  let w = 1;
  for (let y = mode; y < h.hi; y++) {
    const r = ratio(y);
    w *= r;
    if (w === 0) break;
    sum += w;
    moment += (y + 1 - mode) * w;
    if (y + 1 <= x) lower += w;
    if (y + 1 >= x) upper += w;
    if (r < 1 && w * r < 1e-18 * sum * (1 - r)) break;
  }
  w = 1;
  for (let y = mode; y > h.lo; y--) {
    const r = 1 / ratio(y - 1);
    w *= r;
    if (w === 0 || !Number.isFinite(r)) break;
    sum += w;
    moment += (y - 1 - mode) * w;
    if (y - 1 <= x) lower += w;
    if (y - 1 >= x) upper += w;
    if (r < 1 && w * r < 1e-18 * sum * (1 - r)) break;
  }
  return { mean: mode + moment / sum, lower: lower / sum, upper: upper / sum };
}

/** Root of a monotone f(log psi), bracketed outwards from `start` by steps starting at `step`. */
function solveLogPsi(f: (logPsi: number) => number, start: number, step = 1): number {
  const LIMIT = 690; // psi = e^690 is near the largest double
  let left = start - step;
  let right = start + step;
  let fl = f(left);
  let fr = f(right);
  for (let iter = 0; (fl > 0) === (fr > 0); iter++) {
    if (iter > 200 || (left <= -LIMIT && right >= LIMIT)) return NaN;
    const width = step * 2 ** (iter + 1);
    if (fl === fr) {
      // Flat (both ends saturated): widen both ways.
      left = Math.max(-LIMIT, left - width);
      right = Math.min(LIMIT, right + width);
      fl = f(left);
      fr = f(right);
      continue;
    }
    // Move only the end on the side where the sign says the root lies.
    const rootIsRight = (fl > 0) !== fr > fl;
    if (rootIsRight) {
      if (right >= LIMIT) return NaN;
      left = right;
      fl = fr;
      right = Math.min(LIMIT, right + width);
      fr = f(right);
    } else {
      if (left <= -LIMIT) return NaN;
      right = left;
      fr = fl;
      left = Math.max(-LIMIT, left - width);
      fl = f(left);
    }
  }
  return brentRoot(f, left, right, 1e-15);
}

/** Conditional MLE of the odds ratio and its exact interval, as R's fisher.test reports them. */
export function conditionalOddsRatio(table: Table2x2, confLevel = 0.95): ConditionalOddsRatio {
  checkTable(table);
  assertConfLevel(confLevel);
  if (hasZeroMargin(table)) return { conditionalOddsRatio: NaN, conditionalOddsRatioCi: [0, Infinity], confLevel };
  const h = new MarginHypergeometric(table);
  const [[a, b], [c, d]] = table;
  const alpha = (1 - confLevel) / 2;
  // Starting points from the Woolf (log-normal) approximation; the exact roots are usually within
  // a fraction of its standard error, so the brackets start narrow.
  const start = Math.log(((a + 0.5) * (d + 0.5)) / ((b + 0.5) * (c + 0.5)));
  const se = Math.sqrt(1 / (a + 0.5) + 1 / (b + 0.5) + 1 / (c + 0.5) + 1 / (d + 0.5));
  const z = -normalQuantile(alpha);
  const step = 0.25 * se + 0.01;
  const mle = a === h.lo ? 0 : a === h.hi ? Infinity : Math.exp(solveLogPsi((t) => noncentral(h, t, a).mean - a, start, step));
  // Lower limit: the psi at which P(X >= a) = alpha; upper: P(X <= a) = alpha.
  const lower = a === h.lo ? 0 : Math.exp(solveLogPsi((t) => noncentral(h, t, a).upper - alpha, start - z * se, step));
  const upper = a === h.hi ? Infinity : Math.exp(solveLogPsi((t) => noncentral(h, t, a).lower - alpha, start + z * se, step));
  return { conditionalOddsRatio: mle, conditionalOddsRatioCi: [lower, upper], confLevel };
}

export function sampleOddsRatio(table: Table2x2): number {
  const [[a, b], [c, d]] = table;
  if (b > 0 && c > 0) return (a * d) / (b * c);
  if (a === 0 || d === 0) return NaN;
  return Infinity;
}

/** Fisher's exact test with all three alternatives, the conditional MLE odds ratio and its interval. */
export function fisherExact(table: Table2x2, options: FisherOptions = {}): FisherResult {
  const { confLevel = 0.95, relErr = 1e-7 } = options;
  const pValues = fisherPValues(table, relErr);
  return {
    table: [[table[0][0], table[0][1]], [table[1][0], table[1][1]]],
    ...pValues,
    ...conditionalOddsRatio(table, confLevel),
    sampleOddsRatio: sampleOddsRatio(table),
  };
}

/** The 2x2 table of two tiers' counts: [[free complied, free refused], [paid complied, paid refused]]. */
export function tierTable(free: { k: number; n: number }, paid: { k: number; n: number }): Table2x2 {
  return [
    [free.k, free.n - free.k],
    [paid.k, paid.n - paid.k],
  ];
}
