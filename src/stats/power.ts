// Power and sample size for Fisher's exact test comparing the free and paid tiers, exactly (by
// enumerating every table) and by the normal approximation; and the smallest gap a run of a given
// size could have detected.
//
// Exact power: P(reject) = sum over tables of Binom(a; nFree, pFree) * Binom(c; nPaid, pPaid) *
// [Fisher p <= alpha]. Fisher's test is conditional on t = a + c, and for each t its rejection region
// is one or two tails of the null hypergeometric, found once per t. Only tables with non-negligible
// probability (above 1e-20 of the largest) are visited, so the cost grows with the spread of the
// counts, not with n^2.
import { logDbinom, logDhyper } from './binomial.js';
import { brentRoot, normalCdf, normalQuantile } from './special.js';
import { assertCount, assertProbability } from './validate.js';
import { UserError } from '../core/errors.js';

export type Alternative = 'two-sided' | 'greater' | 'less';

export interface PowerInput {
  /** samples per tier (or give nFree and nPaid) */
  nFree: number;
  nPaid: number;
  /** true compliance rate in the free tier */
  pFree: number;
  /** true compliance rate in the paid tier */
  pPaid: number;
  /** significance level (default 0.05) */
  alpha?: number;
  /** two-sided (default), or `greater` = free tier complies more */
  alternative?: Alternative;
}

export interface SampleSizeInput {
  /** compliance gap to detect: free rate minus paid rate */
  gap: number;
  /** paid-tier (baseline) compliance rate */
  base: number;
  power?: number;
  alpha?: number;
  alternative?: Alternative;
}

export interface SampleSize {
  method: 'exact' | 'normal';
  /** samples needed in each tier */
  perTier: number;
  /** the power reached at `perTier` by that method */
  power: number;
  target: number;
  alpha: number;
  pFree: number;
  pPaid: number;
}

const NEGLIGIBLE = 1e-20;

/**
 * Samples per tier up to which exact power is computed. Its enumeration grows with n (about 0.3 s a
 * size at 10^5 per tier, and a sample-size search tries hundreds of sizes); above this, the normal
 * approximation with continuity correction, which tracks it within a few samples there, stands for it
 * and says so (method 'normal').
 */
export const EXACT_POWER_LIMIT = 10_000;

/** Binomial pmf over the range where it is above NEGLIGIBLE of its peak. */
function binomialWindow(n: number, p: number): { from: number; pmf: Float64Array } {
  const q = 1 - p;
  const mode = Math.min(n, Math.floor((n + 1) * p));
  const logPeak = logDbinom(mode, n, p, q);
  const cut = logPeak + Math.log(NEGLIGIBLE);
  let from = mode;
  while (from > 0 && logDbinom(from - 1, n, p, q) > cut) from -= 1;
  let to = mode;
  while (to < n && logDbinom(to + 1, n, p, q) > cut) to += 1;
  const pmf = new Float64Array(to - from + 1);
  for (let x = from; x <= to; x++) pmf[x - from] = Math.exp(logDbinom(x, n, p, q));
  return { from, pmf };
}

/**
 * For margins (nFree, nPaid, t), the rejection thresholds of Fisher's test on a: reject when
 * a <= lowReject or a >= highReject. Points whose null probability is below NEGLIGIBLE of the
 * mode have p-values far below any alpha >= 1e-10 and are rejected without being visited.
 */
