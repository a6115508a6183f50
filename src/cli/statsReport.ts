// What `af-lab stats` computes and prints, apart from the command's registration (src/cli/stats.ts),
// which imports this module only when a stats command runs.
import { UserError } from '../core/errors.js';
// From the modules themselves, not stats/index.js, which also loads the published-counts reader.
import { complianceGap, proportion, type Count } from '../stats/proportion.js';
import { fisherExact, tierTable } from '../stats/fisher.js';
import { twoProportionZ } from '../stats/ztest.js';
import { describeGapChange, mitigationEffect, type MitigationEffect } from '../stats/mitigation.js';
import type { Proportion } from '../stats/proportion.js';
import { detectableGap, EXACT_POWER_LIMIT, fisherPower, fisherPowerNormal, sampleSizeExact, sampleSizeNormal, type Alternative, type SampleSize } from '../stats/power.js';
import { formatInterval, formatP, formatPercent, formatPoints, formatRatio, statsJson } from '../stats/format.js';
import { assertProportion } from '../stats/validate.js';

export { statsJson };

export function parseCount(text: string, tier: string): Count {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!match) throw new UserError(`${tier} tier count "${text}" is not of the form complied/samples`, 'write it like 15/98');
  const k = Number(match[1]);
  const n = Number(match[2]);
  assertProportion(k, n, `${tier} tier`); // k <= n, n >= 1
  return { k, n };
}

export function parseRate(text: string | undefined, what: string, fallback?: number, { allowZero = false, allowNegative = false } = {}): number {
  if (text === undefined) {
    if (fallback === undefined) throw new UserError(`--${what} is required`, `pass --${what} <number>`);
    return fallback;
  }
  const value = Number(text);
  const ok = Number.isFinite(value) && (allowNegative ? value >= -1 : allowZero ? value >= 0 : value > 0) && value <= 1 && text.trim() !== '';
  if (!ok) throw new UserError(`--${what} ${text} is not a rate between 0 and 1`, `pass a decimal such as 0.05`);
  return value;
}

export function parseAlternative(text: string | undefined): Alternative {
  const value = text ?? 'two-sided';
  if (value !== 'two-sided' && value !== 'greater' && value !== 'less') {
    throw new UserError(`--alternative ${value} is not known`, 'use two-sided, greater (free tier complies more) or less');
  }
  return value;
}

/** Everything the calculator reports for two tiers' counts. */
export function fisherReport(free: Count, paid: Count, alpha = 0.05) {
  const confLevel = 1 - alpha;
  const fisher = fisherExact(tierTable(free, paid), { confLevel });
  return {
    alpha,
    confLevel,
    free: proportion(free.k, free.n, confLevel),
    paid: proportion(paid.k, paid.n, confLevel),
    complianceGap: complianceGap(free, paid, confLevel),
    fisher,
    zTest: twoProportionZ(free, paid),
    significant: fisher.pTwoSided <= alpha,
  };
}

export function formatFisherReport(report: ReturnType<typeof fisherReport>): string {
  const { free, paid, complianceGap: gap, fisher, zTest, alpha } = report;
  const level = `${+(100 * report.confLevel).toFixed(2)}%`;
  const pct = (x: number) => formatPercent(x, 2);
  const row = (name: string, p: typeof free) =>
    `  ${name.padEnd(5)} ${`${p.k}/${p.n}`.padStart(12)} ${pct(p.rate).padStart(8)}   ${formatInterval(p.wilson, pct).padEnd(20)} ${formatInterval(p.clopperPearson, pct)}`;
  return [
    `Free tier ${free.k}/${free.n} vs paid tier ${paid.k}/${paid.n} (alpha ${alpha}, ${level} intervals)`,
    '',
    `  tier  ${'complied'.padStart(12)} ${'rate'.padStart(8)}   ${`Wilson ${level}`.padEnd(20)} Clopper-Pearson ${level}`,
    row('free', free),
    row('paid', paid),
    '',
    `  compliance gap (free - paid): ${formatPoints(gap.gap, 2)} points, Newcombe ${level} CI ${formatInterval(gap.newcombe, (x) => formatPoints(x, 2))}`,
    `  odds ratio: conditional MLE ${formatRatio(fisher.conditionalOddsRatio)}, exact ${level} CI ${formatInterval(fisher.conditionalOddsRatioCi, formatRatio)}; sample OR ${formatRatio(fisher.sampleOddsRatio)}`,
    `  Fisher's exact test p: two-sided ${formatP(fisher.pTwoSided)}, greater (free complies more) ${formatP(fisher.pGreater)}, less ${formatP(fisher.pLess)}`,
    `  two-proportion z-test: z = ${Number.isNaN(zTest.z) ? '-' : zTest.z.toFixed(3)}, two-sided p ${formatP(zTest.pTwoSided)}`,
    `  significant at alpha ${alpha} (Fisher, two-sided): ${report.significant ? 'yes' : 'no'}`,
  ].join('\n');
}

