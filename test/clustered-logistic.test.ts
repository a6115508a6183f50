// The cluster-robust logistic regression of an ablation (src/stats/clusteredLogistic.ts) against
// statsmodels: GLM(Binomial) on one row per sample, cov_type='cluster' by request, wald_test, and the
// delta method on statsmodels' covariance (scripts/ablation-fixture.py). Every value within 1e-6.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fitClusteredLogistic, probabilityContrast, waldTest, type ClusteredGroup, type ProbabilityTerm } from '../src/stats/clusteredLogistic.js';

interface Case {
  name: string;
  groups: ClusteredGroup[];
  coefficients: number[];
  robustCovariance: number[][];
  robustStandardErrors: number[];
  pValues: number[];
  clusters: number;
  samples: number;
  wald: Array<{ restriction: number[][]; statistic: number; df: number; pValue: number }>;
  contrasts: Array<{ terms: ProbabilityTerm[]; estimate: number; se: number; ci: [number, number] }>;
}

const fixture = JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures', 'stats', 'clustered-logistic-statsmodels.json'), 'utf8')) as { cases: Case[] };
const TOL = 1e-6;
const close = (actual: number, expected: number, what: string) => assert.ok(Math.abs(actual - expected) <= TOL * Math.max(1, Math.abs(expected)), `${what}: ${actual} vs statsmodels ${expected}`);

describe('cluster-robust logistic regression agrees with statsmodels', () => {
  for (const c of fixture.cases) {
    it(c.name, () => {
      const fit = fitClusteredLogistic(c.groups);
      assert.equal(fit.clusters, c.clusters);
      assert.equal(fit.samples, c.samples);
      c.coefficients.forEach((b, i) => close(fit.coefficients[i], b, `coefficient ${i}`));
      c.robustStandardErrors.forEach((se, i) => close(fit.robustStandardErrors[i], se, `robust SE ${i}`));
      c.robustCovariance.forEach((row, i) => row.forEach((v, j) => close(fit.robustCovariance[i][j], v, `covariance ${i},${j}`)));
      c.pValues.forEach((p, i) => close(fit.pValues[i], p, `p ${i}`));
      for (const [i, w] of c.wald.entries()) {
        const test = waldTest(fit, w.restriction);
        assert.equal(test.df, w.df);
        close(test.statistic, w.statistic, `Wald statistic ${i}`);
        close(test.pValue, w.pValue, `Wald p ${i}`);
      }
      for (const [i, contrast] of c.contrasts.entries()) {
        const got = probabilityContrast(fit, contrast.terms);
        close(got.estimate, contrast.estimate, `contrast ${i}`);
        close(got.se, contrast.se, `contrast SE ${i}`);
        close(got.ci[0], contrast.ci[0], `contrast CI low ${i}`);
        close(got.ci[1], contrast.ci[1], `contrast CI high ${i}`);
      }
    });
  }

  it('clusters by request: the same data as independent samples (one cluster per sample) gives other standard errors', () => {
    const c = fixture.cases[0];
    const clustered = fitClusteredLogistic(c.groups);
    const independent = fitClusteredLogistic(c.groups.map((g, i) => ({ ...g, cluster: `g${i}` })));
    assert.notEqual(clustered.robustStandardErrors[2].toFixed(6), independent.robustStandardErrors[2].toFixed(6));
    assert.deepEqual(clustered.coefficients, independent.coefficients);
  });
});
