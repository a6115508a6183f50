// A score's mean with its t interval, and the difference of two means with Welch's t test (the numeric
// scores' table), from a running state (n, mean, M2), against statsmodels and SciPy (scripts/welch-fixture.py,
// regenerate with scripts/make-stats-fixture.sh). The difference and Welch's degrees of freedom agree to
// 1e-12; what goes through Student's t distribution (jStat's: the p value, the intervals' half-widths)
// to 1e-7 relative (jStat's t agrees with SciPy's to about 4e-8; the tables print three digits).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { emptyMean, meanInterval, meanState, mergeMean, welchDifference } from '../src/stats/index.js';

interface Case { a: number[]; b: number[]; confLevel: number; difference: number; differenceCi: [number, number]; df: number; pWelch: number; aCi: [number, number]; bCi: [number, number] }
const fixture = JSON.parse(readFileSync(new URL('./fixtures/stats/welch-scipy.json', import.meta.url), 'utf8')) as { cases: Case[] };

const sums = (values: number[]) => meanState(values);
// Relative, with an absolute floor for a difference that is exactly zero.
const close = (actual: number | null | undefined, expected: number, what: string, rel = 1e-12) =>
  assert.ok(actual !== null && actual !== undefined && Math.abs(actual - expected) <= Math.max(rel * Math.abs(expected), 1e-12), `${what}: ${actual} vs ${expected}`);
const T = 1e-7;
const mid = (ci: readonly [number, number]) => (ci[0] + ci[1]) / 2;
const half = (ci: readonly [number, number]) => (ci[1] - ci[0]) / 2;

test('Welch\'s difference of two means and each mean\'s t interval agree with statsmodels and SciPy on every fixture case', () => {
  assert.ok(fixture.cases.length >= 17);
  for (const [i, c] of fixture.cases.entries()) {
    const a = sums(c.a);
    const b = sums(c.b);
    const welch = welchDifference(a, b, c.confLevel);
    close(welch.difference, c.difference, `case ${i} difference`);
    close(welch.df, c.df, `case ${i} df`);
    close(welch.pWelch, c.pWelch, `case ${i} p`, T);
    assert.ok(welch.differenceCi);
    close(mid(welch.differenceCi), mid(c.differenceCi), `case ${i} interval centre`, 1e-9);
    close(half(welch.differenceCi), half(c.differenceCi), `case ${i} interval half-width`, T);
    for (const [side, values, ci] of [['a', a, c.aCi], ['b', b, c.bCi]] as const) {
      const mean = meanInterval(values, c.confLevel);
      assert.ok(mean.meanCi);
      close(mid(mean.meanCi), mid(ci), `case ${i} ${side} mean`, 1e-9);
      close(half(mean.meanCi), half(ci), `case ${i} ${side} mean interval half-width`, T);
    }
  }
});

test('Welch\'s difference without two values a side, or with no spread at all, is the difference alone', () => {
  assert.deepEqual(welchDifference(sums([1]), sums([2, 3])), { difference: -1.5, differenceCi: null, df: null, pWelch: null });
  assert.deepEqual(welchDifference(sums([]), sums([2, 3])), { difference: null, differenceCi: null, df: null, pWelch: null });
  assert.deepEqual(welchDifference(sums([4, 4]), sums([2, 2, 2])), { difference: 2, differenceCi: null, df: null, pWelch: null });
});

test('equal non-integer values have no spread at all (SciPy: nan), and values far from zero keep their spread', () => {
  const tenth = sums(Array(10).fill(0.1));
  assert.equal(meanInterval(tenth).sd, 0, 'not the 2.5e-9 a sum of squares leaves');
  assert.deepEqual(welchDifference(tenth, sums(Array(7).fill(0.3))).pWelch, null);
  // 1e8 + 1 ... 1e8 + 4: sd = sqrt(5/3) = 1.29 (a sum of squares gave 1.63).
  assert.equal(meanInterval(sums([1, 2, 3, 4].map((v) => 1e8 + v))).sd, Math.sqrt(5 / 3));
});

test('merged states (the summary\'s cells pooled into rows) are the state of all the values', () => {
  const parts = [[0.1, 0.1, 0.1], [0.1, 0.1], [], [0.1]];
  const pooled = emptyMean();
  for (const part of parts) mergeMean(pooled, sums(part));
  assert.deepEqual(pooled, { n: 6, mean: 0.1, m2: 0 });
  const values = [3.5, 1e8 + 2, -7, 0.25, 1e8, 12, 4.75];
  const merged = emptyMean();
  mergeMean(merged, sums(values.slice(0, 2)));
  mergeMean(merged, sums(values.slice(2, 5)));
  mergeMean(merged, sums(values.slice(5)));
  const whole = sums(values);
  assert.equal(merged.n, whole.n);
  close(merged.mean, whole.mean, 'mean');
  close(merged.m2, whole.m2, 'm2', 1e-12);
});
