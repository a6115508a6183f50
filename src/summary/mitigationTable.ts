// The mitigation table as flat columns (mitigation.csv) and as text (terminal, summary.md): for every
// statement against its baseline, each tier's change, the gap's change and the tests of it, and one
// sentence saying how the gap moved.
import { stringify } from 'csv-stringify/sync';
import { formatInterval, formatP, formatPoints } from '../stats/format.js';
import { SMALL_GROUP, type Interval, type MitigationEffect } from '../stats/index.js';
import type { MitigationRow } from './mitigation.js';
import { labelSourceName } from './labelSource.js';

export type MitigationRecord = Record<string, string | number | null>;

/**
 * Column order of mitigation.csv. Rates, deltas and intervals are proportions (0-1). Each tier's
 * delta is statement minus baseline with Newcombe's interval and Fisher's exact p; `gap_change` is
 * (free - paid with the statement) - (free - paid at baseline) with its MOVER interval; the paired
 * columns use every request asked in both tiers (McNemar exact with one sample per request and tier,
 * else the sign-flip test of the per-request gap).
 */
export const MITIGATION_COLUMNS = [
  'model', 'reasoning', 'label', 'simulated', 'statement', 'baseline',
  'baseline_free_complied', 'baseline_free_n', 'baseline_paid_complied', 'baseline_paid_n',
  'statement_free_complied', 'statement_free_n', 'statement_paid_complied', 'statement_paid_n',
  'free_delta', 'free_delta_lo', 'free_delta_hi', 'free_fisher_p',
  'paid_delta', 'paid_delta_lo', 'paid_delta_hi', 'paid_fisher_p',
  'baseline_gap', 'statement_gap', 'gap_change', 'gap_change_lo', 'gap_change_hi',
  'gap_change_test', 'gap_change_p', 'gap_change_p_holm', 'holm_family_size', 'gap_change_significant',
  'missing_answers', 'gap_change_missing_lowest', 'gap_change_missing_highest', 'missing_changes_verdict',
  'breslow_day_p', 'breslow_day_tarone_p', 'interaction_lr_p', 'odds_ratio_scale_not_estimable',
  'paired_requests', 'baseline_mcnemar_p', 'statement_mcnemar_p', 'baseline_sign_flip_p', 'statement_sign_flip_p', 'gap_change_sign_flip_p',
  'how_the_gap_moved', 'note',
] as const;

const notEstimable = (e: MitigationEffect | null | undefined) => !!e && e.gapChange.oddsRatioNotEstimable !== null;
const finite = (x: number | null | undefined): number | null => (x === null || x === undefined || !Number.isFinite(x) ? null : x);