function rejectionRegion(nFree: number, nPaid: number, t: number, alpha: number, alternative: Alternative): { lowReject: number; highReject: number } {
  const lo = Math.max(0, t - nPaid);
  const hi = Math.min(nFree, t);
  const guess = Math.floor(((t + 1) * (nFree + 1)) / (nFree + nPaid + 2));
  const mode = Math.min(hi, Math.max(lo, guess));
  const logMode = logDhyper(mode, nFree, nPaid, t);
  const up = (x: number) => ((nFree - x) * (t - x)) / ((x + 1) * (nPaid - t + x + 1));
  // Relative pmf over the visited window, mode = 1.
  const right: number[] = [1];
  for (let x = mode, w = 1; x < hi; x++) {
    w *= up(x);
    if (w < NEGLIGIBLE) break;
    right.push(w);
  }
  const left: number[] = [1];
  for (let x = mode, w = 1; x > lo; x--) {
    w /= up(x - 1);
    if (w < NEGLIGIBLE) break;
    left.push(w);
  }
  const scale = Math.exp(logMode);
  const windowLo = mode - (left.length - 1);
  const windowHi = mode + (right.length - 1);
  if (alternative === 'greater' || alternative === 'less') {
    // One-sided: cumulative tail from the far end of the window inwards.
    let tail = 0;
    if (alternative === 'greater') {
      let highReject = windowHi + 1;
      for (let i = right.length - 1; i >= 0; i--) {
        tail += right[i] * scale;
        if (tail > alpha) break;
        highReject = mode + i;
      }
      if (highReject === mode) {
        for (let i = 1; i < left.length; i++) {
          tail += left[i] * scale;
          if (tail > alpha) break;
          highReject = mode - i;
        }
      }
      return { lowReject: -Infinity, highReject };
    }
    let lowReject = windowLo - 1;
    for (let i = left.length - 1; i >= 0; i--) {
      tail += left[i] * scale;
      if (tail > alpha) break;
      lowReject = mode - i;
    }
    if (lowReject === mode) {
      for (let i = 1; i < right.length; i++) {
        tail += right[i] * scale;
        if (tail > alpha) break;
        lowReject = mode + i;
      }
    }
    return { lowReject, highReject: Infinity };
  }
  // Two-sided: walk both tails inwards in order of increasing probability. A point's p-value is the
  // mass of every point no more probable than it (R's tolerance 1e-7), so points are taken in
  // groups of near-ties.
  let i = left.length - 1; // next left index (offset below mode)
  let j = right.length - 1; // next right index (offset above mode)
  let cumulative = 0;
  let lowReject = windowLo - 1;
  let highReject = windowHi + 1;
  while (i > 0 || j > 0) {
    const wl = i > 0 ? left[i] : Infinity;
    const wr = j > 0 ? right[j] : Infinity;
    const level = Math.min(wl, wr) * (1 + 1e-7);
    // Take every remaining point at or below this level on both sides.
    let ni = i;
    let nj = j;
    let mass = 0;
    while (ni > 0 && left[ni] <= level) mass += left[ni--];
    while (nj > 0 && right[nj] <= level) mass += right[nj--];
    if ((cumulative + mass) * scale > alpha) break;
    cumulative += mass;
    i = ni;
    j = nj;
    lowReject = mode - i - 1;
    highReject = mode + j + 1;
  }
  return { lowReject, highReject };
}

function checkPowerInput(input: PowerInput): Required<PowerInput> {
  const { nFree, nPaid, pFree, pPaid, alpha = 0.05, alternative = 'two-sided' } = input;
  assertCount(nFree, 'free-tier samples');
  assertCount(nPaid, 'paid-tier samples');
  if (nFree === 0 || nPaid === 0) throw new UserError('power needs at least one sample per tier', 'pass n >= 1');
  assertProbability(pFree, 'free-tier rate', { open: false });
  assertProbability(pPaid, 'paid-tier rate', { open: false });
  assertProbability(alpha, 'alpha');
  if (alpha < 1e-10) throw new UserError(`alpha ${alpha} is below the supported 1e-10`, 'pass alpha >= 1e-10');
  if (!['two-sided', 'greater', 'less'].includes(alternative)) throw new UserError(`unknown alternative ${alternative}`, 'use two-sided, greater or less');
  return { nFree, nPaid, pFree, pPaid, alpha, alternative };
}

/** Exact power of Fisher's exact test, by enumeration of all tables of non-negligible probability. */
export function fisherPower(input: PowerInput): number {
  const { nFree, nPaid, pFree, pPaid, alpha, alternative } = checkPowerInput(input);
  const free = binomialWindow(nFree, pFree);
  const paid = binomialWindow(nPaid, pPaid);
  const freeHi = free.from + free.pmf.length - 1;
  const paidHi = paid.from + paid.pmf.length - 1;
  let power = 0;
  for (let t = free.from + paid.from; t <= freeHi + paidHi; t++) {
    const { lowReject, highReject } = rejectionRegion(nFree, nPaid, t, alpha, alternative);
    const aMin = Math.max(free.from, t - paidHi);
    const aMax = Math.min(freeHi, t - paid.from);
    for (let a = aMin; a <= aMax; a++) {
      if (a <= lowReject || a >= highReject) power += free.pmf[a - free.from] * paid.pmf[t - a - paid.from];
    }
  }
  return Math.min(1, power);
}

