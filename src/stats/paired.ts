// Paired analysis: every request is asked in both tiers (and, for a statement, in both conditions),
// so the tiers' outcomes are pairs, not independent samples. One sample per request and tier:
// McNemar's exact test on the discordant pairs. Several samples: each request's compliance share
// per tier, and a sign-flip permutation test of the mean paired difference (exact when the exact
// distribution is small enough to enumerate, otherwise Monte Carlo with a fixed seed).
import { binomialLowerTail } from './binomial.js';
import { chiSquareSf } from './special.js';
import type { Count, TierCounts } from './proportion.js';
import { assertCount, assertProportion } from './validate.js';
import { seededRandom } from '../core/random.js';
import { UserError } from '../core/errors.js';

// ---------------------------------------------------------------- McNemar

/** One request asked once in each tier: did it comply? */
export interface PairedOutcome {
  free: boolean;
  paid: boolean;
}

/** The paired 2x2 table: requests that complied in both tiers, only free, only paid, neither. */
export interface PairedTable {
  both: number;
  freeOnly: number;
  paidOnly: number;
  neither: number;
}

export interface McNemarTest extends PairedTable {
  pairs: number;
  /** Paired compliance gap: (freeOnly - paidOnly) / pairs = free rate - paid rate. */
  gap: number;
  /** Exact two-sided p: binomial test of freeOnly out of the discordant pairs at 1/2 (R's binom.test, statsmodels' mcnemar(exact=True)); 1 with no discordant pair. */
  pExact: number;
  /** One-sided exact p that the free tier complies more: P(X >= freeOnly). */
  pExactGreater: number;
  /**
   * McNemar's chi-square with continuity correction, (|freeOnly - paidOnly| - 1)^2 / (freeOnly + paidOnly),
   * as R's mcnemar.test (no correction when the two are equal); NaN with no discordant pair.
   */
  chiSquare: number;
  pChiSquare: number;
}

export function pairedTable(pairs: readonly PairedOutcome[]): PairedTable {
  const table = { both: 0, freeOnly: 0, paidOnly: 0, neither: 0 };
  for (const { free, paid } of pairs) {
    if (typeof free !== 'boolean' || typeof paid !== 'boolean') {
      throw new UserError('a paired outcome needs a true/false compliance label in both tiers', 'leave out requests whose label is missing in either tier');
    }
    if (free && paid) table.both++;
    else if (free) table.freeOnly++;
    else if (paid) table.paidOnly++;
    else table.neither++;
  }
  return table;
}

/** McNemar's test of the compliance gap of one condition from its paired table (or the pairs themselves). */
export function mcnemarTest(input: PairedTable | readonly PairedOutcome[]): McNemarTest {
  const table = Array.isArray(input) ? pairedTable(input) : (input as PairedTable);
  const { both, freeOnly, paidOnly, neither } = table;
  assertCount(both, 'paired table: both complied');
  assertCount(freeOnly, 'paired table: only the free tier complied');
  assertCount(paidOnly, 'paired table: only the paid tier complied');
  assertCount(neither, 'paired table: neither complied');
  const pairs = both + freeOnly + paidOnly + neither;
  if (pairs === 0) throw new UserError('McNemar test: no pairs', 'pass at least one request asked in both tiers');
  const discordant = freeOnly + paidOnly;
  const pExact = discordant === 0 ? 1 : Math.min(1, 2 * binomialLowerTail(Math.min(freeOnly, paidOnly), discordant, 0.5));
  const pExactGreater = freeOnly === 0 ? 1 : 1 - binomialLowerTail(freeOnly - 1, discordant, 0.5);
  const correction = freeOnly === paidOnly ? 0 : 1;
  const chiSquare = discordant === 0 ? NaN : (Math.abs(freeOnly - paidOnly) - correction) ** 2 / discordant;
  return {
    both,
    freeOnly,
    paidOnly,
    neither,
    pairs,
    gap: (freeOnly - paidOnly) / pairs,
    pExact,
    pExactGreater,
    chiSquare,
    pChiSquare: chiSquareSf(chiSquare, 1),
  };
}