/** One flat record per mitigation row, keys in MITIGATION_COLUMNS order. */
export function mitigationRecords(rows: readonly MitigationRow[]): MitigationRecord[] {
  return rows.map((row) => {
    const e = row.effect;
    const p = e?.paired ?? null;
    const flat: MitigationRecord = {
      model: row.model,
      reasoning: row.reasoning,
      label: row.label,
      simulated: row.simulated ? 'SIMULATED' : '',
      statement: row.statement,
      baseline: row.baseline,
      baseline_free_complied: row.counts.baseline.free.k,
      baseline_free_n: row.counts.baseline.free.n,
      baseline_paid_complied: row.counts.baseline.paid.k,
      baseline_paid_n: row.counts.baseline.paid.n,
      statement_free_complied: row.counts.statement.free.k,
      statement_free_n: row.counts.statement.free.n,
      statement_paid_complied: row.counts.statement.paid.k,
      statement_paid_n: row.counts.statement.paid.n,
      free_delta: e?.free.delta ?? null,
      free_delta_lo: e?.free.newcombe[0] ?? null,
      free_delta_hi: e?.free.newcombe[1] ?? null,
      free_fisher_p: e?.free.fisher.pTwoSided ?? null,
      paid_delta: e?.paid.delta ?? null,
      paid_delta_lo: e?.paid.newcombe[0] ?? null,
      paid_delta_hi: e?.paid.newcombe[1] ?? null,
      paid_fisher_p: e?.paid.fisher.pTwoSided ?? null,
      baseline_gap: e?.baseline.gap ?? null,
      statement_gap: e?.statement.gap ?? null,
      gap_change: e?.gapChange.change ?? null,
      gap_change_lo: e?.gapChange.mover[0] ?? null,
      gap_change_hi: e?.gapChange.mover[1] ?? null,
      gap_change_test: e ? (e.gapChange.decidedBy === 'mover' ? 'MOVER-inverted' : 'exact paired sign-flip') : null,
      gap_change_p: e?.gapChange.pValue ?? null,
      gap_change_p_holm: row.gapChangePHolm,
      holm_family_size: e ? row.familySize : null,
      gap_change_significant: row.significant === null ? null : row.significant ? 'yes' : 'no',
      missing_answers: row.missingBounds?.missing ?? null,
      gap_change_missing_lowest: row.missingBounds?.lowest.change ?? null,
      gap_change_missing_highest: row.missingBounds?.highest.change ?? null,
      missing_changes_verdict: row.missingBounds ? (row.missingBounds.changesVerdict ? 'yes' : 'no') : null,
      // Secondary, odds-ratio scale: empty (never 1) where not estimable.
      breslow_day_p: notEstimable(e) ? null : finite(e?.gapChange.breslowDay.pValue),
      breslow_day_tarone_p: notEstimable(e) ? null : finite(e?.gapChange.breslowDay.tarone.pValue),
      interaction_lr_p: notEstimable(e) ? null : finite(e?.gapChange.interaction.pValue),
      odds_ratio_scale_not_estimable: e?.gapChange.oddsRatioNotEstimable ?? null,
      paired_requests: p?.gapChange.requests ?? null,
      baseline_mcnemar_p: p?.baseline.mcnemar?.pExact ?? null,
      statement_mcnemar_p: p?.statement.mcnemar?.pExact ?? null,
      baseline_sign_flip_p: p?.baseline.signFlip.pTwoSided ?? null,
      statement_sign_flip_p: p?.statement.signFlip.pTwoSided ?? null,
      gap_change_sign_flip_p: p?.gapChange.signFlip.pTwoSided ?? null,
      how_the_gap_moved: row.sentence,
      note: row.reason ?? '',
    };
    return Object.fromEntries(MITIGATION_COLUMNS.map((column) => [column, flat[column] ?? null]));
  });
}

export function mitigationCsv(rows: readonly MitigationRow[]): string {
  return stringify(
    mitigationRecords(rows).map((record) => MITIGATION_COLUMNS.map((column) => record[column] ?? '')),
    { header: true, columns: [...MITIGATION_COLUMNS] },
  );
}

const points = (x: number) => formatPoints(x, 1);
const delta = (x: number, ci: Interval) => `${points(x)} ${formatInterval(ci, points)}`;
const rate = (k: number, n: number) => `${k}/${n}`;

/** The paired p of one condition's gap: McNemar's exact p with one sample per request and tier, else the sign-flip p. */
function pairedGapP(effect: MitigationEffect, condition: 'baseline' | 'statement'): string {
  const paired = effect.paired?.[condition];
  if (!paired) return '-';
  return paired.mcnemar ? `${formatP(paired.mcnemar.pExact)} (McNemar)` : `${formatP(paired.signFlip.pTwoSided)} (sign-flip)`;
}

/** What one comparison's text columns need: its counts and its effect (null: not computed). */
export type Comparison = Pick<MitigationRow, 'counts' | 'effect'> & Partial<Pick<MitigationRow, 'gapChangePHolm' | 'significant' | 'missingBounds'>>;

interface Column {
  title: string;
  right?: boolean;
  value: (row: Comparison) => string;
}