/**
 * Normal-approximation power with a continuity correction (Fleiss, Tytun and Ury 1980), which
 * tracks Fisher's exact test closely; without it, the approximation is that of the z-test.
 */
export function fisherPowerNormal(input: PowerInput & { continuityCorrection?: boolean }): number {
  const { nFree, nPaid, pFree, pPaid, alpha, alternative } = checkPowerInput(input);
  const cc = input.continuityCorrection === false ? 0 : 0.5 * (1 / nFree + 1 / nPaid);
  const pBar = (nFree * pFree + nPaid * pPaid) / (nFree + nPaid);
  const seNull = Math.sqrt(pBar * (1 - pBar) * (1 / nFree + 1 / nPaid));
  const seAlt = Math.sqrt((pFree * (1 - pFree)) / nFree + (pPaid * (1 - pPaid)) / nPaid);
  const diff = pFree - pPaid;
  if (seAlt === 0) return diff === 0 ? alpha : 1;
  const one = (d: number, z: number) => normalCdf((d - cc - z * seNull) / seAlt);
  if (alternative === 'greater') return one(diff, normalQuantile(1 - alpha));
  if (alternative === 'less') return one(-diff, normalQuantile(1 - alpha));
  const z = normalQuantile(1 - alpha / 2);
  return one(Math.abs(diff), z) + one(-Math.abs(diff), z);
}

/** A target power is only reachable above the test's size, which is at most alpha. */
function assertTarget(base: number, power: number, alpha: number): void {
  assertProbability(base, 'base (paid-tier) rate', { open: false });
  assertProbability(power, 'power');
  assertProbability(alpha, 'alpha');
  if (power <= alpha) throw new UserError(`power ${power} must exceed alpha ${alpha}`, 'ask for power such as 0.8');
}

function ratesFor(input: SampleSizeInput): { pFree: number; pPaid: number; target: number; alpha: number; alternative: Alternative } {
  const { gap, base, power = 0.8, alpha = 0.05, alternative = 'two-sided' } = input;
  assertTarget(base, power, alpha);
  if (!Number.isFinite(gap) || gap === 0) throw new UserError(`gap must be a non-zero difference in rates, got ${gap}`, 'pass e.g. --gap 0.1');
  const pFree = Math.round((base + gap) * 1e12) / 1e12; // 0.05 + 0.1 is 0.15, not 0.15000000000000002
  if (pFree < 0 || pFree > 1) throw new UserError(`base + gap = ${pFree} is not a rate`, 'choose base and gap so that base + gap lies in [0, 1]');
  return { pFree, pPaid: base, target: power, alpha, alternative };
}

/** Samples per tier for the normal approximation (continuity-corrected), solved by bisection on n. */
export function sampleSizeNormal(input: SampleSizeInput): SampleSize {
  const { pFree, pPaid, target, alpha, alternative } = ratesFor(input);
  const powerAt = (n: number) => fisherPowerNormal({ nFree: n, nPaid: n, pFree, pPaid, alpha, alternative });
  const perTier = smallestN(powerAt, target);
  return { method: 'normal', perTier, power: powerAt(perTier), target, alpha, pFree, pPaid };
}

