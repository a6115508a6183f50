// Logistic regression with standard errors clustered by request: in an ablation every request is asked
// in every condition and both tiers, so its samples are not independent. The fit is fitBinomialLogistic's
// (maximum likelihood); the covariance is the cluster-robust sandwich B M B, B the inverse information,
// M the sum over clusters of the outer product of each cluster's score, times statsmodels' default
// small-sample factor G/(G-1) x (N-1)/(N-K) (G clusters, N samples, K coefficients): the same numbers as
// statsmodels' GLM(Binomial).fit(cov_type='cluster') on one row per sample (test/clustered-logistic.test.ts).
import { chiSquareSf, normalQuantile, normalSf } from './special.js';
import { fitBinomialLogistic, type BinomialGroup, type LogisticFit } from './logistic.js';
import type { Interval } from './proportion.js';
import { assertConfLevel } from './validate.js';
import { UserError } from '../core/errors.js';

/** k successes of n samples sharing covariates x, all from one cluster (a request). */
export interface ClusteredGroup extends BinomialGroup {
  cluster: string;
}

export interface ClusteredLogisticFit extends LogisticFit {
  /** Cluster-robust covariance (with the small-sample factor). */
  robustCovariance: number[][];
  robustStandardErrors: number[];
  /** Two-sided p of each coefficient against 0, normal reference (as statsmodels' GLM). */
  pValues: number[];
  clusters: number;
  /** Samples (sum of n). */
  samples: number;
}

const expit = (eta: number): number => (eta >= 0 ? 1 / (1 + Math.exp(-eta)) : Math.exp(eta) / (1 + Math.exp(eta)));
const dot = (a: readonly number[], b: readonly number[]) => a.reduce((s, v, i) => s + v * b[i], 0);
const multiply = (a: number[][], b: number[][]) => a.map((row) => b[0].map((_, j) => row.reduce((s, v, k) => s + v * b[k][j], 0)));
const transpose = (a: number[][]) => a[0].map((_, j) => a.map((row) => row[j]));

/** Inverse of a small symmetric positive-definite matrix (Gauss-Jordan with partial pivoting). */
export function invert(matrix: number[][]): number[][] {
  const p = matrix.length;
  const a = matrix.map((row, i) => [...row, ...Array.from({ length: p }, (_, j) => (i === j ? 1 : 0))]);
  for (let col = 0; col < p; col++) {
    let pivot = col;
    for (let r = col + 1; r < p; r++) if (Math.abs(a[r][col]) > Math.abs(a[pivot][col])) pivot = r;
    [a[col], a[pivot]] = [a[pivot], a[col]];
    const diag = a[col][col];
    for (let j = 0; j < 2 * p; j++) a[col][j] /= diag;
    for (let r = 0; r < p; r++) {
      if (r === col || a[r][col] === 0) continue;
      const f = a[r][col];
      for (let j = 0; j < 2 * p; j++) a[r][j] -= f * a[col][j];
    }
  }
  return a.map((row) => row.slice(p));
}

export function fitClusteredLogistic(groups: readonly ClusteredGroup[]): ClusteredLogisticFit {
  const fit = fitBinomialLogistic(groups);
  const p = fit.coefficients.length;
  const scores = new Map<string, number[]>();
  groups.forEach((g, i) => {
    const residual = g.k - g.n * fit.fitted[i];
    const score = scores.get(g.cluster) ?? new Array(p).fill(0);
    for (let r = 0; r < p; r++) score[r] += g.x[r] * residual;
    scores.set(g.cluster, score);
  });
  const clusters = scores.size;
  if (clusters < 2) throw new UserError(`clustered standard errors need at least 2 clusters (requests), got ${clusters}`, 'use more requests');
  const samples = groups.reduce((s, g) => s + g.n, 0);
  const meat = Array.from({ length: p }, () => new Array(p).fill(0));
  for (const u of scores.values()) for (let r = 0; r < p; r++) for (let c = 0; c < p; c++) meat[r][c] += u[r] * u[c];
  const factor = (clusters / (clusters - 1)) * ((samples - 1) / (samples - p));
  const sandwich = multiply(multiply(fit.covariance, meat), fit.covariance).map((row) => row.map((v) => v * factor));
  const robustStandardErrors = sandwich.map((row, i) => Math.sqrt(row[i]));
  return {
    ...fit,
    robustCovariance: sandwich,
    robustStandardErrors,
    pValues: fit.coefficients.map((b, i) => 2 * normalSf(Math.abs(b / robustStandardErrors[i]))),
    clusters,
    samples,
  };
}

export interface WaldTest {
  statistic: number;
  df: number;
  pValue: number;
}

/** Wald test of R beta = 0 with the cluster-robust covariance (chi-square with rows(R) degrees of freedom). */
export function waldTest(fit: Pick<ClusteredLogisticFit, 'coefficients' | 'robustCovariance'>, restriction: number[][]): WaldTest {
  const rb = restriction.map((row) => [dot(row, fit.coefficients)]);
  const middle = multiply(multiply(restriction, fit.robustCovariance), transpose(restriction));
  const statistic = multiply(multiply(transpose(rb), invert(middle)), rb)[0][0];
  return { statistic, df: restriction.length, pValue: chiSquareSf(statistic, restriction.length) };
}

/** One term of a contrast of fitted probabilities: sign x expit(a' beta). */
export interface ProbabilityTerm {
  at: number[];
  sign: number;
}

export interface ProbabilityContrast {
  estimate: number;
  /** Delta-method standard error from the cluster-robust covariance. */
  se: number;
  ci: Interval;
}

/** A sum of signed fitted probabilities (a tier's change, or a change of the gap), with a delta-method interval. */
export function probabilityContrast(fit: Pick<ClusteredLogisticFit, 'coefficients' | 'robustCovariance'>, terms: readonly ProbabilityTerm[], confLevel = 0.95): ProbabilityContrast {
  assertConfLevel(confLevel);
  const gradient = new Array(fit.coefficients.length).fill(0);
  let estimate = 0;
  for (const { at, sign } of terms) {
    const prob = expit(dot(at, fit.coefficients));
    estimate += sign * prob;
    at.forEach((v, j) => (gradient[j] += sign * prob * (1 - prob) * v));
  }
  const variance = dot(gradient, fit.robustCovariance.map((row) => dot(row, gradient)));
  const se = Math.sqrt(Math.max(0, variance));
  const z = normalQuantile(1 - (1 - confLevel) / 2);
  return { estimate, se, ci: [estimate - z * se, estimate + z * se] };
}

/** A coefficient's Wald interval from the cluster-robust covariance. */
export function coefficientInterval(fit: Pick<ClusteredLogisticFit, 'coefficients' | 'robustStandardErrors'>, index: number, confLevel = 0.95): Interval {
  assertConfLevel(confLevel);
  const z = normalQuantile(1 - (1 - confLevel) / 2);
  return [fit.coefficients[index] - z * fit.robustStandardErrors[index], fit.coefficients[index] + z * fit.robustStandardErrors[index]];
}
