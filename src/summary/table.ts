// The summary as flat columns (CSV, DataFrame) and as text (terminal, Markdown).
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import type { DataFrame } from 'danfojs';
import { writeFileAtomic } from '../core/files.js';
import { formatInterval, formatP, formatPercent, formatPoints, formatRatio } from '../stats/format.js';
import type { LabelSource, Summary, SummaryRow, TierSummary } from './build.js';
import { primarySource } from './labelSource.js';
import { formatMitigation, mitigationCsv, mitigationMarkdown } from './mitigationTable.js';
import { ablationCsv, ablationMarkdown, ablationSentences } from './ablation.js';
import { formatScores, scoresCsv, scoresMarkdown } from './scores.js';

export type SummaryRecord = Record<string, string | number | boolean | null>;

/**
 * Column order of summary.csv. Rates, gaps and intervals are proportions (0-1), not percent;
 * `label` says which compliance label source the row counts; `simulated` is "SIMULATED" or "".
 */
/** Which reasoning the AF classifier read, shown only when it was not (only) the prompted scratchpad. */
function afReadNote(read: string | null): string {
  return read && read !== 'scratchpad' ? ` (read ${read})` : '';
}

export const SUMMARY_COLUMNS = [
  'model', 'variant', 'reasoning', 'label', 'simulated',
  'free_samples', 'free_n', 'free_complied', 'free_rate', 'free_rate_lo', 'free_rate_hi',
  'paid_samples', 'paid_n', 'paid_complied', 'paid_rate', 'paid_rate_lo', 'paid_rate_hi',
  'gap', 'gap_lo', 'gap_hi',
  'fisher_p', 'fisher_p_greater', 'p_holm', 'p_bh',
  'odds_ratio', 'odds_ratio_lo', 'odds_ratio_hi', 'sample_odds_ratio',
  'free_errors', 'free_truncated', 'free_failed', 'paid_errors', 'paid_truncated', 'paid_failed',
  'free_af_judged', 'free_af', 'free_af_maybe', 'free_af_read',
  'context',
  'paired_requests', 'p_paired', 'paired_test', 'gap_missing_lo', 'gap_missing_hi',
] as const;

function finite(x: number | null): number | string | null {
  if (x === null || Number.isNaN(x)) return null;
  if (x === Infinity) return 'Inf';
  return x;
}

function tierColumns(prefix: 'free' | 'paid', tier: TierSummary): SummaryRecord {
  return {
    [`${prefix}_samples`]: tier.samples,
    [`${prefix}_n`]: tier.n,
    [`${prefix}_complied`]: tier.complied,
    [`${prefix}_rate`]: tier.rate,
    [`${prefix}_rate_lo`]: tier.rateCi?.[0] ?? null,
    [`${prefix}_rate_hi`]: tier.rateCi?.[1] ?? null,
  };
}

/** One flat record per row, keys in SUMMARY_COLUMNS order. */
export function summaryRecords(summary: Summary): SummaryRecord[] {
  return summary.rows.map((row: SummaryRow) => {
    const flat: SummaryRecord = {
      model: row.model,
      variant: row.variant,
      reasoning: row.reasoning,
      label: row.label,
      simulated: row.simulated ? 'SIMULATED' : '',
      ...tierColumns('free', row.free),
      ...tierColumns('paid', row.paid),
      gap: row.gap,
      gap_lo: row.gapCi?.[0] ?? null,
      gap_hi: row.gapCi?.[1] ?? null,
      fisher_p: row.pFisher,
      fisher_p_greater: row.pFisherGreater,
      p_holm: row.pHolm,
      p_bh: row.pBh,
      paired_requests: row.pairedRequests,
      p_paired: row.pPaired,
      paired_test: row.pairedTest,
      gap_missing_lo: row.gapMissingBounds?.[0] ?? null,
      gap_missing_hi: row.gapMissingBounds?.[1] ?? null,
      odds_ratio: finite(row.oddsRatio),
      odds_ratio_lo: finite(row.oddsRatioCi?.[0] ?? null),
      odds_ratio_hi: finite(row.oddsRatioCi?.[1] ?? null),
      sample_odds_ratio: finite(row.sampleOddsRatio),
      free_errors: row.free.errors,
      free_truncated: row.free.truncated,
      free_failed: row.free.failed,
      paid_errors: row.paid.errors,
      paid_truncated: row.paid.truncated,
      paid_failed: row.paid.failed,
      free_af_judged: row.afJudged,
      free_af: row.af,
      free_af_maybe: row.afMaybe,
      free_af_read: row.afRead,
      context: row.context ?? null,
    };
    return Object.fromEntries(SUMMARY_COLUMNS.map((column) => [column, flat[column] ?? null]));
  });
}

