// HTML for notebook outputs: tables, progress, prompts and the SIMULATED label. Plain strings with
// inline styles, so they look the same in JupyterLab, Jupyter Notebook and on GitHub.
import type { CostEstimate } from '../cost/estimate.js';
import { escapeHtml } from '../core/safeJson.js';
import { confLevelText, gapText, oddsRatioText, SIMULATED_BANNER, simulatedLabelsNote, summaryRecords, type Summary } from '../summary/index.js';
import { formatInterval, formatP, formatPercent } from '../stats/format.js';
import type { SummaryRow, TierSummary, LabelSource } from '../summary/index.js';

export type TableCell = string | number | boolean | null | undefined;

const TABLE_STYLE = 'border-collapse:collapse;font-size:12px;font-family:ui-monospace,Menlo,Consolas,monospace';
const CELL_STYLE = 'border:1px solid #ccc;padding:2px 6px;text-align:right;white-space:nowrap';

function cellText(value: TableCell): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : String(+value.toPrecision(4));
  return String(value);
}

/** A plain HTML table of columns and rows (what danfojs frames and summaries are shown as). */
export function tableHtml(columns: readonly string[], rows: readonly TableCell[][], caption?: string): string {
  const head = columns.map((c) => `<th style="${CELL_STYLE};background:#f3f3f3">${escapeHtml(c)}</th>`).join('');
  const body = rows
    .map((row) => `<tr>${row.map((v, i) => `<td style="${CELL_STYLE}${i === 0 || typeof v === 'string' ? ';text-align:left' : ''}">${escapeHtml(cellText(v))}</td>`).join('')}</tr>`)
    .join('\n');
  const cap = caption ? `<caption style="caption-side:top;text-align:left;font-weight:bold;padding:4px 0">${escapeHtml(caption)}</caption>` : '';
  // Wide tables scroll sideways instead of being cut off by the notebook's output area.
  return `<div style="overflow-x:auto;max-width:100%"><table style="${TABLE_STYLE}">${cap}<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody></table></div>`;
}

/** Anything shaped like a danfojs DataFrame: column names and row values. */
export interface FrameLike {
  columns: string[];
  values: unknown[] | unknown[][];
}

export function frameHtml(frame: FrameLike, caption?: string): string {
  const rows = (frame.values as unknown[]).map((row) => (Array.isArray(row) ? row : [row]) as TableCell[]);
  return tableHtml(frame.columns, rows, caption);
}

/** Plain records (e.g. summaryRecords) as a table, columns in first-seen order. */
export function recordsHtml(records: ReadonlyArray<Record<string, TableCell>>, caption?: string): string {
  const columns = [...new Set(records.flatMap((r) => Object.keys(r)))];
  return tableHtml(columns, records.map((r) => columns.map((c) => r[c])), caption);
}

export function simulatedBannerHtml(text = SIMULATED_BANNER): string {
  return `<div style="border:2px solid #c0392b;background:#fdecea;color:#7b241c;padding:6px 10px;font-weight:bold;font-family:sans-serif;font-size:13px">${escapeHtml(text)}</div>`;
}

const pct = (x: number) => formatPercent(x, 1);
const tierCell = (t: TierSummary) => (t.rate === null ? `–/${t.samples}` : `${t.complied}/${t.n} = ${pct(t.rate)} ${formatInterval(t.rateCi, pct)}`);

export interface SummaryHtmlOptions {
  /** Only rows counted with these label sources (default: all in the summary). */
  labels?: LabelSource[];
  caption?: string;
}

/**
 * The per-condition summary as a readable table: compliance per tier with Wilson intervals, the
 * compliance gap with Newcombe's interval, Fisher's exact p (two-sided, Holm-adjusted) and the AF
 * counts, under a SIMULATED banner when any record came from the simulator.
 */
export function summaryHtml(summary: Summary, options: SummaryHtmlOptions = {}): string {
  const rows: SummaryRow[] = summary.rows.filter((r) => !options.labels || options.labels.includes(r.label));
  const level = confLevelText(summary);
  const table = tableHtml(
    ['model', 'variant', 'reasoning', 'label', `free tier complied (Wilson ${level})`, `paid tier complied (Wilson ${level})`, 'gap, points (Newcombe)', 'odds ratio (exact CI)', 'Fisher p', 'Holm p', 'AF reasoning, free tier (af+maybe / judged)'],
    rows.map((r) => [
      r.model,
      r.context ? `${r.variant} [${r.context}]` : r.variant,
      r.reasoning,
      r.simulated && !summary.simulated ? `${r.label} (SIMULATED)` : r.label,
      tierCell(r.free),
      tierCell(r.paid),
      gapText(r, '–'),
      oddsRatioText(r, '–'),
      formatP(r.pFisher),
      formatP(r.pHolm),
      r.afJudged === null ? '–' : `${r.af}+${r.afMaybe} / ${r.afJudged}`,
    ]),
    options.caption,
  );
  return `${banners(summary)}${table}`;
}

