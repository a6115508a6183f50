// The mean of a numeric score with its t interval, and the difference of two with Welch's t test, from a
// running state (n, mean, sum of squared deviations M2: Welford's update, Chan et al.'s merge), so a
// streamed summary keeps three numbers per group, not the values. Unlike a sum of squares, M2 is exactly
// zero for equal values (0.1 ten times) and keeps its digits far from zero (1e8 + 1 ... 1e8 + 4).
import jStat from 'jstat';

export interface MeanState {
  n: number;
  mean: number;
  /** The sum of squared deviations from the mean. */
  m2: number;
}

/** The state of no values. */
export function emptyMean(): MeanState {
  return { n: 0, mean: 0, m2: 0 };
}

/** Adds one value to a state, in place (Welford). */
export function addToMean(state: MeanState, value: number): void {
  state.n++;
  const delta = value - state.mean;
  state.mean += delta / state.n;
  state.m2 += delta * (value - state.mean);
}

/** Adds another state's values to `into`, in place (Chan, Golub and LeVeque's pairwise merge). */
export function mergeMean(into: MeanState, from: MeanState): void {
  if (from.n === 0) return;
  if (into.n === 0) {
    Object.assign(into, from);
    return;
  }
  const n = into.n + from.n;
  const delta = from.mean - into.mean;
  into.m2 += from.m2 + (delta * delta * into.n * from.n) / n;
  into.mean += (delta * from.n) / n;
  into.n = n;
}

/** The state of these values. */
export function meanState(values: Iterable<number>): MeanState {
  const state = emptyMean();
  for (const value of values) addToMean(state, value);
  return state;
}

export interface MeanEstimate {
  n: number;
  mean: number | null;
  /** Sample standard deviation (n - 1); null below two values. */
  sd: number | null;
  /** Student's t interval of the mean at the given confidence level; null below two values. */
  meanCi: [number, number] | null;
}

/** The mean, standard deviation and t interval of the values behind this state. */
export function meanInterval({ n, mean, m2 }: MeanState, confLevel = 0.95): MeanEstimate {
  if (n === 0) return { n, mean: null, sd: null, meanCi: null };
  if (n < 2) return { n, mean, sd: null, meanCi: null };
  const sd = Math.sqrt(Math.max(0, m2) / (n - 1));
  const half = jStat.studentt.inv(1 - (1 - confLevel) / 2, n - 1) * (sd / Math.sqrt(n));
  return { n, mean, sd, meanCi: [mean - half, mean + half] };
}

/** The difference of two means (a - b) with Welch's t test: unequal variances, Welch–Satterthwaite degrees of freedom. */
export interface MeanDifference {
  /** mean of a - mean of b; null when a side has no value */
  difference: number | null;
  /** Welch's t interval of the difference at the given confidence level; null below two values a side or with no spread at all. */
  differenceCi: [number, number] | null;
  /** Welch–Satterthwaite degrees of freedom; null where the interval is. */
  df: number | null;
  /** Two-sided p of Welch's t test that the means are equal (scipy.stats.ttest_ind(a, b, equal_var=False)); null where the interval is. */
  pWelch: number | null;
}

/** Welch's comparison of the values behind two states (what scipy.stats.ttest_ind with equal_var=False gives). */
export function welchDifference(a: MeanState, b: MeanState, confLevel = 0.95): MeanDifference {
  const x = meanInterval(a, confLevel);
  const y = meanInterval(b, confLevel);
  const difference = x.mean !== null && y.mean !== null ? x.mean - y.mean : null;
  if (difference === null || x.sd === null || y.sd === null) return { difference, differenceCi: null, df: null, pWelch: null };
  const va = (x.sd * x.sd) / a.n;
  const vb = (y.sd * y.sd) / b.n;
  const se = Math.sqrt(va + vb);
  // Every value equal on both sides: no spread to test a difference against.
  if (se === 0) return { difference, differenceCi: null, df: null, pWelch: null };
  const df = (va + vb) ** 2 / (va ** 2 / (a.n - 1) + vb ** 2 / (b.n - 1));
  const t = difference / se;
  const pWelch = Math.min(1, 2 * jStat.studentt.cdf(-Math.abs(t), df));
  const half = jStat.studentt.inv(1 - (1 - confLevel) / 2, df) * se;
  return { difference, differenceCi: [difference - half, difference + half], df, pWelch };
}
