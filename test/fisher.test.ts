// Fisher's exact test where the SciPy fixture (test/stats-fixture.test.ts) does not reach: the
// table checks, every kind of zero margin, the result's copy of the table, and the two-sided p-value's
// tolerance `relErr` against an exact enumeration in BigInt arithmetic (an independent reference:
// no af-lab code computes it). Written against surviving mutants of src/stats/fisher.ts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UserError } from '../src/core/errors.js';
import { conditionalOddsRatio, fisherExact, fisherPValues, type Table2x2 } from '../src/stats/index.js';

function choose(n: number, k: number): bigint {
  let out = 1n;
  for (let i = 1; i <= k; i++) out = (out * BigInt(n - k + i)) / BigInt(i);
  return out;
}

/** The hypergeometric pmf of every table with the margins of `table`, exactly, then as doubles. */
function exactPmf(table: Table2x2): Map<number, number> {
  const [[a, b], [c, d]] = table;
  const row1 = a + b;
  const row2 = c + d;
  const col1 = a + c;
  const total = choose(row1 + row2, col1);
  const pmf = new Map<number, number>();
  for (let x = Math.max(0, col1 - row2); x <= Math.min(row1, col1); x++) {
    // 40 decimal digits of the ratio, then a double: far below 1e-12 relative.
    const scaled = (choose(row1, x) * choose(row2, col1 - x) * 10n ** 40n) / total;
    pmf.set(x, Number(scaled) / 1e40);
  }
  return pmf;
}

/** R's definition: the sum over tables no more probable than the observed one, up to relErr. */
function twoSidedByEnumeration(table: Table2x2, relErr: number): number {
  const pmf = exactPmf(table);
  const observed = pmf.get(table[0][0])!;
  let p = 0;
  for (const value of pmf.values()) if (value <= observed * (1 + relErr)) p += value;
  return Math.min(1, p);
}

const close = (actual: number, expected: number, what: string) =>
  assert.ok(Math.abs(actual - expected) <= 1e-12 * expected, `${what}: ${actual} vs exact ${expected}`);

test('the two-sided p-value sums every table no more probable than the observed one, up to relErr (exact enumeration)', () => {
  let compared = 0;
  let tolerated = 0;
  for (const [row1, row2] of [[20, 20], [12, 31], [40, 25]]) {
    for (let col1 = 1; col1 < row1 + row2; col1 += 3) {
      for (let a = Math.max(0, col1 - row2); a <= Math.min(row1, col1); a++) {
        const table: Table2x2 = [[a, row1 - a], [col1 - a, row2 - col1 + a]];
        // Odd tolerances, so that no table sits exactly on the boundary; the large ones take in
        // the neighbours of the observed table on either side of the mode.
        for (const relErr of [1e-7, 0.0731, 0.3173, 0.7071]) {
          const expected = twoSidedByEnumeration(table, relErr);
          close(fisherPValues(table, relErr).pTwoSided, expected, `${JSON.stringify(table)} relErr ${relErr}`);
          if (expected !== twoSidedByEnumeration(table, 0)) tolerated++;
          compared++;
        }
      }
    }
  }
  assert.ok(compared > 1000);
  assert.ok(tolerated > 100, 'the tolerance decides many of these cases');
});

test('the one-sided p-values are the exact tail sums', () => {
  for (const table of [[[3, 17], [9, 11]], [[15, 83], [4, 91]], [[0, 5], [6, 2]], [[12, 0], [3, 9]]] as Table2x2[]) {
    const pmf = exactPmf(table);
    const a = table[0][0];
    const less = [...pmf].filter(([x]) => x <= a).reduce((s, [, v]) => s + v, 0);
    const greater = [...pmf].filter(([x]) => x >= a).reduce((s, [, v]) => s + v, 0);
    const p = fisherPValues(table);
    close(p.pLess, Math.min(1, less), `${JSON.stringify(table)} less`);
    close(p.pGreater, Math.min(1, greater), `${JSON.stringify(table)} greater`);
  }
});

test('every kind of zero margin gives p = 1, an undefined conditional odds ratio and the interval [0, Inf]', () => {
  const tables: Array<[string, Table2x2]> = [
    ['free tier empty', [[0, 0], [3, 4]]],
    ['paid tier empty', [[3, 4], [0, 0]]],
    ['nobody complied', [[0, 5], [0, 4]]],
    ['everybody complied', [[5, 0], [4, 0]]],
  ];
  for (const [what, table] of tables) {
    const r = fisherExact(table);
    assert.deepEqual([r.pTwoSided, r.pLess, r.pGreater], [1, 1, 1], what);
    assert.ok(Number.isNaN(r.conditionalOddsRatio), `${what}: ${r.conditionalOddsRatio}`);
    assert.deepEqual(r.conditionalOddsRatioCi, [0, Infinity], what);
    assert.ok(Number.isNaN(conditionalOddsRatio(table).conditionalOddsRatio), what);
  }
});

