// Behaviour of the statistics beyond the SciPy fixture: input errors, symmetry, power and sizes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UserError } from '../src/core/errors.js';
import {
  benjaminiHochberg,
  complianceGap,
  detectableGap,
  fisherExact,
  fisherPower,
  fisherPowerNormal,
  holm,
  proportion,
  sampleSizeExact,
  sampleSizeNormal,
  twoProportionZ,
} from '../src/stats/index.js';

test('bad counts throw UserError: negative, fractional, complied > n, n = 0', () => {
  assert.throws(() => proportion(-1, 10), UserError);
  assert.throws(() => proportion(1.5, 10), UserError);
  assert.throws(() => proportion(11, 10), UserError);
  assert.throws(() => proportion(0, 0), UserError);
  assert.throws(() => complianceGap({ k: 1, n: 0 }, { k: 0, n: 5 }), UserError);
  assert.throws(() => twoProportionZ({ k: 3, n: 2 }, { k: 0, n: 5 }), UserError);
  assert.throws(() => fisherExact([[1, -2], [3, 4]]), UserError);
  assert.throws(() => fisherExact([[1, 2], [3, Number.NaN]]), UserError);
  assert.throws(() => sampleSizeExact({ gap: 0.5, base: 0.6 }), UserError);
  assert.throws(() => sampleSizeExact({ gap: 0, base: 0.1 }), UserError);
  assert.throws(() => fisherPower({ nFree: 0, nPaid: 10, pFree: 0.2, pPaid: 0.1 }), UserError);
});

test('swapping the tiers swaps the one-sided p-values and inverts the odds ratio', () => {
  const forward = fisherExact([[15, 83], [4, 91]]);
  const backward = fisherExact([[4, 91], [15, 83]]);
  assert.equal(backward.pTwoSided, forward.pTwoSided);
  assert.ok(Math.abs(backward.pLess - forward.pGreater) < 1e-15);
  assert.ok(Math.abs(backward.conditionalOddsRatio * forward.conditionalOddsRatio - 1) < 1e-12);
  assert.ok(Math.abs(backward.conditionalOddsRatioCi[0] * forward.conditionalOddsRatioCi[1] - 1) < 1e-12);
});

test('a table with a zero margin has p = 1 and an undefined odds ratio', () => {
  const r = fisherExact([[0, 10], [0, 12]]);
  assert.deepEqual([r.pTwoSided, r.pLess, r.pGreater], [1, 1, 1]);
  assert.ok(Number.isNaN(r.conditionalOddsRatio));
  assert.deepEqual(r.conditionalOddsRatioCi, [0, Infinity]);
});

test('counts of a million per tier are tested exactly', () => {
  // Its time is measured in bench/stats.ts, not asserted here.
  const r = fisherExact([[1000, 999000], [1100, 998900]]);
  assert.ok(r.pTwoSided > 0.03 && r.pTwoSided < 0.031); // 0.030633 (SciPy)
  assert.ok(r.conditionalOddsRatioCi[0] < r.conditionalOddsRatio && r.conditionalOddsRatio < r.conditionalOddsRatioCi[1]);
});

test('Holm and BH leave missing p-values out of the family', () => {
  assert.deepEqual(holm([0.01, null, 0.04, Number.NaN]), [0.02, null, 0.04, null]);
  assert.deepEqual(benjaminiHochberg([0.01, null, 0.04]), [0.02, null, 0.04]);
  assert.deepEqual(holm([]), []);
});

test('exact sample size reaches the target power and is close to the normal approximation', () => {
  const exact = sampleSizeExact({ gap: 0.15, base: 0.1, power: 0.8 });
  const normal = sampleSizeNormal({ gap: 0.15, base: 0.1, power: 0.8 });
  assert.ok(exact.power >= 0.8);
  assert.ok(fisherPower({ nFree: exact.perTier - 1, nPaid: exact.perTier - 1, pFree: 0.25, pPaid: 0.1 }) < 0.8);
  assert.ok(Math.abs(exact.perTier - normal.perTier) / exact.perTier < 0.15, `${exact.perTier} vs ${normal.perTier}`);
  assert.ok(fisherPowerNormal({ nFree: normal.perTier, nPaid: normal.perTier, pFree: 0.25, pPaid: 0.1 }) >= 0.8);
});

test('the detectable gap is the gap at which the run has the asked-for power', () => {
  const gap = detectableGap({ nFree: 200, nPaid: 200, base: 0.05 })!;
  assert.ok(gap > 0.03 && gap < 0.2);
  const power = fisherPower({ nFree: 200, nPaid: 200, pFree: 0.05 + gap, pPaid: 0.05 });
  assert.ok(Math.abs(power - 0.8) < 1e-4, `power ${power}`);
  assert.equal(detectableGap({ nFree: 2, nPaid: 2, base: 0.5, power: 0.99 }), null);
  // A power at or below alpha is no target (the test rejects that often with no gap at all).
  assert.throws(() => detectableGap({ nFree: 100, nPaid: 100, base: 0.05, power: 0.01 }), UserError);
});

test('power equals alpha-or-less under no gap and grows with the sample size', () => {
  const none = fisherPower({ nFree: 100, nPaid: 100, pFree: 0.1, pPaid: 0.1 });
  assert.ok(none <= 0.05, `size ${none}`);
  const small = fisherPower({ nFree: 50, nPaid: 50, pFree: 0.2, pPaid: 0.1 });
  const large = fisherPower({ nFree: 500, nPaid: 500, pFree: 0.2, pPaid: 0.1 });
  assert.ok(small < large && large > 0.95);
});
