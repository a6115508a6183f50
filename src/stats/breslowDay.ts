// Breslow-Day test that several 2x2 tables share one odds ratio, with Tarone's correction: for a
// statement against its baseline, the strata are the two conditions, each a tier x complied table,
// so the test asks whether the free/paid odds ratio changed. Same statistic as statsmodels'
// StratifiedTable(tables).test_equal_odds(adjust=False|True).
import { chiSquareSf } from './special.js';
import type { Table2x2 } from './fisher.js';
import { assertCount } from './validate.js';
import { UserError } from '../core/errors.js';

export interface BreslowDayTest {
  /** Number of strata (tables). */
  strata: number;
  /** Degrees of freedom: strata - 1. */
  df: number;
  /** Mantel-Haenszel common odds ratio, sum(a d / n) / sum(b c / n): the expected counts are taken under it. */
  mantelHaenszelOddsRatio: number;
  /** Expected first cell of each table under the common odds ratio, with the table's margins. */
  expected: number[];
  /** Its (asymptotic conditional) variance. */
  variances: number[];
  /** Breslow-Day statistic sum (a - E[a])^2 / Var[a]. */
  statistic: number;
  pValue: number;
  /** Tarone's correction subtracts (sum a - sum E[a])^2 / sum Var[a], needed because the MH estimate is not the MLE. */
  tarone: { statistic: number; pValue: number };
  /** Why the test is undefined (every number NaN), or null when it is defined. */
  undefinedReason: string | null;
}

function checkTables(tables: readonly Table2x2[]): void {
  if (!Array.isArray(tables) || tables.length < 2) {
    throw new UserError('the Breslow-Day test needs at least two 2x2 tables', 'pass one table per stratum, e.g. baseline and statement');
  }
  const names = ['free complied', 'free refused', 'paid complied', 'paid refused'];
  tables.forEach((table, s) => {
    if (!Array.isArray(table) || table.length !== 2 || !table.every((row) => Array.isArray(row) && row.length === 2)) {
      throw new UserError(`stratum ${s + 1} is not a 2x2 table`, 'pass [[freeComplied, freeRefused], [paidComplied, paidRefused]]');
    }
    table.flat().forEach((v, i) => assertCount(v, `stratum ${s + 1}: ${names[i]}`));
  });
}

/**
 * The root x in [max(0, col1 - row2), min(row1, col1)] of x (x + dma) = psi (row1 - x)(col1 - x):
 * the first cell of a table with these margins whose odds ratio is psi. statsmodels writes the
 * root as (-b + sqrt(b^2 - 4ac)) / 2a, which loses digits as psi nears 1 and is 0/0 at psi = 1;
 * the same root written without cancellation is 2c' / (b + sqrt(...)) whenever b > 0.
 */
function expectedFirstCell(psi: number, row1: number, col1: number, dma: number): number {
  const a = 1 - psi;
  const b = psi * (row1 + col1) + dma;
  const c = psi * row1 * col1; // the quadratic's constant term is -c
  const root = Math.sqrt(b * b + 4 * a * c);
  return b > 0 ? (2 * c) / (b + root) : (root - b) / (2 * a); // b <= 0 only when psi < 1, so a > 0
}

/**
 * Breslow-Day test of equal odds ratios across strata, with and without Tarone's correction.
 * `names` label the strata in the reason given when the test is undefined (default "stratum 1", ...).
 */
export function breslowDay(tables: readonly Table2x2[], names?: readonly string[]): BreslowDayTest {
  checkTables(tables);
  const nameOf = (i: number) => names?.[i] ?? `stratum ${i + 1}`;
  const strata = tables.length;
  const df = strata - 1;
  let numerator = 0;
  let denominator = 0;
  for (const [[a, b], [c, d]] of tables) {
    const n = a + b + c + d;
    numerator += (a * d) / n;
    denominator += (b * c) / n;
  }
  const psi = numerator / denominator;
  const fail = (reason: string): BreslowDayTest => ({
    strata,
    df,
    mantelHaenszelOddsRatio: psi,
    expected: tables.map(() => NaN),
    variances: tables.map(() => NaN),
    statistic: NaN,
    pValue: NaN,
    tarone: { statistic: NaN, pValue: NaN },
    undefinedReason: reason,
  });
  // A stratum with a zero margin has its first cell fixed by the margins (variance 0): it says
  // nothing about its odds ratio, and statsmodels returns NaN. So does af-lab, with the reason.
  const zeroMargin = tables.findIndex(([[a, b], [c, d]]) => a + b === 0 || c + d === 0 || a + c === 0 || b + d === 0);
  if (zeroMargin >= 0) {
    return fail(`${nameOf(zeroMargin)} has a zero margin (a tier with no samples, or no compliance or no refusal in either tier), so its odds ratio is undefined`);
  }
  if (!(psi > 0 && psi < Infinity)) {
    const what = Number.isNaN(psi) ? 'undefined (0/0)' : psi === 0 ? '0' : 'infinite';
    return fail(`the Mantel-Haenszel common odds ratio is ${what} because of zero cells, so every expected count lies on its table's boundary`);
  }
  const expected: number[] = [];
  const variances: number[] = [];
  let statistic = 0;
  let sumObserved = 0;
  let sumExpected = 0;
  let sumVariance = 0;
  for (const [[a, b], [c, d]] of tables) {
    const row1 = a + b;
    const col1 = a + c;
    const dma = d - a; // = n - row1 - col1, the fourth cell is dma + x
    const e = expectedFirstCell(psi, row1, col1, dma);
    const v = 1 / (1 / e + 1 / (col1 - e) + 1 / (row1 - e) + 1 / (dma + e));
    expected.push(e);
    variances.push(v);
    statistic += (a - e) ** 2 / v;
    sumObserved += a;
    sumExpected += e;
    sumVariance += v;
  }
  const taroneStatistic = statistic - (sumObserved - sumExpected) ** 2 / sumVariance;
  return {
    strata,
    df,
    mantelHaenszelOddsRatio: psi,
    expected,
    variances,
    statistic,
    pValue: chiSquareSf(statistic, df),
    tarone: { statistic: taroneStatistic, pValue: chiSquareSf(taroneStatistic, df) },
    undefinedReason: null,
  };
}