/** The SIMULATED banner of a simulated run, and the one of a real run labelled by the simulated judge. */
function banners(summary: Summary): string {
  const note = simulatedLabelsNote(summary);
  return `${summary.simulated ? simulatedBannerHtml() : ''}${note ? simulatedBannerHtml(note) : ''}`;
}

/** The summary's flat columns (as in summary.csv), for readers who want every number. */
export function summaryRecordsHtml(summary: Summary, caption?: string): string {
  return `${banners(summary)}${recordsHtml(summaryRecords(summary), caption)}`;
}

/** A prompt exactly as the model sees it, in a scrollable monospace box. */
export function promptHtml(title: string, text: string, maxHeightPx = 320): string {
  return `<details open><summary style="font-weight:bold;font-family:sans-serif;cursor:pointer">${escapeHtml(title)}</summary>
<pre style="white-space:pre-wrap;max-height:${maxHeightPx}px;overflow:auto;border:1px solid #ddd;background:#fafafa;padding:8px;font-size:12px">${escapeHtml(text)}</pre></details>`;
}

export interface ProgressState {
  title: string;
  simulated: boolean;
  phase: 'sampling' | 'judging' | 'done' | 'stopped';
  samples: { done: number; total: number; resumed: number; calls: number; errors: number };
  judging?: { done: number; total: number; kind: string };
  spentUsd: number;
  budgetUsd?: number;
  unpriced: string[];
  elapsedMs: number;
}

function bar(done: number, total: number, color: string): string {
  const share = total > 0 ? Math.min(1, done / total) : 1;
  return `<div style="display:inline-block;vertical-align:middle;width:240px;height:10px;background:#e6e6e6;border-radius:3px;overflow:hidden"><div style="width:${(100 * share).toFixed(1)}%;height:100%;background:${color}"></div></div>`;
}

const usd = (x: number) => `$${x < 0.01 && x > 0 ? x.toFixed(4) : x.toFixed(2)}`;

/** The live progress box of a long cell: samples, judging, new calls vs cache, running cost. */
export function progressHtml(state: ProgressState): string {
  const s = state.samples;
  const lines = [
    `<div><b>${escapeHtml(state.title)}</b> · ${state.phase}${state.simulated ? ' · <span style="color:#c0392b;font-weight:bold">SIMULATED</span>' : ''} · ${(state.elapsedMs / 1000).toFixed(1)} s</div>`,
    `<div>${bar(s.done, s.total, '#4c78a8')} samples ${s.done}/${s.total} · new model calls ${s.calls} · already done ${s.resumed}${s.errors ? ` · <span style="color:#c0392b">errors ${s.errors}</span>` : ''}</div>`,
  ];
  if (state.judging) lines.push(`<div>${bar(state.judging.done, state.judging.total, '#72b7b2')} judging ${state.judging.done}/${state.judging.total} (${escapeHtml(state.judging.kind)})</div>`);
  const budget = state.budgetUsd === undefined ? '' : ` of a ${usd(state.budgetUsd)} budget`;
  const unpriced = state.unpriced.length ? ` (no price known for ${escapeHtml(state.unpriced.join(', '))}: counted at $0)` : '';
  lines.push(`<div>spent ${usd(state.spentUsd)}${budget}${state.simulated ? ' (the simulator is free)' : unpriced}</div>`);
  return `<div style="font-family:sans-serif;font-size:12px;line-height:1.6">${lines.join('\n')}</div>`;
}

const usdOrNone = (x: number | undefined) => (x === undefined ? 'no price' : usd(x));

/** A cost estimate (src/cost) as a table: per model, tokens and dollars expected and worst case. */
export function estimateHtml(estimate: CostEstimate, caption?: string): string {
  const rows = estimate.models.map((m): TableCell[] => [m.model, m.samples, m.calls, m.inputTokens, m.outputTokens, usdOrNone(m.usd), usdOrNone(m.worstCaseUsd)]);
  rows.push(['total', '', '', '', '', usd(estimate.totalUsd), usd(estimate.worstCaseUsd)]);
  return tableHtml(['model', 'samples', 'calls', 'input tokens', 'output tokens', 'expected', 'worst case'], rows, caption);
}