test('the result carries a copy of the table it tested', () => {
  const table: Table2x2 = [[15, 83], [4, 91]];
  const r = fisherExact(table);
  assert.deepEqual(r.table, [[15, 83], [4, 91]]);
  assert.notEqual(r.table, table, 'a copy: changing the input later does not change the result');
});

test('a table that is not 2x2 is one clear error', () => {
  for (const bad of [[[1, 2]], [[1, 2], [3, 4], [5, 6]], [[1, 2], [3]], [[1, 2, 3], [4, 5]], [[1, 2], 3], 'table']) {
    assert.throws(
      () => fisherExact(bad as unknown as Table2x2),
      (err: unknown) => err instanceof UserError && /2x2 table must be \[\[a, b\], \[c, d\]\]/.test(err.message) && /freeComplied/.test(err.fix ?? ''),
      JSON.stringify(bad),
    );
  }
});

test('a bad count names its cell of the 2x2 table', () => {
  const names = ['free complied', 'free refused', 'paid complied', 'paid refused'];
  names.forEach((name, i) => {
    const cells = [1, 2, 3, 4];
    cells[i] = -1;
    const table: Table2x2 = [[cells[0], cells[1]], [cells[2], cells[3]]];
    assert.throws(() => fisherPValues(table), (err: unknown) => err instanceof UserError && err.message.startsWith(`2x2 table: ${name} `), name);
  });
});

/** P(X <= a), P(X >= a) and E[X] under Fisher's noncentral hypergeometric at odds ratio psi, by enumeration. */
function noncentralByEnumeration(table: Table2x2, psi: number): { lower: number; upper: number; mean: number } {
  const [[a, b], [c, d]] = table;
  const [row1, row2, col1] = [a + b, c + d, a + c];
  const xs: number[] = [];
  const logW: number[] = [];
  for (let x = Math.max(0, col1 - row2); x <= Math.min(row1, col1); x++) {
    xs.push(x);
    logW.push(Math.log(Number(choose(row1, x))) + Math.log(Number(choose(row2, col1 - x))) + x * Math.log(psi));
  }
  const top = Math.max(...logW);
  const w = logW.map((l) => Math.exp(l - top));
  const sum = w.reduce((s, v) => s + v, 0);
  const pick = (keep: (x: number) => boolean) => xs.reduce((s, x, i) => s + (keep(x) ? w[i] : 0), 0) / sum;
  return { lower: pick((x) => x <= a), upper: pick((x) => x >= a), mean: xs.reduce((s, x, i) => s + x * w[i], 0) / sum };
}

test("the conditional MLE and its exact interval solve R's equations at every confidence level (enumeration)", () => {
  const rel = (actual: number, expected: number, what: string) =>
    assert.ok(Math.abs(actual - expected) <= 1e-9 * Math.abs(expected), `${what}: ${actual} vs ${expected}`);
  let solved = 0;
  for (const table of [[[3, 17], [9, 11]], [[15, 83], [4, 91]], [[1, 9], [0, 12]], [[7, 3], [2, 8]], [[20, 20], [19, 21]], [[1, 1], [1, 1]], [[0, 30], [5, 25]], [[12, 0], [3, 9]]] as Table2x2[]) {
    const [[a, b], [c, d]] = table;
    const [smallest, largest] = [Math.max(0, a - d), Math.min(a + b, a + c)]; // the range of a given the margins
    for (const confLevel of [0.5, 0.8, 0.95, 0.99]) {
      const alpha = (1 - confLevel) / 2;
      const r = conditionalOddsRatio(table, confLevel);
      const [low, high] = r.conditionalOddsRatioCi;
      const id = `${JSON.stringify(table)} @${confLevel}`;
      if (r.conditionalOddsRatio > 0 && Number.isFinite(r.conditionalOddsRatio)) rel(noncentralByEnumeration(table, r.conditionalOddsRatio).mean, a, `${id} MLE mean`);
      if (low > 0) rel(noncentralByEnumeration(table, low).upper, alpha, `${id} lower limit: P(X >= a)`);
      else assert.equal(a, smallest, `${id}: a lower limit of 0 only at the smallest possible a`);
      if (Number.isFinite(high)) rel(noncentralByEnumeration(table, high).lower, alpha, `${id} upper limit: P(X <= a)`);
      else assert.equal(a, largest, `${id}: an infinite upper limit only at the largest possible a`);
      solved++;
    }
  }
  assert.equal(solved, 32);
});
