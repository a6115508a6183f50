// HTML for notebook outputs: tables, progress, prompts and the SIMULATED label. Plain strings with
// inline styles, so they look the same in JupyterLab, Jupyter Notebook and on GitHub.
import type { CostEstimate } from '../cost/estimate.js';
import type { JudgeKind } from '../judge/types.js';
import { escapeHtml } from '../core/safeJson.js';
import { UserError } from '../core/errors.js';
import { confLevelText, gapText, knownLabelSource, oddsRatioText, SIMULATED_BANNER, simulatedLabelsNote, summaryRecords, type Summary } from '../summary/index.js';
import { formatInterval, formatP, formatPercent } from '../stats/format.js';
import type { SummaryRow, TierSummary, LabelSource } from '../summary/index.js';
import type { BatchProgress } from '../pipeline/batch/index.js';
import { batchProgressHtml } from './batchHtml.js';

export type TableCell = string | number | boolean | null | undefined;

const TABLE_STYLE = 'border-collapse:collapse;font-size:12px;font-family:ui-monospace,Menlo,Consolas,monospace';
const CELL_STYLE = 'border:1px solid #ccc;padding:2px 6px;text-align:right;white-space:nowrap';

/**
 * Jupyter typesets `$...$` in HTML and Markdown outputs with MathJax, so "$0.00 of a $20.00 budget"
 * came out as math. MathJax 2 (classic Notebook) and 3 (JupyterLab) skip elements of these classes.
 */
const NO_MATH_CLASSES = 'tex2jax_ignore mathjax_ignore';

/** HTML that MathJax leaves alone: every HTML output of the notebook view goes through this. */
export function mathFreeHtml(html: string): string {
  return `<div class="${NO_MATH_CLASSES}">${html}</div>`;
}

/**
 * Markdown whose dollar signs stay dollar signs. A backslash does not do it: Markdown drops it before
 * MathJax runs (classic Jupyter typeset `\$0.00 of a \$20.00` as math). So each `$` outside a code
 * span becomes `&#36;`, which Jupyter's math extraction does not see, and the whole output sits in
 * an element MathJax skips (the blank lines keep its content Markdown).
 */
