// Notebook helpers for statements of duty (notebooks 03 and 04): a run's mitigation table, and
// Koorndijk's published A/B/D effects recomputed from the counts in data/published/.
import { escapeHtml } from '../core/safeJson.js';
import { UserError } from '../core/errors.js';
import { openRun } from '../pipeline/openRun.js';
import { describeGapChange, loadPublishedCounts, mitigationEffect, type MitigationEffect, type PublishedCounts, type TierCounts } from '../stats/index.js';
import { comparisonCells, primaryLabel, type LabelSource, type MitigationRow, type Summary } from '../summary/index.js';
import { simulatedBannerHtml, tableHtml } from './html.js';
import type { NotebookView } from './view.js';

export interface MitigationView {
  /** The label source shown (default: the judge once it labelled anything, else the proxy). */
  label: LabelSource;
  simulated: boolean;
  /** Every statement against its baseline for that label source. */
  rows: MitigationRow<LabelSource>[];
  /** Banner (when simulated), table and one sentence per statement, ready for `view.html`. */
  html: string;
}

function sentencesHtml(items: Array<{ title: string; sentence: string }>): string {
  return `<ul style="font-family:sans-serif;font-size:13px">${items.map((i) => `<li><b>${escapeHtml(i.title)}</b>: ${escapeHtml(i.sentence)}</li>`).join('')}</ul>`;
}

/** The mitigation table of a summary already in hand (e.g. `runStep(...)`'s result.summary). */
export function mitigationView(summary: Summary, label: LabelSource = primaryLabel(summary)): MitigationView {
  const rows = summary.mitigation.filter((row) => row.label === label);
  const { titles, cells } = comparisonCells(rows, summary.confLevel);
  const table = tableHtml(['model', 'reasoning', 'statement', ...titles], rows.map((row, i) => [row.model, row.reasoning, row.statement, ...cells[i]]), `Statements against their baseline (same model and reasoning), ${label} labels`);
  const sentences = sentencesHtml(rows.map((row) => ({ title: `${row.model} · ${row.reasoning} · ${row.statement}`, sentence: row.sentence })));
  const empty = rows.length === 0 ? '<p>No statement was run beside a baseline of the same model and reasoning.</p>' : '';
  return { label, simulated: summary.simulated, rows, html: `${summary.simulated ? simulatedBannerHtml() : ''}${empty || `${table}${sentences}`}` };
}

/** The mitigation table of a run folder (labels attached as in every summary). */
export function mitigationTable(runDir: string, options: { label?: LabelSource; confLevel?: number; view?: Pick<NotebookView, 'task'> } = {}): MitigationView {
  // With a view, a box counts the records as they are read (a big run takes a while).
  const task = options.view?.task('mitigation table');
  const summary = openRun(runDir, task ? { onRecord: task.onRecord(`reading ${runDir}`), every: 1_000 } : {}).summary({ confLevel: options.confLevel });
  task?.finish();
  return mitigationView(summary, options.label);
}

/** Koorndijk 2025's statements and the baseline each was added to (the paper's table). */
export const PUBLISHED_STATEMENTS = [
  { statement: 'Prompt A', baseline: 'Baseline 1', variant: 'koorndijk-a' },
  { statement: 'Prompt B', baseline: 'Baseline 1', variant: 'koorndijk-b' },
  { statement: 'Prompt D', baseline: 'Baseline 2', variant: 'koorndijk-d' },
] as const;

export interface PublishedMitigation {
  /** The paper's condition names, e.g. "Prompt A (deontological; simple)" and "Baseline 1". */
  statement: string;
  baseline: string;
  /** af-lab's variant in its own words for this statement. */
  variant: string;
  model: string;
  source: string;
  counts: { baseline: TierCounts; statement: TierCounts };
  effect: MitigationEffect;
  sentence: string;
}

/**
 * Koorndijk's A and B against baseline 1 and D against baseline 2, recomputed from the published
 * counts: each tier's change, the gap's change and the tests of it (no per-request data was
 * published, so no paired analysis).
 */
export function publishedMitigation(rows: PublishedCounts[] = loadPublishedCounts()): PublishedMitigation[] {
  const find = (prefix: string) => {
    const row = rows.find((r) => r.condition.startsWith(prefix));
    if (!row) throw new UserError(`the published counts have no "${prefix}" condition`, 'restore data/published/koorndijk2025-llama3-8b.csv from the repository');
    return row;
  };
  return PUBLISHED_STATEMENTS.map(({ statement, baseline, variant }) => {
    const s = find(statement);
    const b = find(baseline);
    const counts = { baseline: { free: b.free, paid: b.paid }, statement: { free: s.free, paid: s.paid } };
    const effect = mitigationEffect(counts);
    return { statement: s.condition, baseline: b.condition, variant, model: s.model, source: s.source, counts, effect, sentence: describeGapChange(effect) };
  });
}

/** The published comparisons as a table and one sentence each, ready for `view.html`. */
export function publishedMitigationHtml(published: PublishedMitigation[] = publishedMitigation()): string {
  const { titles, cells } = comparisonCells(published, published[0]?.effect.confLevel ?? 0.95);
  const table = tableHtml(['statement', 'against', ...titles], published.map((p, i) => [p.statement, p.baseline, ...cells[i]]), `Koorndijk 2025 (${published[0]?.model ?? ''}), recomputed from the published counts`);
  return `${table}${sentencesHtml(published.map((p) => ({ title: `${p.statement} vs ${p.baseline}`, sentence: p.sentence })))}`;
}