// ---------------------------------------------------------------- sign-flip permutation test

export interface SignFlipOptions {
  /** Monte-Carlo draws when the exact distribution is too large to enumerate (default 100,000). */
  draws?: number;
  /** Seed of the Monte-Carlo draws (default 'af-lab sign-flip'): the same data and seed give the same p. */
  seed?: string | number;
  /** Largest exact enumeration, in (non-zero differences) x (range of the sum) steps (default 5e7). */
  exactWorkLimit?: number;
}

export interface SignFlipTest {
  /** 'exact': the whole sign-flip distribution, by convolution; 'monte-carlo': `draws` random sign vectors. */
  method: 'exact' | 'monte-carlo';
  /** Paired units (requests), zero differences included. */
  units: number;
  /** Units whose difference is not zero (the others do not move under a sign flip). */
  nonZero: number;
  meanDifference: number;
  /** P(|S*| >= |S|), S the sum of the differences and S* the sum with random signs. */
  pTwoSided: number;
  /** P(S* >= S): evidence of a positive mean difference. */
  pGreater: number;
  /** P(S* <= S). */
  pLess: number;
  /** Monte Carlo only: draws and seed; p = (1 + count) / (draws + 1), which is never 0 and keeps the test's level. */
  draws: number | null;
  seed: string | null;
}

const DEFAULT_DRAWS = 100_000;
const DEFAULT_SEED = 'af-lab sign-flip';
const DEFAULT_EXACT_WORK = 5e7;
/** Largest range of the sum enumerated exactly (a Float64Array of this length, 16 MB). */
const MAX_EXACT_RANGE = 2e6;

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/**
 * Sign-flip permutation test of the mean of paired differences, given as whole-number numerators
 * over one common denominator (so ties are exact): under the null of no difference within a unit,
 * each difference is as likely negated. Exact when (non-zero units) x (sum of |numerators|) is at
 * most `exactWorkLimit`; otherwise Monte Carlo with a seeded generator.
 */