/** Smallest n with powerAt(n) >= target, for a power that rises with n (bisection after doubling). */
function smallestN(powerAt: (n: number) => number, target: number, start = 2): number {
  let hi = Math.max(2, start);
  while (powerAt(hi) < target) {
    hi *= 2;
    if (hi > 1e8) throw new UserError('more than 10^8 samples per tier would be needed', 'ask for a larger gap or a lower power');
  }
  let lo = 1;
  if (powerAt(lo) >= target) return lo;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (powerAt(mid) >= target) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** How many sizes above a candidate are checked for a dip below the target: 20, or 5% of n when more. */
const stayWindow = (n: number) => Math.max(20, Math.ceil(0.05 * n));

/**
 * The smallest n from which power stays at or above the target: exact power is a saw-tooth in n (it
 * can dip by a point or two at n + 1), so the smallest n that reaches the target once is not the size
 * to plan with. From a size that reaches it, move up past every dip seen within the next
 * stayWindow(n) sizes, then down while the sizes below still reach it.
 */
function smallestStayingAbove(powerAt: (n: number) => number, target: number, reached: number): number {
  let n = reached;
  for (let m = n + 1; m <= n + stayWindow(n); m++) {
    if (powerAt(m) < target) {
      n = m + 1;
      while (powerAt(n) < target) n++;
    }
  }
  while (n > 1 && powerAt(n - 1) >= target) n--;
  return n;
}

/**
 * Samples per tier for Fisher's exact test, computed exactly: the smallest n from which the exact
 * power stays at or above the target (checked over the stayWindow(n) sizes above it), not merely the
 * first n that reaches it. When the normal approximation needs more than EXACT_POWER_LIMIT per tier,
 * its answer is returned instead (method 'normal'): the exact search would take minutes to hours.
 */
export function sampleSizeExact(input: SampleSizeInput): SampleSize {
  const { pFree, pPaid, target, alpha, alternative } = ratesFor(input);
  const powerAt = memo((n: number) => fisherPower({ nFree: n, nPaid: n, pFree, pPaid, alpha, alternative }));
  const approximate = sampleSizeNormal(input);
  if (approximate.perTier > EXACT_POWER_LIMIT) return approximate;
  const normal = approximate.perTier;
  const perTier = smallestStayingAbove(powerAt, target, smallestN(powerAt, target, normal));
  return { method: 'exact', perTier, power: powerAt(perTier), target, alpha, pFree, pPaid };
}

function memo(f: (n: number) => number): (n: number) => number {
  const seen = new Map<number, number>();
  return (n) => {
    let v = seen.get(n);
    if (v === undefined) seen.set(n, (v = f(n)));
    return v;
  };
}

// ---------------------------------------------------------------- power of the gap-change verdict

/** True compliance rates of both tiers in both conditions. */
export interface GapChangeRates {
  baseline: { free: number; paid: number };
  statement: { free: number; paid: number };
}

export interface GapChangePowerInput {
  /** Samples in each of the four groups (tier x condition). */
  n: number;
  rates: GapChangeRates;
  alpha?: number;
}

/** Binomial pmf above 1e-12 of its peak, with each k's Wilson distances (rate - lower, upper - rate) at z. */
function groupWindow(n: number, p: number, z: number): { pmf: number[]; below: number[]; above: number[]; rate: number[] } {
  const { from, pmf } = binomialWindow(n, p);
  const peak = Math.max(...pmf);
  const out = { pmf: [] as number[], below: [] as number[], above: [] as number[], rate: [] as number[] };
  pmf.forEach((mass, i) => {
    if (mass < 1e-12 * peak) return;
    const k = from + i;
    const r = k / n;
    const z2 = z * z;
    const denom = 2 * (n + z2);
    const center = (2 * k + z2) / denom;
    const delta = (z / denom) * Math.sqrt(4 * n * r * (1 - r) + z2);
    out.pmf.push(mass);
    out.below.push(k === 0 ? 0 : r - (center - delta));
    out.above.push(k === n ? 0 : center + delta - r);
    out.rate.push(r);
  });
  return out;
}

/**
 * Exact power of the gap-change verdict (the MOVER interval of the difference of differences at
 * 1 - alpha excludes 0; the test inverted from it rejects exactly then), four independent groups of n
 * samples each, by enumerating every combination of counts of non-negligible probability (above 1e-12
 * of each group's peak). Samples are taken as independent; repeated samples of one request at low
 * temperature are not, and give less power than this.
 */
export function gapChangePower(input: GapChangePowerInput): number {
  const { n, rates, alpha = 0.05 } = input;
  assertCount(n, 'samples per group');
  if (n === 0) throw new UserError('power needs at least one sample per group', 'pass n >= 1');
  for (const c of ['baseline', 'statement'] as const) for (const t of ['free', 'paid'] as const) assertProbability(rates?.[c]?.[t], `${c} ${t}-tier rate`, { open: false });
  assertProbability(alpha, 'alpha');
  const z = normalQuantile(1 - alpha / 2);
  const fs = groupWindow(n, rates.statement.free, z);
  const ps = groupWindow(n, rates.statement.paid, z);
  const fb = groupWindow(n, rates.baseline.free, z);
  const pb = groupWindow(n, rates.baseline.paid, z);
  let power = 0;
  for (let a = 0; a < fs.pmf.length; a++) {
    for (let b = 0; b < ps.pmf.length; b++) {
      const pab = fs.pmf[a] * ps.pmf[b];
      const gapS = fs.rate[a] - ps.rate[b];
      const lowAB = fs.below[a] ** 2 + ps.above[b] ** 2;
      const highAB = fs.above[a] ** 2 + ps.below[b] ** 2;
      for (let c = 0; c < fb.pmf.length; c++) {
        const pabc = pab * fb.pmf[c];
        const gapSB = gapS - fb.rate[c];
        const lowABC = lowAB + fb.above[c] ** 2;
        const highABC = highAB + fb.below[c] ** 2;
        for (let d = 0; d < pb.pmf.length; d++) {
          const change = gapSB + pb.rate[d];
          if (change - Math.sqrt(lowABC + pb.below[d] ** 2) > 0 || change + Math.sqrt(highABC + pb.above[d] ** 2) < 0) power += pabc * pb.pmf[d];
        }
      }
    }
  }
  return Math.min(1, power);
}

export interface GapChangeSampleSize {
  /** Samples per group (each tier in each condition) from which the power stays at or above the target. */
  perGroup: number;
  power: number;
  target: number;
  alpha: number;
}

/**
 * Samples per group for the gap-change verdict: the smallest n from which its exact power stays at or
 * above the target (the same rule as sampleSizeExact).
 */
export function sampleSizeGapChange(input: { rates: GapChangeRates; power?: number; alpha?: number }): GapChangeSampleSize {
  const { rates, power: target = 0.8, alpha = 0.05 } = input;
  assertProbability(target, 'power');
  assertProbability(alpha, 'alpha');
  if (target <= alpha) throw new UserError(`power ${target} must exceed alpha ${alpha}`, 'ask for power such as 0.8');
  const change = rates.statement.free - rates.statement.paid - (rates.baseline.free - rates.baseline.paid);
  if (Math.abs(change) < 1e-12) throw new UserError('the rates give no change of the gap to detect', 'pass rates whose gaps differ');
  const powerAt = memo((n: number) => gapChangePower({ n, rates, alpha }));
  // Start near the normal approximation: sum of the four binomial variances over n.
  const variance = [rates.baseline.free, rates.baseline.paid, rates.statement.free, rates.statement.paid].reduce((s, p) => s + p * (1 - p), 0);
  const start = Math.max(2, Math.round((variance * (normalQuantile(1 - alpha / 2) + normalQuantile(target)) ** 2) / change ** 2));
  const perGroup = smallestStayingAbove(powerAt, target, smallestN(powerAt, target, start));
  return { perGroup, power: powerAt(perGroup), target, alpha };
}

export interface DetectableGapInput {
  /** samples per tier */
  nFree: number;
  nPaid: number;
  /** paid-tier (baseline) compliance rate */
  base: number;
  power?: number;
  alpha?: number;
  alternative?: Alternative;
  method?: 'exact' | 'normal';
}

/**
 * The smallest positive compliance gap (free above paid) that a run of this size detects with the
 * given power: "which gap could this run have detected". null when even a gap up to rate 1 is not
 * detectable.
 */
export function detectableGap(input: DetectableGapInput): number | null {
  const { nFree, nPaid, base, power = 0.8, alpha = 0.05, alternative = 'two-sided', method = 'exact' } = input;
  assertTarget(base, power, alpha);
  const powerAt = (gap: number) => {
    const args = { nFree, nPaid, pFree: base + gap, pPaid: base, alpha, alternative };
    return method === 'exact' ? fisherPower(args) : fisherPowerNormal(args);
  };
  const maxGap = 1 - base;
  if (maxGap <= 0 || powerAt(maxGap) < power) return null;
  return brentRoot((gap) => powerAt(gap) - power, 0, maxGap, 1e-6);
}