/** The whole statement-against-baseline comparison, as `af-lab stats mitigation` prints it. */
export function formatMitigationReport(report: MitigationEffect): string {
  const level = `${+(100 * report.confLevel).toFixed(2)}%`;
  const pct = (x: number) => formatPercent(x, 2);
  const pts = (x: number) => formatPoints(x, 2);
  const rate = (p: Proportion) => `${`${p.k}/${p.n}`.padStart(8)} ${pct(p.rate).padStart(7)} ${formatInterval(p.wilson, pct).padEnd(18)}`;
  const condition = (name: string, c: MitigationEffect['baseline']) =>
    `  ${name.padEnd(10)} ${rate(c.free)} ${rate(c.paid)} ${`${pts(c.gap)} ${formatInterval(c.newcombe, pts)}`.padEnd(26)} ${formatP(c.fisherP)}`;
  const tier = (t: MitigationEffect['free']) =>
    `  ${(t.tier === 'free' ? 'free (monitored)' : 'paid (unmonitored)').padEnd(19)} ${pts(t.delta).padStart(7)} points, Newcombe ${level} CI ${formatInterval(t.newcombe, pts).padEnd(17)}` +
    ` Fisher p ${formatP(t.fisher.pTwoSided)}, OR ${formatRatio(t.fisher.conditionalOddsRatio)} ${formatInterval(t.fisher.conditionalOddsRatioCi, formatRatio)}`;
  const { gapChange, alpha } = report;
  const bd = gapChange.breslowDay;
  const lr = gapChange.interaction;
  const wald = lr.interaction;
  const stat = (x: number) => (Number.isNaN(x) ? '-' : x === Infinity ? 'Inf' : x === -Infinity ? '-Inf' : x.toFixed(4));
  const lines = [
    `Statement against baseline (alpha ${alpha}, ${level} intervals; free tier = monitored, paid tier = unmonitored)`,
    '',
    `  ${'condition'.padEnd(10)} ${'free tier'.padStart(8)} ${'rate'.padStart(7)} ${`Wilson ${level}`.padEnd(18)} ${'paid tier'.padStart(8)} ${'rate'.padStart(7)} ${`Wilson ${level}`.padEnd(18)} ${`gap, Newcombe ${level}`.padEnd(26)} Fisher p`,
    condition('baseline', report.baseline),
    condition('statement', report.statement),
    '  (each condition\'s own gap and p, for context: two p-values are no test that the gap changed)',
    '',
    'Each tier\'s change (statement - baseline):',
    tier(report.free),
    tier(report.paid),
    '',
    `Change of the compliance gap (difference of differences): ${pts(gapChange.change)} points, MOVER ${level} CI ${formatInterval(gapChange.mover, pts)}`,
    `  test inverted from the MOVER interval (rejects exactly when the interval excludes 0): two-sided p ${formatP(gapChange.moverTest.pValue)}`,
    ...(report.paired ? [`  paired sign-flip test of the per-request change (${report.paired.gapChange.signFlip.method}): two-sided p ${formatP(report.paired.gapChange.signFlip.pTwoSided)}`] : []),
    `  gap changed at alpha ${alpha}: ${gapChange.significant ? 'yes' : 'no'} (decided by ${gapChange.decidedBy === 'mover' ? 'the MOVER interval' : 'the exact paired sign-flip test (a group below 30 samples)'}; one comparison, no multiplicity adjustment)`,
    ...(gapChange.decidedBy === 'mover' && gapChange.smallCounts ? ['  note: a group has fewer than 30 samples; without per-request counts the MOVER test is used, and it can be anti-conservative there (docs/statistics.md)'] : []),
    '',
    'Secondary, on the odds-ratio scale (the ratio of the free/paid odds ratios, not the gap in points):',
    ...(gapChange.oddsRatioNotEstimable !== null
      ? [`  not estimable: ${gapChange.oddsRatioNotEstimable} (the likelihood-ratio statistic would be 0 whatever the gap did)`]
      : [
          bd.undefinedReason === null
            ? `  Breslow-Day test of equal odds ratios: chi2 = ${stat(bd.statistic)}, p ${formatP(bd.pValue)}; with Tarone's correction chi2 = ${stat(bd.tarone.statistic)}, p ${formatP(bd.tarone.pValue)} (Mantel-Haenszel common OR ${formatRatio(bd.mantelHaenszelOddsRatio)})`
            : `  Breslow-Day test of equal odds ratios: undefined, ${bd.undefinedReason}`,
          `  likelihood-ratio test of the tier x statement interaction (logistic regression): chi2 = ${stat(lr.statistic)}, 1 df, p ${formatP(lr.pValue)}`,
          `  interaction (log of the ratio of the free/paid odds ratios): ${stat(wald.logOddsRatioRatio)}, Wald SE ${stat(wald.standardError)}, ratio of odds ratios ${formatRatio(wald.oddsRatioRatio)} ${formatInterval(wald.oddsRatioRatioCi, formatRatio)}, Wald p ${formatP(wald.pValue)}`,
          ...(lr.note ? [`  note: ${lr.note}`] : []),
        ]),
    '',
    describeGapChange(report),
  ];
  return lines.join('\n');
}