export function mathFreeMarkdown(markdown: string): string {
  const text = markdown
    .split(/(`+[^`]*`+)/)
    .map((part, i) => (i % 2 === 1 ? part : part.replace(/\\?\$/g, '&#36;')))
    .join('');
  return `<div class="${NO_MATH_CLASSES}">\n\n${text}\n\n</div>`;
}

function cellText(value: TableCell): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : String(+value.toPrecision(4));
  return String(value);
}

/** The compact SIMULATED label above a table of simulated numbers (bold, so it stands out even unstyled). */
export function simulatedMarkHtml(): string {
  return `<div style="color:#c0392b;font-family:sans-serif;font-size:12px;padding:2px 0"><b>SIMULATED</b> · af-lab's simulator, not a result about any model</div>`;
}

/** Widest a table may be drawn: a classic Jupyter output area is about 985 px wide. */
export const TABLE_MAX_PX = 960;

/** A text longer than this wraps in its cell (at most WRAPPED_PX wide) instead of widening the table. */
const WRAP_CHARS = 60;
const WRAPPED_PX = 480;

/** Pixels a column takes: 12 px monospace (about 7.2 px a character), padding and border. */
function columnPx(header: string, cells: readonly TableCell[]): number {
  return Math.min(WRAPPED_PX, 7.2 * Math.max(header.length, ...cells.map((v) => cellText(v).length))) + 14;
}

/**
 * A table wider than an output area, split into tables of whole columns that fit, each repeating
 * the first column (what names the row), the caption on the first: nothing scrolls sideways.
 */
function plainTableHtml(columns: readonly string[], rows: readonly TableCell[][], caption?: string): string {
  const widths = columns.map((c, i) => columnPx(c, rows.map((row) => row[i])));
  if (widths.reduce((a, b) => a + b, 0) <= TABLE_MAX_PX || columns.length < 3) return oneTableHtml(columns, rows, caption);
  const parts: number[][] = [];
  let part: number[] = [];
  let used = widths[0];
  for (let c = 1; c < columns.length; c++) {
    if (part.length && used + widths[c] > TABLE_MAX_PX) {
      parts.push(part);
      part = [];
      used = widths[0];
    }
    part.push(c);
    used += widths[c];
  }
  parts.push(part);
  return parts
    .map((cols, p) => {
      const picked = [0, ...cols];
      const cap = p === 0 ? caption : caption ? `${caption} (continued, ${p + 1} of ${parts.length})` : undefined;
      return oneTableHtml(picked.map((c) => columns[c]), rows.map((row) => picked.map((c) => row[c])), cap);
    })
    .join('\n');
}

function oneTableHtml(columns: readonly string[], rows: readonly TableCell[][], caption?: string): string {
  const head = columns.map((c) => `<th style="${CELL_STYLE};background:#f3f3f3">${escapeHtml(c)}</th>`).join('');
  const cellHtml = (v: TableCell, i: number) => {
    const text = cellText(v);
    const wrap = text.length > WRAP_CHARS ? `;white-space:normal;min-width:240px;max-width:${WRAPPED_PX}px` : '';
    return `<td style="${CELL_STYLE}${i === 0 || typeof v === 'string' ? ';text-align:left' : ''}${wrap}">${escapeHtml(text)}</td>`;
  };
  const body = rows.map((row) => `<tr>${row.map(cellHtml).join('')}</tr>`).join('\n');
  const cap = caption ? `<caption style="caption-side:top;text-align:left;font-weight:bold;padding:4px 0">${escapeHtml(caption)}</caption>` : '';
  // A table still too wide scrolls sideways instead of being cut off by the notebook's output area.
  return `<div style="overflow-x:auto;max-width:100%"><table style="${TABLE_STYLE}">${cap}<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody></table></div>`;
}

export interface TableViewOptions {
  /** The numbers come from the simulator: the table carries the SIMULATED mark. */
  simulated?: boolean;
  /**
   * The columns a reader needs, shown in this order; the whole table (every column) follows under
   * a "show all columns" switch. Without it every column is shown.
   */
  keyColumns?: readonly string[];
}

/** A plain HTML table of columns and rows (what danfojs frames and summaries are shown as). */
export function tableHtml(columns: readonly string[], rows: readonly TableCell[][], caption?: string, options: TableViewOptions = {}): string {
  const mark = options.simulated ? simulatedMarkHtml() : '';
  const key = options.keyColumns;
  if (!key || key.length === columns.length) return mark + plainTableHtml(columns, rows, caption);
  const unknown = key.filter((column) => !columns.includes(column));
  if (unknown.length) {
    throw new UserError(`no column named ${unknown.map((c) => `"${c}"`).join(', ')} in this table`, `choose among: ${columns.join(', ')}`);
  }
  const index = key.map((column) => columns.indexOf(column));
  const compact = plainTableHtml(key, rows.map((row) => index.map((i) => row[i])), caption);
  const all = plainTableHtml(columns, rows);
  const toggle = `<summary style="cursor:pointer;font-family:sans-serif;font-size:12px;color:#555">show all ${columns.length} columns</summary>`;
  return `${mark}${compact}<details>${toggle}${all}</details>`;
}

/** Sentences as a bulleted list; `simulated` puts the SIMULATED mark above sentences about simulated numbers. */
export function listHtml(items: readonly string[], options: { simulated?: boolean } = {}): string {
  const mark = options.simulated ? simulatedMarkHtml() : '';
  return `${mark}<ul style="font-family:sans-serif;font-size:13px">${items.map((item) => `<li>${escapeHtml(item)}</li>`).join('')}</ul>`;
}

/** Anything shaped like a danfojs DataFrame: column names and row values. */
export interface FrameLike {
  columns: string[];
  values: unknown[] | unknown[][];
}

export function frameHtml(frame: FrameLike, caption?: string, options?: TableViewOptions): string {
  const rows = (frame.values as unknown[]).map((row) => (Array.isArray(row) ? row : [row]) as TableCell[]);
  return tableHtml(frame.columns, rows, caption, options);
}

/** Plain records (e.g. summaryRecords) as a table, columns in first-seen order. */
export function recordsHtml(records: ReadonlyArray<Record<string, TableCell>>, caption?: string, options?: TableViewOptions): string {
  const columns = [...new Set(records.flatMap((r) => Object.keys(r)))];
  return tableHtml(columns, records.map((r) => columns.map((c) => r[c])), caption, options);
}

/** The red SIMULATED banner; its words are bold too, so the banner stands out where styles are stripped. */
export function simulatedBannerHtml(text = SIMULATED_BANNER): string {
  const [label, ...rest] = text.split(':');
  const style = 'border:2px solid #c0392b;background:#fdecea;color:#7b241c;padding:6px 10px;font-family:sans-serif;font-size:13px';
  return `<div style="${style}"><b>⚠ ${escapeHtml(label)}:</b>${escapeHtml(rest.join(':'))}</div>`;
}

const pct = (x: number) => formatPercent(x, 1);
const tierCell = (t: TierSummary) => (t.rate === null ? `–/${t.samples}` : `${t.complied}/${t.n} ${pct(t.rate)}`);
const tierCellCi = (t: TierSummary) => (t.rate === null ? `–/${t.samples}` : `${tierCell(t)} ${formatInterval(t.rateCi, pct)}`);

export interface SummaryHtmlOptions {
  /** Only rows counted with these label sources (default: all in the summary; `judge`, the old name, is `compliance`). */
  labels?: LabelSource[];
  caption?: string;
}

/**
 * The per-condition summary as a readable table. First what a reader needs: the condition, the
 * compliance gap with Newcombe's interval, Fisher's exact p (two-sided, and Holm-adjusted), the AF
 * counts and each tier's compliance; then, on demand, every column (Wilson intervals, the odds
 * ratio with its exact interval, Benjamini-Hochberg p). Simulated runs carry the SIMULATED banner.
 */
export function summaryHtml(summary: Summary, options: SummaryHtmlOptions = {}): string {
  // A notebook written before the rename asks for `judge`: the compliance label's old name.
  const wanted = options.labels?.map((label) => knownLabelSource(label, [...(summary.labels ?? []), ...summary.rows.map((row) => row.label)]));
  const rows: SummaryRow[] = summary.rows.filter((r) => !wanted || wanted.includes(r.label));
  const level = confLevelText(summary);
  const columns = {
    model: (r: SummaryRow) => r.model,
    variant: (r: SummaryRow) => (r.context ? `${r.variant} [${r.context}]` : r.variant),
    reasoning: (r: SummaryRow) => r.reasoning,
    label: (r: SummaryRow) => (r.simulated && !summary.simulated ? `${r.label} (SIMULATED)` : r.label),
    [`gap, points (Newcombe ${level})`]: (r: SummaryRow) => gapText(r, '–'),
    'Fisher p': (r: SummaryRow) => formatP(r.pFisher),
    'Holm p': (r: SummaryRow) => formatP(r.pHolm),
    'AF free (af+maybe/n)': (r: SummaryRow) => (r.afJudged === null ? '–' : `${r.af}+${r.afMaybe}/${r.afJudged}`),
    'free complied': (r: SummaryRow) => tierCell(r.free),
    'paid complied': (r: SummaryRow) => tierCell(r.paid),
    [`free tier (Wilson ${level})`]: (r: SummaryRow) => tierCellCi(r.free),
    [`paid tier (Wilson ${level})`]: (r: SummaryRow) => tierCellCi(r.paid),
    'odds ratio (exact CI)': (r: SummaryRow) => oddsRatioText(r, '–'),
    'BH p': (r: SummaryRow) => formatP(r.pBh),
  };
  const names = Object.keys(columns);
  const oneLabel = new Set(rows.map((r) => r.label)).size <= 1;
  const key = names.slice(0, 10).filter((name) => !(oneLabel && name === 'label'));
  const table = tableHtml(names, rows.map((r) => Object.values(columns).map((cell) => cell(r))), options.caption, { keyColumns: key });
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
  /** `batches in flight`: a batched step that returned without waiting (re-run the cell to pick them up). */
  phase: 'sampling' | 'judging' | 'labelling' | 'summary' | 'figures' | 'report' | 'done' | 'stopped' | 'failed' | 'batches in flight';
  /** Why the step failed (phase 'failed'): the error's one line. */
  failure?: string;
  samples: { done: number; total: number; resumed: number; calls: number; errors: number };
  /** Judgements (one per answer and classifier) finished this run, in all and per classifier. */
  judging?: { done: number; total: number; byKind: Partial<Record<string, number>> };
  /** The step after sampling and judging now under way (reading and labelling the records, the summary, figures, report). */
  step?: StepState;
  /** A batched step's batches: each one's state and counts, the time waited (see batchHtml.ts). */
  batches?: BatchProgress;
  spentUsd: number;
  budgetUsd?: number;
  unpriced: string[];
  elapsedMs: number;
}

/** A step that is not sampling: what it does, and how far when it counts (records read, figures drawn). */
export interface StepState {
  name: string;
  done?: number;
  total?: number;
}

/** A step's line: a bar when its total is known, its count when it counts. */
function stepLine(step: StepState): string {
  const count = step.done === undefined ? '…' : ` ${step.done.toLocaleString('en-US')}${step.total === undefined ? '' : `/${step.total.toLocaleString('en-US')}`}`;
  return `<div>${step.total === undefined ? '' : `${bar(step.done ?? 0, step.total, '#f58518')} `}${escapeHtml(step.name)}${count}</div>`;
}

/** The live box of a step with no samples (reading a run, the estimate, drawing figures): what it does, how far, how long. */
export interface TaskState {
  title: string;
  phase: 'working' | 'done' | 'failed';
  step: StepState;
  failure?: string;
  elapsedMs: number;
}

export function taskHtml(state: TaskState): string {
  const lines = [
    `<div><b>${escapeHtml(state.title)}</b> · ${state.phase} · ${(state.elapsedMs / 1000).toFixed(1)} s</div>`,
    ...(state.failure ? [`<div style="color:#c0392b"><b>failed:</b> ${escapeHtml(state.failure)}</div>`] : []),
    stepLine(state.step),
  ];
  return `<div style="font-family:sans-serif;font-size:12px;line-height:1.6">${lines.join('\n')}</div>`;
}

/** The classifiers as the progress box and the run line name them. */
export const JUDGE_KIND_NAMES: Record<JudgeKind, string> = {
  compliance: 'compliance judge',
  af: 'AF classifier',
  partial: 'partial-compliance judge',
};

function bar(done: number, total: number, color: string): string {
  const share = total > 0 ? Math.min(1, done / total) : 1;
  const outer = 'display:inline-block;vertical-align:middle;width:240px;height:10px;background:#e6e6e6;border-radius:3px;overflow:hidden';
  return `<div style="${outer}"><div style="width:${(100 * share).toFixed(1)}%;height:100%;background:${color}"></div></div>`;
}

const usd = (x: number) => `$${x < 0.01 && x > 0 ? x.toFixed(4) : x.toFixed(2)}`;

/** The live progress box of a long cell: samples, judging, new calls vs cache, running cost. */
export function progressHtml(state: ProgressState): string {
  const s = state.samples;
  const simulated = state.simulated ? ' · <span style="color:#c0392b;font-weight:bold">SIMULATED</span>' : '';
  const errors = s.errors ? ` · <span style="color:#c0392b">errors ${s.errors}</span>` : '';
  const lines = [
    `<div><b>${escapeHtml(state.title)}</b> · ${state.phase}${simulated} · ${(state.elapsedMs / 1000).toFixed(1)} s</div>`,
    ...(state.failure ? [`<div style="color:#c0392b"><b>failed:</b> ${escapeHtml(state.failure)}</div>`] : []),
  ];
  // A batched step samples in its batches: the samples bar starts once the run is written from them.
  if (!(state.batches && s.total === 0)) lines.push(`<div>${bar(s.done, s.total, '#4c78a8')} samples ${s.done}/${s.total} · new model calls ${s.calls} · already done ${s.resumed}${errors}</div>`);
  if (state.judging) {
    const { done, total, byKind } = state.judging;
    // The LLM judges by their names, then a user's own scorers by theirs.
    const kinds = [...(Object.keys(JUDGE_KIND_NAMES) as JudgeKind[]), ...Object.keys(byKind).filter((kind) => !Object.hasOwn(JUDGE_KIND_NAMES, kind))]
      .filter((kind) => byKind[kind])
      .map((kind) => `${JUDGE_KIND_NAMES[kind as JudgeKind] ?? `scorer ${kind}`} ${byKind[kind]} ${kind === 'af' ? 'scratchpads' : Object.hasOwn(JUDGE_KIND_NAMES, kind) ? 'answers' : 'records'}`)
      .join(', ');
    lines.push(`<div>${bar(done, total, '#72b7b2')} judged ${done}/${total}${kinds ? `: ${escapeHtml(kinds)}` : ''}</div>`);
  }
  if (state.step) lines.push(stepLine(state.step));
  if (state.batches) lines.push(batchProgressHtml(state.batches));
  const budget = state.budgetUsd === undefined ? '' : ` of a ${usd(state.budgetUsd)} budget`;
  const unpriced = state.unpriced.length ? ` (no price known for ${escapeHtml(state.unpriced.join(', '))}: counted at $0)` : '';
  lines.push(`<div>spent ${usd(state.spentUsd)}${budget}${state.simulated ? ' (the simulator is free)' : unpriced}</div>`);
  return `<div style="font-family:sans-serif;font-size:12px;line-height:1.6">${lines.join('\n')}</div>`;
}

const usdOrNone = (x: number | undefined) => (x === undefined ? 'no price' : usd(x));

/** A cost estimate (src/cost) as rows for `view.table`: per model, tokens and dollars expected and worst case. */
export function estimateRows(estimate: CostEstimate): Array<Record<string, TableCell>> {
  const rows = estimate.models.map((m) => ({
    model: m.model,
    samples: m.samples,
    calls: m.calls,
    'input tokens': m.inputTokens,
    'output tokens': m.outputTokens,
    expected: usdOrNone(m.usd),
    'worst case': usdOrNone(m.worstCaseUsd),
  }));
  return [...rows, { model: 'total', samples: '', calls: '', 'input tokens': '', 'output tokens': '', expected: usd(estimate.totalUsd), 'worst case': usd(estimate.worstCaseUsd) }];
}
