// Agreement metrics against values computed by hand (shown in the comments).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { accuracy, auroc, binaryAgreement, cohensKappa, confusionMatrix, f1, precision, recall, specificity } from '../src/stats/agreement.js';

const close = (actual: number | null, expected: number, digits = 12) => {
  assert.ok(actual !== null, 'expected a number, got null');
  assert.ok(Math.abs(actual - expected) < 10 ** -digits, `${actual} != ${expected}`);
};

// 10 pairs: tp=4 (1-4), fp=1 (5), fn=2 (6,7), tn=3 (8-10), plus two excluded pairs.
const predicted = [true, true, true, true, true, false, false, false, false, false, null, true];
const reference = [true, true, true, true, false, true, true, false, false, false, true, undefined];

test('confusion matrix counts the four cells and the excluded pairs', () => {
  assert.deepEqual(confusionMatrix(predicted, reference), { tp: 4, fp: 1, fn: 2, tn: 3, n: 10, excluded: 2 });
});

test('precision, recall, specificity, accuracy, F1 by hand', () => {
  const c = confusionMatrix(predicted, reference);
  close(precision(c), 4 / 5); // tp / (tp + fp)
  close(recall(c), 4 / 6); // tp / (tp + fn)
  close(specificity(c), 3 / 4); // tn / (tn + fp)
  close(accuracy(c), 7 / 10);
  close(f1(c), 8 / 11); // 2tp / (2tp + fp + fn)
});

test("Cohen's kappa by hand", () => {
  // po = 0.7; predicted yes 0.5, reference yes 0.6; pe = 0.5*0.6 + 0.5*0.4 = 0.5; kappa = 0.2/0.5 = 0.4
  close(cohensKappa(confusionMatrix(predicted, reference)), 0.4);
  // tp=45, fp=15, fn=25, tn=15 (n=100): po=0.6, pe=0.6*0.7+0.4*0.3=0.54, kappa=0.06/0.46
  close(cohensKappa({ tp: 45, fp: 15, fn: 25, tn: 15, n: 100, excluded: 0 }), 0.06 / 0.46);
  // Perfect disagreement on a balanced table: kappa = -1.
  close(cohensKappa({ tp: 0, fp: 5, fn: 5, tn: 0, n: 10, excluded: 0 }), -1);
  // Both constant and equal: chance agreement 1, kappa undefined.
  assert.equal(cohensKappa({ tp: 0, fp: 0, fn: 0, tn: 7, n: 7, excluded: 0 }), null);
  assert.equal(cohensKappa({ tp: 0, fp: 0, fn: 0, tn: 0, n: 0, excluded: 0 }), null);
});

test('ratios with an empty denominator are null, not 0', () => {
  const none = binaryAgreement([false, false], [false, false]);
  assert.equal(none.precision, null);
  assert.equal(none.recall, null);
  assert.equal(none.specificity, 1);
});

test('AUROC by hand, ties counting one half', () => {
  // positives 0.9, 0.8, 0.4; negatives 0.7, 0.4, 0.1, 0.0.
  // Pairs won: 0.9 beats 4; 0.8 beats 4; 0.4 beats 0.1, 0.0 and ties 0.4 → 2.5. Total 10.5 / 12.
  const result = auroc([0.9, 0.8, 0.4, 0.7, 0.4, 0.1, 0.0, null], [true, true, true, false, false, false, false, true]);
  close(result.auroc, 10.5 / 12);
  assert.deepEqual({ p: result.positives, n: result.negatives, x: result.excluded }, { p: 3, n: 4, x: 1 });
  close(auroc([0.1, 0.2], [true, false]).auroc, 0);
  close(auroc([0.5, 0.5, 0.5], [true, false, false]).auroc, 0.5);
  assert.equal(auroc([0.3, 0.4], [true, true]).auroc, null);
});

test('mismatched lengths are a bug, not a silent truncation', () => {
  assert.throws(() => confusionMatrix([true], [true, false]));
});