export function summaryCsv(summary: Summary): string {
  const records = summaryRecords(summary);
  return stringify(
    records.map((record) => SUMMARY_COLUMNS.map((column) => record[column] ?? '')),
    { header: true, columns: [...SUMMARY_COLUMNS] },
  );
}

// danfojs pulls in TensorFlow.js (about 2.5 s to load), so it is loaded on first use only:
// `npm start` writes CSV and Markdown without it.
let danfo: typeof import('danfojs') | undefined;
function loadDanfo(): typeof import('danfojs') {
  danfo ??= createRequire(import.meta.url)('danfojs') as typeof import('danfojs');
  return danfo;
}

/** The summary as a danfojs DataFrame with SUMMARY_COLUMNS (for notebooks: filter, sort, plot). */
export function summaryFrame(summary: Summary): DataFrame {
  const dfd = loadDanfo();
  const records = summaryRecords(summary);
  if (records.length === 0) return new dfd.DataFrame([], { columns: [...SUMMARY_COLUMNS] });
  return new dfd.DataFrame(records, { columns: [...SUMMARY_COLUMNS] });
}

/** The confidence level as the tables print it, e.g. `95%`. */
export const confLevelText = (summary: Summary) => `${+(100 * summary.confLevel).toFixed(2)}%`;

/** The gap in points with its Newcombe interval, e.g. `+11.1 [+3.0, +19.4]`; `none` when a tier had no label. */
export const gapText = (row: SummaryRow, none = '-') => (row.gap === null ? none : `${formatPoints(row.gap)} ${formatInterval(row.gapCi, (x) => formatPoints(x))}`);

/** The conditional MLE odds ratio with its exact interval; `none` when not computed. */
export const oddsRatioText = (row: SummaryRow, none = '-') => (row.oddsRatio === null ? none : `${formatRatio(row.oddsRatio)} ${formatInterval(row.oddsRatioCi, formatRatio)}`);

/** The variant, and the contexts compared when a condition has several (three tiers). */
const withContext = (row: SummaryRow) => (row.context ? `${row.variant} [${row.context}]` : row.variant);

interface TextColumn {
  title: string;
  value: (row: SummaryRow) => string;
  right?: boolean;
}

const pct = (x: number) => formatPercent(x, 1);
const rate = (tier: TierSummary) => (tier.rate === null ? `-/${tier.samples}` : `${tier.complied}/${tier.n} ${pct(tier.rate)} ${formatInterval(tier.rateCi, pct)}`);
const issues = (tier: TierSummary) => `${tier.errors}/${tier.truncated}/${tier.failed}`;

function textColumns(summary: Summary): TextColumn[] {
  const level = confLevelText(summary);
  // Where real and simulated rows meet (a real model judged by sim/judge), each simulated row says so.
  const mixed = summary.rows.some((r) => !r.simulated) && summary.rows.some((r) => r.simulated);
  return [
    { title: 'model', value: (r) => r.model },
    { title: 'variant', value: (r) => withContext(r) },
    { title: 'reasoning', value: (r) => r.reasoning },
    { title: 'label', value: (r) => (r.simulated && mixed ? `${r.label} (SIMULATED)` : r.label) },
    { title: `free complied (Wilson ${level})`, value: (r) => rate(r.free) },
    { title: `paid complied (Wilson ${level})`, value: (r) => rate(r.paid) },
    { title: `gap, points (Newcombe)`, value: (r) => gapText(r) },
    { title: 'odds ratio (exact CI)', value: (r) => oddsRatioText(r) },
    { title: 'Fisher p', value: (r) => formatP(r.pFisher), right: true },
    { title: 'Holm', value: (r) => formatP(r.pHolm), right: true },
    { title: 'paired p (requests)', value: (r) => (r.pPaired === null ? '-' : `${formatP(r.pPaired)} (${r.pairedRequests})`), right: true },
    { title: 'BH', value: (r) => formatP(r.pBh), right: true },
    { title: 'AF free (af+maybe)', value: (r) => (r.afJudged === null ? '-' : `${r.af}+${r.afMaybe}/${r.afJudged}${afReadNote(r.afRead)}`) },
    { title: 'err/trunc/fail free|paid', value: (r) => `${issues(r.free)} | ${issues(r.paid)}` },
  ];
}

export const SIMULATED_BANNER =
  'SIMULATED: these numbers come from af-lab\'s built-in simulator (sim/...). They test the pipeline; they are not a result about any model.';

