// Binomial logistic regression on grouped counts, fitted by iteratively reweighted least squares
// (Newton's method for the canonical link), and the likelihood-ratio test of the tier x statement
// interaction that asks whether a statement changed the free/paid odds ratio. Same fits as R's
// glm(cbind(k, n - k) ~ tier * statement, family = binomial) and anova(reduced, full, test = "Chisq").
import { bd0 } from './binomial.js';
import { normalQuantile, normalSf, chiSquareSf } from './special.js';
import { sampleOddsRatio, tierTable } from './fisher.js';
import type { Count, Interval, TierCounts } from './proportion.js';
import { assertConfLevel, assertProportion } from './validate.js';
import { UserError } from '../core/errors.js';

/** One group of a grouped binomial regression: k successes of n, covariates x (include the intercept's 1). */
export interface BinomialGroup {
  k: number;
  n: number;
  x: number[];
}

export interface LogisticFit {
  coefficients: number[];
  /** Inverse Fisher information at the estimate (what glm's summary uses for Wald standard errors). */
  covariance: number[][];
  standardErrors: number[];
  /** Fitted probability of each group. */
  fitted: number[];
  /** Deviance against the saturated model, 2 sum [k log(k/m) + (n-k) log((n-k)/(n-m))], m = n * fitted. */
  deviance: number;
  iterations: number;
  /**
   * The deviance changed by less than 1e-14 x (deviance + 0.1) in the last step. False also when a
   * boundary fit made the information matrix singular first; the deviance is then already settled.
   */
  converged: boolean;
  /**
   * Some fitted probability is numerically 0 or 1 (n * p or n * (1 - p) below 1e-8): the MLE is on
   * the boundary, a coefficient runs off to infinity, and its standard error means nothing; the
   * deviance still converges to the supremum of the likelihood, so a likelihood-ratio test holds.
   */
  boundary: boolean;
}

const MAX_ITERATIONS = 200;
/** Stop when the deviance changes by less than this, relative to |deviance| + 0.1 (R's glm uses 1e-8). */
const TOLERANCE = 1e-14;

/** Half the deviance of one group: k log(k/m) + (n-k) log((n-k)/(n-m)), as two non-negative terms. */
function groupDeviance(k: number, n: number, p: number): number {
  const m = n * p;
  const rest = n * (1 - p);
  const part = (y: number, mu: number) => (y === 0 ? mu : mu === 0 ? Infinity : bd0(y, mu));
  // bd0(y, mu) = y log(y/mu) + mu - y >= 0; the two "+ mu - y" parts cancel exactly within a group.
  return part(k, m) + part(n - k, rest);
}

function deviance(groups: readonly BinomialGroup[], fitted: readonly number[]): number {
  return 2 * groups.reduce((sum, g, i) => sum + groupDeviance(g.k, g.n, fitted[i]), 0);
}

const expit = (eta: number): number => (eta >= 0 ? 1 / (1 + Math.exp(-eta)) : Math.exp(eta) / (1 + Math.exp(eta)));

/** Solve A z = b (A symmetric, small) by Gaussian elimination with partial pivoting; also returns A^-1. */
function solveWithInverse(matrix: number[][], rhs: number[]): { solution: number[]; inverse: number[][] } {
  const p = rhs.length;
  const a = matrix.map((row, i) => [...row, rhs[i], ...Array.from({ length: p }, (_, j) => (i === j ? 1 : 0))]);
  for (let col = 0; col < p; col++) {
    let pivot = col;
    for (let r = col + 1; r < p; r++) if (Math.abs(a[r][col]) > Math.abs(a[pivot][col])) pivot = r;
    [a[col], a[pivot]] = [a[pivot], a[col]];
    const diag = a[col][col];
    for (let j = col; j < a[col].length; j++) a[col][j] /= diag;
    for (let r = 0; r < p; r++) {
      if (r === col || a[r][col] === 0) continue;
      const f = a[r][col];
      for (let j = col; j < a[r].length; j++) a[r][j] -= f * a[col][j];
    }
  }
  return { solution: a.map((row) => row[p]), inverse: a.map((row) => row.slice(p + 1)) };
}

/**
 * Maximum-likelihood logistic regression on grouped binomial counts by IRLS, started as R's glm
 * starts (fitted p = (k + 0.5) / (n + 1)), halving a step that would raise the deviance.
 */