export function signFlipTest(numerators: readonly number[], denominator = 1, options: SignFlipOptions = {}): SignFlipTest {
  const { draws = DEFAULT_DRAWS, seed = DEFAULT_SEED, exactWorkLimit = DEFAULT_EXACT_WORK } = options;
  if (numerators.length === 0) throw new UserError('sign-flip test: no paired units', 'pass at least one request with samples in both tiers');
  if (!numerators.every(Number.isSafeInteger) || !(Number.isSafeInteger(denominator) && denominator > 0)) {
    throw new UserError('sign-flip test: differences must be whole numerators over a positive whole denominator', 'pass counts, e.g. through pairedGap()');
  }
  if (!Number.isInteger(draws) || draws < 1) throw new UserError(`sign-flip test: draws must be a whole number >= 1, got ${draws}`, 'pass e.g. draws: 100000');
  const units = numerators.length;
  const observed = numerators.reduce((s, v) => s + v, 0);
  const meanDifference = observed / denominator / units;
  const divisor = numerators.reduce((g, v) => gcd(g, Math.abs(v)), 0) || 1;
  const sizes = numerators.filter((v) => v !== 0).map((v) => Math.abs(v) / divisor);
  const nonZero = sizes.length;
  const s = observed / divisor;
  const total = sizes.reduce((a, v) => a + v, 0);
  if (!Number.isSafeInteger(total)) throw new UserError('sign-flip test: the differences are too large to sum exactly', 'pass counts of at most about 1e9 in all');
  const base = { units, nonZero, meanDifference };
  if (nonZero === 0) return { method: 'exact', ...base, pTwoSided: 1, pGreater: 1, pLess: 1, draws: null, seed: null };

  if (nonZero * total <= exactWorkLimit && total <= MAX_EXACT_RANGE) {
    // S* = 2W - total, W the sum of the sizes that keep a + sign: W's distribution by convolution.
    // In place, from the top down, so dist[w - size] is still the previous step's value when read.
    const dist = new Float64Array(total + 1);
    dist[0] = 1;
    let reach = 0;
    for (const size of sizes) {
      reach += size;
      for (let w = reach; w >= 0; w--) dist[w] = (dist[w] + (w >= size ? dist[w - size] : 0)) / 2;
    }
    const wObserved = (s + total) / 2;
    const upper = (from: number) => sumRange(dist, Math.max(0, Math.ceil(from)), total);
    const lower = (to: number) => sumRange(dist, 0, Math.min(total, Math.floor(to)));
    const tail = Math.abs(s);
    const pTwoSided = tail === 0 ? 1 : Math.min(1, upper((total + tail) / 2) + lower((total - tail) / 2));
    return { method: 'exact', ...base, pTwoSided, pGreater: Math.min(1, upper(wObserved)), pLess: Math.min(1, lower(wObserved)), draws: null, seed: null };
  }

  const random = seededRandom('sign-flip', String(seed));
  let atLeast = 0;
  let greater = 0;
  let less = 0;
  const absObserved = Math.abs(s);
  for (let draw = 0; draw < draws; draw++) {
    let sum = 0;
    let bits = 0;
    for (let i = 0; i < nonZero; i++) {
      if (i % 32 === 0) bits = (random() * 4294967296) >>> 0; // 32 fair signs per draw of the generator
      sum += bits & 1 ? sizes[i] : -sizes[i];
      bits >>>= 1;
    }
    if (Math.abs(sum) >= absObserved) atLeast++;
    if (sum >= s) greater++;
    if (sum <= s) less++;
  }
  const p = (count: number) => (1 + count) / (draws + 1);
  return { method: 'monte-carlo', ...base, pTwoSided: p(atLeast), pGreater: p(greater), pLess: p(less), draws, seed: String(seed) };
}

/** Sum of dist[from..to], smallest terms first. */
function sumRange(dist: Float64Array, from: number, to: number): number {
  const terms = Array.from(dist.subarray(from, to + 1)).sort((a, b) => a - b);
  return terms.reduce((a, v) => a + v, 0);
}

// ---------------------------------------------------------------- per-request shares

/** One request's samples in one condition: complied out of samples in each tier. */
export interface RequestTiers {
  request: string;
  free: Count;
  paid: Count;
}

/** One request's samples in both conditions of a statement comparison. */
export interface RequestConditions {
  request: string;
  baseline: TierCounts;
  statement: TierCounts;
}

export interface PairedGap {
  /** Requests used: those with at least one sample in each tier. */
  requests: number;
  /** Requests left out because a tier had no labelled sample. */
  excluded: number;
  /** Mean over requests of the free-tier (paid-tier) compliance share; every request weighs the same. */
  meanFreeShare: number;
  meanPaidShare: number;
  /** Mean per-request gap (free share - paid share). */
  meanGap: number;
  /** Sign-flip test of the mean per-request gap. */
  signFlip: SignFlipTest;
  /** McNemar's exact test when every request has exactly one sample per tier; null otherwise. */
  mcnemar: McNemarTest | null;
}

export interface PairedGapChange {
  requests: number;
  excluded: number;
  meanBaselineGap: number;
  meanStatementGap: number;
  /** Mean per-request (statement gap - baseline gap). */
  meanChange: number;
  /** Sign-flip test of it: under the null the statement does not change a request's gap, so each change is as likely negated. */
  signFlip: SignFlipTest;
}

function checkRequest(tiers: TierCounts, where: string): void {
  assertProportionOrEmpty(tiers.free, `${where}, free tier`);
  assertProportionOrEmpty(tiers.paid, `${where}, paid tier`);
}