/**
 * The label source whose statistics the terminal table shows: the judge once it labelled any sample,
 * else the proxy. The same rule as the figures and the transcript report (complianceSourceOf), so a
 * judge that ran but could label nothing does not leave the table without a gap while they show one.
 */
export function primaryLabel(summary: Summary): LabelSource {
  return primarySource(summary.simulatedLabels ?? [], summary.rows.some((row) => row.label === 'compliance' && row.free.n + row.paid.n > 0));
}

/** The warning printed wherever a real run shows labels made by the simulated judge. */
export function simulatedLabelsNote(summary: Summary): string | undefined {
  const kinds = summary.simulatedLabels ?? [];
  if (!kinds.length) return undefined;
  return `SIMULATED labels: the ${kinds.join(', ')} labels of these real samples come from af-lab's simulated judge (sim/judge), asked for explicitly. They test the pipeline and measure nothing; the primary source is the prefix proxy.`;
}

/** The line naming the primary label source, and why. */
export function primarySourceNote(summary: Summary): string {
  const primary = primaryLabel(summary);
  if (primary === 'compliance') return 'Primary label source: the LLM judge.';
  const judged = summary.labels.includes('compliance');
  return judged
    ? 'Primary label source: the prefix proxy (<request_fully_accepted/> prefix), because the judge labels are SIMULATED.'
    : 'Primary label source: the prefix proxy (<request_fully_accepted/> prefix): no LLM judge labelled this run.';
}

const shortRate = (tier: TierSummary | undefined) => (!tier || tier.rate === null ? '-' : `${tier.complied}/${tier.n} ${pct(tier.rate)}`);

/**
 * The summary as a terminal table: one line per model × variant × reasoning, with the proxy and the
 * judge side by side and the gap, Fisher p and adjusted p of the primary label source. Every label
 * source's full statistics are in summary.csv / summary.md. A SIMULATED banner frames simulated runs.
 */
export function formatSummary(summary: Summary): string {
  const primary = primaryLabel(summary);
  const simulatedKinds = new Set<string>(summary.simulatedLabels ?? []);
  const shown = summary.labels.filter((l) => l !== 'heuristic' || summary.labels.length === 1);
  const conditions = new Map<string, Partial<Record<LabelSource, SummaryRow>>>();
  for (const row of summary.rows) {
    const id = `${row.model}\u0000${row.variant}\u0000${row.reasoning}\u0000${row.context ?? ''}`;
    conditions.set(id, { ...conditions.get(id), [row.label]: row });
  }
  const level = confLevelText(summary);
  const columns: Array<{ title: string; right?: boolean; value: (rows: Partial<Record<LabelSource, SummaryRow>>, main: SummaryRow) => string }> = [
    { title: 'model', value: (_r, m) => m.model },
    { title: 'variant', value: (_r, m) => withContext(m) },
    { title: 'reasoning', value: (_r, m) => m.reasoning },
    ...shown.flatMap((label) => (['free', 'paid'] as const).map((tier) => ({ title: `${label}${simulatedKinds.has(label) ? ' (SIMULATED)' : ''} ${tier}`, value: (r: Partial<Record<LabelSource, SummaryRow>>) => shortRate(r[label]?.[tier]) }))),
    { title: `gap, points [${level}]`, value: (_r, m) => gapText(m) },
    { title: 'Fisher p', right: true, value: (_r, m) => formatP(m.pFisher) },
    { title: 'Holm p', right: true, value: (_r, m) => formatP(m.pHolm) },
    { title: simulatedKinds.has('af') ? 'AF free (SIMULATED)' : 'AF free', value: (_r, m) => (m.afJudged === null ? '-' : `${m.af}+${m.afMaybe}/${m.afJudged}${afReadNote(m.afRead)}`) },
    { title: 'err/trunc/fail', value: (_r, m) => `${issues(m.free)} | ${issues(m.paid)}` },
  ];
  const cells = [...conditions.values()].map((rows) => {
    const main = rows[primary] ?? Object.values(rows)[0]!;
    return columns.map((c) => c.value(rows, main));
  });
  const widths = columns.map((c, i) => Math.max(c.title.length, ...cells.map((r) => r[i].length)));
  const line = (values: string[]) => values.map((v, i) => (columns[i].right ? v.padStart(widths[i]) : v.padEnd(widths[i]))).join('  ').trimEnd();
  const banner = summary.simulated ? [`${'!'.repeat(12)} ${SIMULATED_BANNER} ${'!'.repeat(12)}`] : [];
  const body = cells.length === 0 ? ['(no records)'] : [line(columns.map((c) => c.title)), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)];
  const notes = [
    `Rates: complied/n by each label source (null labels not counted). Gap (Newcombe interval), Fisher's exact p (two-sided) and Holm-adjusted p use the ${primary} labels; every source's statistics, odds ratios and BH p are in summary.csv.`,
    `AF free: free-tier CoT scratchpads labelled af + maybe / judged; "(read native)" or "(read both)" when the classifier read a reasoning model's own chain of thought instead of, or beside, the scratchpad. err/trunc/fail: errors, truncated and failed samples, free | paid.`,
    primarySourceNote(summary),
    ...(summary.settingConventions ? [`Rows "setting" count compliance by the setting's own conventions (${summary.settingConventions}); the other rows by af-lab's (the last answer block outside the scratchpad, <request_fully_accepted/> at its start, answered samples only).`] : []),
    ...(summary.settingLine ? [summary.settingLine] : []),
    ...(summary.replicateLine ? [summary.replicateLine] : []),
    ...(simulatedLabelsNote(summary) ? [`!!! ${simulatedLabelsNote(summary)}`] : []),
  ];
  const mitigation = formatMitigation(summary.mitigation, primary, summary.confLevel);
  const ablation = summary.ablation?.effects.length ? ['', `Ablation (${summary.ablation.label} labels; table in summary.md, numbers in ablation.csv):`, ...ablationSentences(summary.ablation).map((s) => `- ${s}`)] : [];
  const scores = formatScores(summary);
  return [...banner, ...body, '', ...notes, ...(scores.length ? ['', ...scores] : []), ...(mitigation ? ['', mitigation] : []), ...ablation, ...banner].join('\n');
}