export function fitBinomialLogistic(groups: readonly BinomialGroup[]): LogisticFit {
  if (groups.length === 0) throw new UserError('a logistic regression needs at least one group', 'pass groups of {k, n, x}');
  const p = groups[0].x.length;
  groups.forEach((g, i) => {
    assertProportion(g.k, g.n, `group ${i + 1}`);
    if (g.x.length !== p || !g.x.every(Number.isFinite)) {
      throw new UserError(`group ${i + 1} has ${g.x.length} covariates (or a non-finite one), the first has ${p}`, 'give every group the same finite covariates');
    }
  });
  let eta = groups.map((g) => Math.log((g.k + 0.5) / (g.n - g.k + 0.5)));
  let fitted = eta.map(expit);
  let current = deviance(groups, fitted);
  let beta: number[] = new Array(p).fill(0);
  let converged = false;
  let iterations = 0;
  for (; iterations < MAX_ITERATIONS && !converged; iterations++) {
    const xtwx = Array.from({ length: p }, () => new Array(p).fill(0));
    const xtwz = new Array(p).fill(0);
    groups.forEach((g, i) => {
      const mu = fitted[i];
      const w = g.n * mu * (1 - mu);
      if (w === 0) return; // a group fitted exactly at 0 or 1 carries no more information
      const z = eta[i] + (g.k - g.n * mu) / w;
      for (let r = 0; r < p; r++) {
        xtwz[r] += w * g.x[r] * z;
        for (let c = 0; c < p; c++) xtwx[r][c] += w * g.x[r] * g.x[c];
      }
    });
    const { solution } = solveWithInverse(xtwx, xtwz);
    if (!solution.every(Number.isFinite)) break; // singular information: keep the last finite fit
    let step = 1;
    let next = solution;
    let nextEta = groups.map((g) => g.x.reduce((s, v, j) => s + v * next[j], 0));
    let nextFitted = nextEta.map(expit);
    let nextDeviance = deviance(groups, nextFitted);
    // Newton steps on a concave log-likelihood can still overshoot from a poor start: halve them.
    while (!(nextDeviance <= current * (1 + 1e-12) + 1e-300) && step > 1e-10 && iterations > 0) {
      step /= 2;
      next = beta.map((b, j) => b + step * (solution[j] - b));
      nextEta = groups.map((g) => g.x.reduce((s, v, j) => s + v * next[j], 0));
      nextFitted = nextEta.map(expit);
      nextDeviance = deviance(groups, nextFitted);
    }
    converged = Math.abs(nextDeviance - current) < TOLERANCE * (Math.abs(nextDeviance) + 0.1);
    beta = next;
    eta = nextEta;
    fitted = nextFitted;
    current = nextDeviance;
  }
  // Information at the final estimate, for the standard errors.
  const info = Array.from({ length: p }, () => new Array(p).fill(0));
  groups.forEach((g, i) => {
    const w = g.n * fitted[i] * (1 - fitted[i]);
    for (let r = 0; r < p; r++) for (let c = 0; c < p; c++) info[r][c] += w * g.x[r] * g.x[c];
  });
  const covariance = solveWithInverse(info, new Array(p).fill(0)).inverse;
  return {
    coefficients: beta,
    covariance,
    standardErrors: covariance.map((row, i) => Math.sqrt(row[i])),
    fitted,
    deviance: current,
    iterations,
    converged,
    boundary: groups.some((g, i) => g.n * fitted[i] < 1e-8 || g.n * (1 - fitted[i]) < 1e-8),
  };
}

export interface InteractionTest {
  /** Likelihood-ratio statistic: deviance without the interaction minus deviance with it (1 df). */
  statistic: number;
  df: 1;
  pValue: number;
  /**
   * Interaction coefficient: log(free/paid odds ratio with the statement) - log(... at baseline).
   * The full model is saturated, so this is the difference of the two sample log odds ratios, with
   * Wald SE sqrt(sum of 1/cell over the 8 cells). With a zero cell the MLE is infinite: the estimate
   * is then +-Infinity (NaN when both odds ratios are), the SE Infinity, z and p NaN.
   */
  interaction: {
    logOddsRatioRatio: number;
    standardError: number;
    z: number;
    pValue: number;
    ci: Interval;
    /** exp(logOddsRatioRatio): the statement's free/paid odds ratio divided by the baseline's. */
    oddsRatioRatio: number;
    oddsRatioRatioCi: Interval;
    confLevel: number;
  };
  /** Group order: baseline free, baseline paid, statement free, statement paid. Columns: 1, free, statement, free x statement. */
  full: LogisticFit;
  reduced: LogisticFit;
  /**
   * False when a condition has no compliance (or no refusal) in either tier: its odds ratio is
   * undefined, the statistic is 0 by construction, and nothing about the interaction was tested.
   */
  informative: boolean;
  /** Caveats a reader needs (boundary fits, a condition that carries no information), or null. */
  note: string | null;
}

