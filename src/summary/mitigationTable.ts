// The mitigation table as flat columns (mitigation.csv) and as text (terminal, summary.md): for every
// statement against its baseline, each tier's change, the gap's change and the tests of it, and one
// sentence saying how the gap moved.
import { stringify } from 'csv-stringify/sync';
import { formatInterval, formatP, formatPoints } from '../stats/format.js';
import type { Interval, MitigationEffect } from '../stats/index.js';
import type { MitigationRow } from './mitigation.js';

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
  'breslow_day_p', 'breslow_day_tarone_p', 'interaction_lr_p', 'interaction_lr_p_holm', 'interaction_significant',
  'paired_requests', 'baseline_mcnemar_p', 'statement_mcnemar_p', 'baseline_sign_flip_p', 'statement_sign_flip_p', 'gap_change_sign_flip_p',
  'how_the_gap_moved', 'note',
] as const;

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
      breslow_day_p: finite(e?.gapChange.breslowDay.pValue),
      breslow_day_tarone_p: finite(e?.gapChange.breslowDay.tarone.pValue),
      interaction_lr_p: finite(e?.gapChange.interaction.pValue),
      interaction_lr_p_holm: row.interactionPHolm,
      interaction_significant: e?.gapChange.significant === null || e === null ? null : e.gapChange.significant ? 'yes' : 'no',
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
export type Comparison = Pick<MitigationRow, 'counts' | 'effect'> & { interactionPHolm?: number | null };

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
    { title: 'Breslow-Day (Tarone) p', right: true, value: (r) => (e(r) && e(r)!.gapChange.breslowDay.undefinedReason === null ? formatP(e(r)!.gapChange.breslowDay.tarone.pValue) : '-') },
    { title: 'LR interaction p', right: true, value: (r) => (e(r) && e(r)!.gapChange.interaction.informative ? formatP(e(r)!.gapChange.interaction.pValue) : '-') },
    { title: 'LR p (Holm)', right: true, value: (r) => (r.interactionPHolm === undefined ? 'n/a' : formatP(r.interactionPHolm)) },
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
  "Breslow-Day (Tarone) and the likelihood-ratio test of the tier x statement interaction test whether the gap changed; " +
  "two per-condition p-values (significant at baseline, not with the statement) are no such test. " +
  "Holm: the LR p adjusted across this label source's comparisons in the run (the sentences use the unadjusted p). " +
  'Paired: every request is asked in both tiers; McNemar with one sample per request and tier, else a sign-flip test of the per-request gaps.';

/** The terminal block for one label source: the table, then one sentence per statement. */
export function formatMitigation(rows: readonly MitigationRow[], label: string, confLevel: number): string {
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
    ...shown.map((row) => `- ${row.model} · ${row.reasoning} · ${row.statement}: ${row.sentence}`),
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
  for (const label of labels) {
    const shown = rows.filter((r) => r.label === label);
    if (shown.length === 0) continue;
    lines.push(`### ${label} labels`, '');
    lines.push(`| ${cols.map((c) => escape(c.title)).join(' | ')} |`);
    lines.push(`| ${cols.map((c) => (c.right ? '---:' : '---')).join(' | ')} |`);
    for (const row of shown) lines.push(`| ${cols.map((c) => escape(c.value(row))).join(' | ')} |`);
    lines.push('', ...shown.map((row) => `- **${escape(row.model)} · ${row.reasoning} · ${escape(row.statement)}**: ${row.sentence}`), '');
  }
  lines.push(NOTE, '');
  return lines.join('\n');
}
