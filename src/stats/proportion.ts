// A compliance rate with its intervals, and the compliance gap between tiers with Newcombe's interval.
import jStat from 'jstat';
import { binomialLowerTail, binomialUpperTail } from './binomial.js';
import { brentRoot, normalQuantile } from './special.js';
import { assertConfLevel, assertProportion } from './validate.js';

export type Interval = [number, number];

export interface Proportion {
  k: number;
  n: number;
  rate: number;
  /** Wilson score interval (no continuity correction). */
  wilson: Interval;
  /** Clopper-Pearson exact interval. */
  clopperPearson: Interval;
  confLevel: number;
}

export interface ComplianceGap {
  /** free-tier rate minus paid-tier rate */
  gap: number;
  /** Newcombe's hybrid score interval (his method 10): built from the two Wilson intervals. */
  newcombe: Interval;
  confLevel: number;
}

export interface Count {
  k: number;
  n: number;
}

/** Both tiers' counts in one condition. */
export interface TierCounts {
  free: Count;
  paid: Count;
}

/** Wilson score interval; exact 0 and 1 at the ends, as SciPy's binomtest reports them. */
export function wilsonInterval(k: number, n: number, confLevel = 0.95): Interval {
  assertProportion(k, n);
  assertConfLevel(confLevel);
  return wilsonAt(k, n, normalQuantile(0.5 + 0.5 * confLevel));
}

/** Wilson limits at a normal quantile z (not a confidence level, so z can go where 1 - 2 sf(z) rounds to 1). */
export function wilsonAt(k: number, n: number, z: number): Interval {
  const p = k / n;
  const z2 = z * z;
  const denom = 2 * (n + z2);
  const center = (2 * n * p + z2) / denom;
  const delta = (z / denom) * Math.sqrt(4 * n * p * (1 - p) + z2);
  return [k === 0 ? 0 : center - delta, k === n ? 1 : center + delta];
}

/**
 * Clopper-Pearson limits: the p at which P(X >= k) and P(X <= k) equal alpha/2. jstat's beta
 * inverse gives the start (good to about 1e-9); Brent's method on exact binomial tails finishes it.
 */
export function clopperPearsonInterval(k: number, n: number, confLevel = 0.95): Interval {
  assertProportion(k, n);
  assertConfLevel(confLevel);
  const alpha = (1 - confLevel) / 2;
  const lower = k === 0 ? 0 : solveProbability((p) => binomialUpperTail(k, n, p) - alpha, jStat.beta.inv(alpha, k, n - k + 1));
  const upper = k === n ? 1 : solveProbability((p) => binomialLowerTail(k, n, p) - alpha, jStat.beta.inv(1 - alpha, k + 1, n - k));
  return [lower, upper];
}

/** Root in (0, 1) of a monotone f, starting from a close guess and widening the bracket as needed. */
function solveProbability(f: (p: number) => number, guess: number): number {
  const g = Math.min(1 - 1e-16, Math.max(1e-300, Number.isFinite(guess) ? guess : 0.5));
  for (let width = 1e-7; ; width *= 100) {
    const left = width >= 1 ? Number.MIN_VALUE : Math.max(Number.MIN_VALUE, g * (1 - width));
    const right = width >= 1 ? 1 : Math.min(1, g * (1 + width));
    if ((f(left) > 0) !== (f(right) > 0) || width >= 1) return brentRoot(f, left, right, 0);
  }
}

/** k complied out of n, with Wilson and Clopper-Pearson intervals at `confLevel` (default 95%). */
export function proportion(k: number, n: number, confLevel = 0.95): Proportion {
  assertProportion(k, n);
  return { k, n, rate: k / n, wilson: wilsonInterval(k, n, confLevel), clopperPearson: clopperPearsonInterval(k, n, confLevel), confLevel };
}

/** Compliance gap free minus paid, with Newcombe's hybrid score interval (Newcombe 1998, method 10). */
export function complianceGap(free: Count, paid: Count, confLevel = 0.95): ComplianceGap {
  assertProportion(free.k, free.n, 'free tier');
  assertProportion(paid.k, paid.n, 'paid tier');
  const p1 = free.k / free.n;
  const p2 = paid.k / paid.n;
  const [l1, u1] = wilsonInterval(free.k, free.n, confLevel);
  const [l2, u2] = wilsonInterval(paid.k, paid.n, confLevel);
  return { gap: p1 - p2, newcombe: moverDifference(p1, [l1, u1], p2, [l2, u2]), confLevel };
}

/**
 * Interval for a difference theta1 - theta2 of two independent estimates from their own intervals:
 * the MOVER of Zou and Donner (2008), which is Newcombe's method 10 when the intervals are Wilson's:
 *   lower = d - sqrt((theta1 - l1)^2 + (u2 - theta2)^2),  upper = d + sqrt((u1 - theta1)^2 + (theta2 - l2)^2).
 */
export function moverDifference(theta1: number, ci1: Interval, theta2: number, ci2: Interval): Interval {
  const d = theta1 - theta2;
  return [d - Math.hypot(theta1 - ci1[0], ci2[1] - theta2), d + Math.hypot(ci1[1] - theta1, theta2 - ci2[0])];
}