/** The four groups and the design matrix of tier x statement. */
export function interactionGroups(baseline: TierCounts, statement: TierCounts): BinomialGroup[] {
  const group = ({ k, n }: Count, x: number[]): BinomialGroup => ({ k, n, x });
  return [
    group(baseline.free, [1, 1, 0, 0]),
    group(baseline.paid, [1, 0, 0, 0]),
    group(statement.free, [1, 1, 1, 1]),
    group(statement.paid, [1, 0, 1, 0]),
  ];
}

/**
 * Likelihood-ratio test of the tier x statement interaction in a binomial logistic regression:
 * does the statement change the free/paid odds ratio? Also the interaction's Wald estimate.
 */
export function tierStatementInteraction(baseline: TierCounts, statement: TierCounts, confLevel = 0.95): InteractionTest {
  assertConfLevel(confLevel);
  const groups = interactionGroups(baseline, statement);
  const full = fitBinomialLogistic(groups);
  const reduced = fitBinomialLogistic(groups.map((g) => ({ ...g, x: g.x.slice(0, 3) })));
  const statistic = Math.max(0, reduced.deviance - full.deviance);
  const cells = [baseline, statement].flatMap((c) => tierTable(c.free, c.paid).flat());
  const anyZero = cells.some((v) => v === 0);
  const z = normalQuantile(0.5 + 0.5 * confLevel);
  let estimate: number;
  let se: number;
  if (anyZero) {
    // The saturated fit is the observed table, so the limit is the difference of the sample log ORs.
    estimate = Math.log(sampleOddsRatio(tierTable(statement.free, statement.paid))) - Math.log(sampleOddsRatio(tierTable(baseline.free, baseline.paid)));
    se = Infinity;
  } else {
    estimate = full.coefficients[3];
    se = full.standardErrors[3];
  }
  const wald = anyZero ? NaN : estimate / se;
  const ci: Interval = anyZero ? [NaN, NaN] : [estimate - z * se, estimate + z * se];
  const notes: string[] = [];
  // A condition with no compliance (or no refusal) in either tier has no odds ratio to compare.
  const isEmpty = ({ free, paid }: TierCounts) => free.k + paid.k === 0 || free.k + paid.k === free.n + paid.n;
  const uninformative = [isEmpty(baseline) ? 'baseline' : null, isEmpty(statement) ? 'statement' : null].filter((name) => name !== null);
  if (uninformative.length > 0) {
    const names = uninformative.join(' and ');
    notes.push(`the ${names} condition has no compliance or no refusal in either tier, so its odds ratio is undefined and the data carry no information on the interaction (the statistic is 0 by construction)`);
  } else if (anyZero) {
    notes.push('a zero cell puts the MLE of the interaction at infinity: no Wald estimate, but the likelihood-ratio statistic is the limit of the deviance and stays valid');
  }
  if (reduced.boundary && uninformative.length === 0) {
    notes.push('the model without the interaction fits some group at probability 0 or 1 (MLE on the boundary); its deviance is the supremum of the likelihood, so the statistic is still defined');
  }
  return {
    statistic,
    df: 1,
    pValue: chiSquareSf(statistic, 1),
    interaction: {
      logOddsRatioRatio: estimate,
      standardError: se,
      z: wald,
      pValue: anyZero ? NaN : 2 * normalSf(Math.abs(wald)),
      ci,
      oddsRatioRatio: Math.exp(estimate),
      oddsRatioRatioCi: [Math.exp(ci[0]), Math.exp(ci[1])],
      confLevel,
    },
    full,
    reduced,
    informative: uninformative.length === 0,
    note: notes.length > 0 ? notes.join('; ') : null,
  };
}
