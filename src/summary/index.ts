// af-lab run summary. Contract:
// - buildSummary(records, { confLevel = 0.95 }) -> Summary: one row per model x variant x reasoning x label
//   source (`label` column: proxy | heuristic | judge, judge only when the run has judge labels), with per
//   tier n / complied / rate + Wilson CI, gap + Newcombe CI, Fisher p (two-sided and free-greater),
//   conditional-MLE odds ratio + exact CI, sample OR, Holm and BH adjusted p (family = the run's rows of
//   one label source), error/truncated/failed counts per tier, free-tier AF counts for CoT rows, and
//   `simulated`. Never reads record.truth; null labels are not counted in n.
// - SummaryAccumulator: add(record) one at a time, summary(options): the same Summary in memory constant
//   in the number of records (buildSummary is this accumulator fed an array).
// - summaryFrame(summary): danfojs DataFrame with SUMMARY_COLUMNS (danfojs loaded on first call).
// - formatSummary(summary): terminal table with a SIMULATED banner; summaryMarkdown(summary): Markdown.
// - writeSummary(runDir, summary): writes summary.csv and summary.md atomically.
export { buildSummary, compliedBy, LABEL_SOURCES, SummaryAccumulator } from './build.js';
export type { Summary, SummaryRow, TierSummary, LabelSource, SummaryOptions } from './build.js';
export { summaryFrame, summaryRecords, summaryCsv, formatSummary, primaryLabel, summaryMarkdown, writeSummary, confLevelText, gapText, oddsRatioText, SUMMARY_COLUMNS, SIMULATED_BANNER } from './table.js';
export type { SummaryRecord } from './table.js';