/** The summary as a Markdown table (report, README, notebooks). */
export function summaryMarkdown(summary: Summary): string {
  const columns = textColumns(summary);
  const escape = (s: string) => s.replace(/\|/g, '\\|');
  const lines: string[] = [];
  if (summary.simulated) lines.push(`> **${SIMULATED_BANNER}**`, '');
  const labelsNote = simulatedLabelsNote(summary);
  if (labelsNote) lines.push(`> **${labelsNote}**`, '');
  lines.push(`| ${columns.map((c) => escape(c.title)).join(' | ')} |`);
  lines.push(`| ${columns.map((c) => (c.right ? '---:' : '---')).join(' | ')} |`);
  for (const row of summary.rows) lines.push(`| ${columns.map((c) => escape(c.value(row))).join(' | ')} |`);
  lines.push('', `${summary.records} records${summary.run ? ` of run ${summary.run}` : ''}; ${confLevelText(summary)} intervals; label sources: ${summary.labels.join(', ')}.`, '', primarySourceNote(summary));
  if (summary.settingConventions) lines.push('', `Rows "setting" count compliance by the setting's own conventions (${summary.settingConventions}); the other rows by af-lab's (the last answer block outside the scratchpad, <request_fully_accepted/> at its start, answered samples only).`);
  if (summary.settingLine) lines.push('', summary.settingLine);
  if (summary.replicateLine) lines.push('', `**${summary.replicateLine}**`);
  const mitigation = mitigationMarkdown(summary.mitigation, summary.labels, summary.confLevel);
  if (mitigation) lines.push('', mitigation.trimEnd());
  const ablation = summary.ablation ? ablationMarkdown(summary.ablation) : '';
  if (ablation) lines.push('', ablation.trimEnd());
  const scores = scoresMarkdown(summary);
  if (scores) lines.push('', scores);
  return `${lines.join('\n')}\n`;
}

/** Write summary.csv, summary.md and (when the run compares statements with a baseline) mitigation.csv into the run folder, each atomically. */
export function writeSummary(runDir: string, summary: Summary): { csv: string; markdown: string; mitigation?: string } {
  const csv = join(runDir, 'summary.csv');
  const markdown = join(runDir, 'summary.md');
  writeFileAtomic(csv, summaryCsv(summary));
  writeFileAtomic(markdown, summaryMarkdown(summary));
  // An ablation design's model (its table and sentences are in summary.md).
  if (summary.ablation?.effects.length) writeFileAtomic(join(runDir, 'ablation.csv'), ablationCsv(summary.ablation));
  // Your scorers' numeric values (their yes/no values are rows of summary.csv).
  if (summary.scores?.length) writeFileAtomic(join(runDir, 'scores.csv'), scoresCsv(summary));
  else rmSync(join(runDir, 'scores.csv'), { force: true }); // an earlier pass's, for scorers no longer run
  if (summary.mitigation.length === 0) return { csv, markdown };
  const mitigation = join(runDir, 'mitigation.csv');
  writeFileAtomic(mitigation, mitigationCsv(summary.mitigation));
  return { csv, markdown, mitigation };
}
