// Notebook helpers for statements of duty (notebooks 03 and 04): a run's mitigation table, and
// Koorndijk's published A/B/D effects recomputed from the counts in data/published/. Each returns
// rows and sentences; the cell draws them (`view.table`, `view.list`).
import { UserError } from '../core/errors.js';
import { describeGapChange, loadPublishedCounts, mitigationEffect, type MitigationEffect, type PublishedCounts, type TierCounts } from '../stats/index.js';
import { comparisonCells, knownLabelSource, primaryLabel, type Comparison, type LabelSource, type MitigationRow, type Summary } from '../summary/index.js';
import type { TableCell } from './html.js';

/** A table for `view.table` and the sentences beside it, for `view.list`: data, not HTML. */
export interface NotebookTable {
  caption: string;
  /** One plain record per row, columns in order. */
  rows: Array<Record<string, TableCell>>;
  /** One sentence per row (what the row says, in words). */
  sentences: string[];
  simulated: boolean;
}

export interface MitigationTable extends NotebookTable {
  /** The label source shown (default: the judge once it labelled anything, else the proxy). */
  label: LabelSource;
  /** Every statement against its baseline for that label source. */
  comparisons: MitigationRow<LabelSource>[];
}

function comparisonRecords(keys: Array<Record<string, TableCell>>, rows: readonly Comparison[], confLevel: number): Array<Record<string, TableCell>> {
  const { titles, cells } = comparisonCells(rows, confLevel);
  return keys.map((key, i) => ({ ...key, ...Object.fromEntries(titles.map((title, j) => [title, cells[i][j]])) }));
}

/**
 * The mitigation table of a summary (`runStep(...)`'s result.summary, or `openRun(dir).summary()`):
 * every statement against the baseline of the same model and reasoning, for one label source.
 */
export function mitigationTable(summary: Summary, source: LabelSource = primaryLabel(summary)): MitigationTable {
  // A notebook written before the rename asks for `judge`: the compliance label's old name.
  const label = knownLabelSource(source, [...(summary.labels ?? []), ...summary.rows.map((row) => row.label)]);
  const comparisons = summary.mitigation.filter((row) => row.label === label);
  const rows = comparisonRecords(comparisons.map((row) => ({ model: row.model, reasoning: row.reasoning, statement: row.statement })), comparisons, summary.confLevel);
  const sentences = comparisons.length
    ? comparisons.map((row) => `${row.model} · ${row.reasoning} · ${row.statement}: ${row.sentence}`)
    : ['No statement was run beside a baseline of the same model and reasoning.'];
  const caption = `Statements against their baseline (same model and reasoning), ${label} labels`;
  return { caption, rows, sentences, simulated: summary.simulated, label, comparisons };
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

/** The published comparisons as a table and one sentence each (not simulated: the papers' counts). */
export function publishedMitigationTable(published: PublishedMitigation[] = publishedMitigation()): NotebookTable {
  const rows = comparisonRecords(published.map((p) => ({ statement: p.statement, against: p.baseline })), published, published[0]?.effect.confLevel ?? 0.95);
  const sentences = published.map((p) => `${p.statement} vs ${p.baseline}: ${p.sentence}`);
  return { caption: `Koorndijk 2025 (${published[0]?.model ?? ''}), recomputed from the published counts`, rows, sentences, simulated: false };
}