function assertProportionOrEmpty(c: Count, what: string): void {
  if (c.n === 0 && c.k === 0) return;
  assertProportion(c.k, c.n, what);
}

const hasBothTiers = (t: TierCounts) => t.free.n > 0 && t.paid.n > 0;

function lcm(values: readonly number[]): number {
  const out = values.reduce((l, v) => (l / gcd(l, v)) * v, 1);
  if (!Number.isSafeInteger(out) || out > 2 ** 32) {
    throw new UserError('paired test: the per-request sample counts have no common denominator below 2^32', 'use the same number of samples per request and tier');
  }
  return out;
}

/** Per-request gap numerators over a common denominator: sum of sign * k/n * L for each (count, sign). */
function numeratorsOf(rows: readonly Array<[Count, 1 | -1]>[]): { numerators: number[]; denominator: number } {
  const denominator = lcm(rows.flatMap((row) => row.map(([c]) => c.n)));
  return { numerators: rows.map((row) => row.reduce((s, [c, sign]) => s + sign * c.k * (denominator / c.n), 0)), denominator };
}

/** Paired analysis of one condition's gap from per-request counts. */
export function pairedGap(requests: readonly RequestTiers[], options: SignFlipOptions = {}): PairedGap {
  requests.forEach((r) => checkRequest(r, `request ${r.request}`));
  const used = requests.filter(hasBothTiers);
  if (used.length === 0) throw new UserError('paired test: no request has samples in both tiers', 'pass requests asked in both tiers');
  const { numerators, denominator } = numeratorsOf(used.map((r) => [[r.free, 1], [r.paid, -1]]));
  const mean = (f: (r: RequestTiers) => number) => used.reduce((s, r) => s + f(r), 0) / used.length;
  const single = used.every((r) => r.free.n === 1 && r.paid.n === 1);
  return {
    requests: used.length,
    excluded: requests.length - used.length,
    meanFreeShare: mean((r) => r.free.k / r.free.n),
    meanPaidShare: mean((r) => r.paid.k / r.paid.n),
    meanGap: mean((r) => r.free.k / r.free.n - r.paid.k / r.paid.n),
    signFlip: signFlipTest(numerators, denominator, options),
    mcnemar: single ? mcnemarTest(used.map((r) => ({ free: r.free.k === 1, paid: r.paid.k === 1 }))) : null,
  };
}

/** Paired test of the change of the gap: per request, (statement gap - baseline gap), sign-flipped. */
export function pairedGapChange(requests: readonly RequestConditions[], options: SignFlipOptions = {}): PairedGapChange {
  requests.forEach((r) => {
    checkRequest(r.baseline, `request ${r.request}, baseline`);
    checkRequest(r.statement, `request ${r.request}, statement`);
  });
  const used = requests.filter((r) => hasBothTiers(r.baseline) && hasBothTiers(r.statement));
  if (used.length === 0) throw new UserError('paired test: no request has samples in both tiers in both conditions', 'pass the same requests for baseline and statement');
  const { numerators, denominator } = numeratorsOf(
    used.map((r) => [
      [r.statement.free, 1],
      [r.statement.paid, -1],
      [r.baseline.free, -1],
      [r.baseline.paid, 1],
    ]),
  );
  const gapOf = (t: TierCounts) => t.free.k / t.free.n - t.paid.k / t.paid.n;
  const meanBaselineGap = used.reduce((s, r) => s + gapOf(r.baseline), 0) / used.length;
  const meanStatementGap = used.reduce((s, r) => s + gapOf(r.statement), 0) / used.length;
  return {
    requests: used.length,
    excluded: requests.length - used.length,
    meanBaselineGap,
    meanStatementGap,
    meanChange: used.reduce((s, r) => s + gapOf(r.statement) - gapOf(r.baseline), 0) / used.length,
    signFlip: signFlipTest(numerators, denominator, options),
  };
}