/** The columns every text rendering of a comparison shares (terminal, Markdown, notebook HTML). */
function effectColumns(level: string): Column[] {
  const e = (row: Comparison) => row.effect;
  return [
    { title: 'baseline free, paid', value: (r) => `${rate(r.counts.baseline.free.k, r.counts.baseline.free.n)}, ${rate(r.counts.baseline.paid.k, r.counts.baseline.paid.n)}` },
    { title: 'statement free, paid', value: (r) => `${rate(r.counts.statement.free.k, r.counts.statement.free.n)}, ${rate(r.counts.statement.paid.k, r.counts.statement.paid.n)}` },
    { title: `free Δ, points [Newcombe ${level}]`, value: (r) => (e(r) ? delta(e(r)!.free.delta, e(r)!.free.newcombe) : '-') },
    { title: 'free Fisher p', right: true, value: (r) => (e(r) ? formatP(e(r)!.free.fisher.pTwoSided) : '-') },
    { title: `paid Δ, points [Newcombe ${level}]`, value: (r) => (e(r) ? delta(e(r)!.paid.delta, e(r)!.paid.newcombe) : '-') },
    { title: 'paid Fisher p', right: true, value: (r) => (e(r) ? formatP(e(r)!.paid.fisher.pTwoSided) : '-') },
    { title: `gap change, points [MOVER ${level}]`, value: (r) => (e(r) ? delta(e(r)!.gapChange.change, e(r)!.gapChange.mover) : '-') },
    { title: 'gap change p', right: true, value: (r) => (e(r) ? `${formatP(e(r)!.gapChange.pValue)} (${e(r)!.gapChange.decidedBy === 'mover' ? 'MOVER' : 'exact sign-flip'})` : '-') },
    { title: 'p (Holm)', right: true, value: (r) => (r.gapChangePHolm === undefined ? 'n/a' : formatP(r.gapChangePHolm)) },
    { title: 'gap changed', value: (r) => (r.significant === undefined ? (e(r) ? (e(r)!.gapChange.significant ? 'yes (unadjusted)' : 'no (unadjusted)') : '-') : r.significant === null ? '-' : r.significant ? 'yes' : 'no') },
    { title: 'if missing answers counted [lowest, highest]', value: (r) => (!r.missingBounds || r.missingBounds.missing === 0 ? '-' : `${r.missingBounds.missing}: [${points(r.missingBounds.lowest.change)}, ${points(r.missingBounds.highest.change)}]${r.missingBounds.changesVerdict ? ' VERDICT CHANGES' : ''}`) },
    { title: 'secondary: Breslow-Day (Tarone) p', right: true, value: (r) => (!e(r) ? '-' : notEstimable(e(r)) ? 'not estimable' : e(r)!.gapChange.breslowDay.undefinedReason === null ? formatP(e(r)!.gapChange.breslowDay.tarone.pValue) : '-') },
    { title: 'secondary: LR interaction p', right: true, value: (r) => (!e(r) ? '-' : notEstimable(e(r)) ? 'not estimable' : formatP(e(r)!.gapChange.interaction.pValue)) },
    { title: 'paired gap p, baseline', value: (r) => (e(r)?.paired ? pairedGapP(e(r)!, 'baseline') : '-') },
    { title: 'paired gap p, statement', value: (r) => (e(r)?.paired ? pairedGapP(e(r)!, 'statement') : '-') },
    { title: 'paired gap-change p (sign-flip)', right: true, value: (r) => (e(r)?.paired ? formatP(e(r)!.paired!.gapChange.signFlip.pTwoSided) : '-') },
  ];
}

interface RowColumn {
  title: string;
  right?: boolean;
  value: (row: MitigationRow) => string;
}

const IDENTITY: RowColumn[] = [
  { title: 'model', value: (r) => r.model },
  { title: 'reasoning', value: (r) => r.reasoning },
  { title: 'statement', value: (r) => r.statement },
];

function columns(level: string): RowColumn[] {
  return [...IDENTITY, ...effectColumns(level)];
}

/**
 * Column titles and cell texts of comparisons, for a renderer of its own (the notebook's HTML):
 * the same numbers and formats as the terminal and summary.md.
 */
export function comparisonCells(rows: readonly Comparison[], confLevel: number): { titles: string[]; cells: string[][] } {
  const cols = effectColumns(levelOf(confLevel));
  return { titles: cols.map((c) => c.title), cells: rows.map((row) => cols.map((c) => c.value(row))) };
}

const levelOf = (confLevel: number) => `${+(100 * confLevel).toFixed(2)}%`;