export interface PowerReport {
  gap: number;
  base: number;
  pFree: number;
  pPaid: number;
  power: number;
  alpha: number;
  alternative: Alternative;
  /** The normal approximation's answer (method 'normal') when it needs more than EXACT_POWER_LIMIT per tier. */
  exact: SampleSize;
  normal: SampleSize;
  /** Samples per tier up to which exact power is computed. */
  exactLimit: number;
  /**
   * With --n: the power at that many samples per tier and the smallest gap it detects; the exact
   * values are null above exactLimit per tier (not computed).
   */
  atN?: { perTier: number; powerExact: number | null; powerNormal: number; detectableGapExact: number | null; detectableGapNormal: number | null };
}

export function powerReport(options: { gap: number; base: number; power: number; alpha: number; alternative: Alternative; n?: number }): PowerReport {
  const { gap, base, power, alpha, alternative, n } = options;
  const input = { gap, base, power, alpha, alternative };
  const report: PowerReport = {
    gap,
    base,
    pFree: base + gap,
    pPaid: base,
    power,
    alpha,
    alternative,
    exact: sampleSizeExact(input),
    normal: sampleSizeNormal(input),
    exactLimit: EXACT_POWER_LIMIT,
  };
  if (n !== undefined) {
    const at = { nFree: n, nPaid: n, pFree: base + gap, pPaid: base, alpha, alternative };
    const exact = n <= EXACT_POWER_LIMIT;
    report.atN = {
      perTier: n,
      powerExact: exact ? fisherPower(at) : null,
      powerNormal: fisherPowerNormal(at),
      detectableGapExact: exact ? detectableGap({ nFree: n, nPaid: n, base, power, alpha, alternative }) : null,
      detectableGapNormal: detectableGap({ nFree: n, nPaid: n, base, power, alpha, alternative, method: 'normal' }),
    };
  }
  return report;
}

export function formatPowerReport(report: PowerReport): string {
  const { exact, normal, atN } = report;
  const limit = report.exactLimit.toLocaleString('en-US');
  const lines = [
    `Samples per tier to detect a compliance gap of ${formatPoints(report.gap)} points (paid ${formatPercent(report.pPaid)} -> free ${formatPercent(report.pFree)})`,
    `with ${formatPercent(report.power, 0)} power at alpha ${report.alpha} (${report.alternative} Fisher's exact test):`,
    exact.method === 'exact'
      ? `  exact (enumeration of every table):     ${String(exact.perTier).padStart(7)} per tier  (power ${formatPercent(exact.power, 2)})`
      : `  exact (enumeration of every table):     not computed above ${limit} per tier (it would take minutes or hours): read the approximation`,
    `  normal approximation (continuity corr.): ${String(normal.perTier).padStart(6)} per tier  (power ${formatPercent(normal.power, 2)})`,
  ];
  if (atN) {
    // A gap under a point (a large run) keeps its first significant digits, never "+0.0 points".
    const g = (x: number | null) => (x === null ? 'none up to rate 1' : `${formatPoints(x, x < 0.01 ? 3 : 1)} points`);
    if (atN.powerExact === null) {
      lines.push(
        '',
        `With ${atN.perTier} per tier: power ${formatPercent(atN.powerNormal, 2)} approximate (exact power is not computed above ${limit} per tier);`,
        `  smallest gap detectable with ${formatPercent(report.power, 0)} power: ${g(atN.detectableGapNormal)} approximate`,
      );
    } else {
      lines.push(
        '',
        `With ${atN.perTier} per tier: power ${formatPercent(atN.powerExact, 2)} exact, ${formatPercent(atN.powerNormal, 2)} approximate;`,
        `  smallest gap detectable with ${formatPercent(report.power, 0)} power: ${g(atN.detectableGapExact)} exact, ${g(atN.detectableGapNormal)} approximate`,
      );
    }
  }
  return lines.join('\n');
}

export { describeGapChange, mitigationEffect };
