// af-lab run summary. Contract:
// - buildSummary(records, { confLevel = 0.95 }) -> Summary: one row per model x variant x reasoning x label
//   source (`label` column: proxy | heuristic | compliance, compliance only when the run has judge labels), with per
//   tier n / complied / rate + Wilson CI, gap + Newcombe CI, Fisher p (two-sided and free-greater),
//   conditional-MLE odds ratio + exact CI, sample OR, Holm and BH adjusted p (family = the run's rows of
//   one label source), error/truncated/failed counts per tier, free-tier AF counts for CoT rows, and
//   `simulated`. Never reads record.truth; null labels are not counted in n.
// - new SummaryAccumulator(): add(record) one at a time, count, distinctFacts, summary(options) -> the same
//   Summary as buildSummary on the records added so far (buildSummary is exactly that). Holds one count per
//   distinct fact (fact.ts: what the summary reads of a record), never the records.
// - summaryFrame(summary): danfojs DataFrame with SUMMARY_COLUMNS (danfojs loaded on first call).
// - formatSummary(summary): terminal table with a SIMULATED banner; summaryMarkdown(summary): Markdown.
// - writeSummary(runDir, summary): writes summary.csv, summary.md and mitigation.csv atomically.
// - summary.mitigation: every statement against its baseline (mitigation.ts), in summary.md, the terminal and mitigation.csv.
export { buildSummary, SummaryAccumulator, compliedBy, knownLabelSource, labelSimulated, labelSourceName, primarySource, simulatedLabelKinds, LABEL_SOURCES, SIMULATED_LABEL_KINDS } from './build.js';
export type { Summary, SummaryRow, TierSummary, LabelSource, SummaryOptions, SimulatedLabelKind, ScoreRow } from './build.js';
export { summaryFrame, summaryRecords, summaryCsv, formatSummary, primaryLabel, primarySourceNote, simulatedLabelsNote, summaryMarkdown, writeSummary, confLevelText, gapText, oddsRatioText, SUMMARY_COLUMNS, SIMULATED_BANNER } from './table.js';
export { formatScores, scoresMarkdown, scoresCsv, SCORE_COLUMNS } from './scores.js';
export type { SummaryRecord } from './table.js';
export { variantConditions, SHORT_HASH, UNHASHED } from './variantCondition.js';
export { buildMitigation, mitigationOf, replicateLine, BASELINE_VARIANT } from './mitigation.js';
export type { MitigationRow, MitigationTableOptions, MitigationItem, Weighted } from './mitigation.js';
export type { SummaryFact } from './fact.js';
export { mitigationRecords, mitigationCsv, mitigationMarkdown, formatMitigation, comparisonCells, MITIGATION_COLUMNS } from './mitigationTable.js';
export type { MitigationRecord, Comparison } from './mitigationTable.js';
export { AblationAccumulator, ablationCsv, ablationMarkdown, describeAblationEffect, describeWordingSpread, ABLATION_COLUMNS, ABLATION_ALPHA } from './ablation.js';
export type { AblationEffect, AblationResult, WordingSpread } from './ablation.js';