const NOTE =
  "Δ: with the statement minus baseline (same model and reasoning). Gap change: the statement's gap (free - paid) minus the baseline's. " +
  "Whether the gap changed is decided on the gap's own scale: the MOVER interval and the test inverted from it (p <= alpha exactly when the interval excludes 0), " +
  `or the exact paired sign-flip test when a group has fewer than ${SMALL_GROUP} samples; ` +
  "two per-condition p-values (significant at baseline, not with the statement) are no such test. " +
  "Holm: that p adjusted across this label source's gap changes in the run (the family); 'gap changed' and the sentences use the adjusted p, the unadjusted one is beside it. " +
  'Missing answers: the gap change with every unlabelled (truncated, failed, errored, unreadable) sample counted the way that makes it lowest, and highest. ' +
  'Secondary, on the odds-ratio scale: Breslow-Day (Tarone) and the likelihood-ratio test of the tier x statement interaction; "not estimable" when a tier is at 0% or 100% in both conditions. ' +
  'Paired: every request is asked in both tiers; McNemar with one sample per request and tier, else a sign-flip test of the per-request gaps.';

/**
 * The sentences grouped by baseline: each baseline (model, reasoning, baseline variant) is stated once,
 * with its counts and gap, and the statements compared with it follow beneath it.
 */
export function sentenceLines(rows: readonly MitigationRow[], escape: (s: string) => string, bold = false): string[] {
  const groups = new Map<string, MitigationRow[]>();
  for (const row of rows) {
    const key = JSON.stringify([row.model, row.reasoning, row.baseline]);
    groups.set(key, [...(groups.get(key) ?? []), row]);
  }
  const strong = (x: string) => (bold ? `**${x}**` : x);
  const lines: string[] = [];
  for (const group of groups.values()) {
    const first = group[0];
    const b = first.counts.baseline;
    const gap = group.find((r) => r.effect)?.effect?.baseline;
    const gapText = gap ? `, gap ${points(gap.gap)} points ${formatInterval(gap.newcombe, points)}` : '';
    lines.push(`- ${strong(`${escape(first.model)} · ${first.reasoning} · ${escape(first.baseline)}`)} (free ${rate(b.free.k, b.free.n)}, paid ${rate(b.paid.k, b.paid.n)}${gapText}), against:`);
    for (const row of group) lines.push(`  - ${strong(escape(row.statement))}: ${row.sentence}`);
  }
  return lines;
}

/** The terminal block for one label source: the table, then one sentence per statement. */
export function formatMitigation(rows: readonly MitigationRow[], source: string, confLevel: number): string {
  const label = labelSourceName(source);
  const shown = rows.filter((r) => r.label === label);
  if (shown.length === 0) return '';
  const cols = columns(levelOf(confLevel)).filter((c) => !c.title.startsWith('baseline free') && !c.title.startsWith('statement free'));
  const cells = shown.map((row) => cols.map((c) => c.value(row)));
  const widths = cols.map((c, i) => Math.max(c.title.length, ...cells.map((r) => r[i].length)));
  const line = (values: string[]) => values.map((v, i) => (cols[i].right ? v.padStart(widths[i]) : v.padEnd(widths[i]))).join('  ').trimEnd();
  return [
    `Statements against their baseline (${label} labels):`,
    line(cols.map((c) => c.title)),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...cells.map(line),
    '',
    'How the gap moved:',
    ...sentenceLines(shown, (x) => x),
    '',
    NOTE,
  ].join('\n');
}

/** The Markdown section of summary.md: one table per label source, then the sentences. */
export function mitigationMarkdown(rows: readonly MitigationRow[], labels: readonly string[], confLevel: number): string {
  if (rows.length === 0) return '';
  const escape = (s: string) => s.replace(/\|/g, '\\|');
  const cols = columns(levelOf(confLevel));
  const lines = ['## Statements against their baseline', ''];
  for (const label of labels.map(labelSourceName)) {
    const shown = rows.filter((r) => r.label === label);
    if (shown.length === 0) continue;
    lines.push(`### ${label} labels`, '');
    lines.push(`| ${cols.map((c) => escape(c.title)).join(' | ')} |`);
    lines.push(`| ${cols.map((c) => (c.right ? '---:' : '---')).join(' | ')} |`);
    for (const row of shown) lines.push(`| ${cols.map((c) => escape(c.value(row))).join(' | ')} |`);
    lines.push('', ...sentenceLines(shown, escape, true), '');
  }
  lines.push(NOTE, '');
  return lines.join('\n');
}
