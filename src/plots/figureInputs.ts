// From records to the tables the figures draw: the array form of FigureAccumulator
// (figureAccumulator.ts), which a streaming run feeds one record at a time. Every number goes
// through src/stats and the labels of src/label, so a figure and a summary table can never disagree.
import { buildSummary, type Summary } from '../summary/build.js';
import type { SampleRecord } from '../core/types.js';
import { FigureAccumulator, summaryGapRows, type FigureInputOptions } from './figureAccumulator.js';
import type { AfScorePoint, AgreementTable, ComplianceSource, FigureInputs, GapRow, OutcomeCounts } from './inputs.js';

export { FigureAccumulator, outcomeOf, type FigureInputOptions } from './figureAccumulator.js';
export { powerInput, typicalSamplesPerTier, type PowerOptions } from './powerInput.js';

function accumulated(records: readonly SampleRecord[]): FigureAccumulator {
  return FigureAccumulator.of(records);
}

/** The judge decides compliance once any record carries a judge verdict; before judging, the proxy. */
export function complianceSourceOf(records: SampleRecord[]): ComplianceSource {
  return accumulated(records).complianceSource();
}

/** The stacked bars, per condition and tier, in run order. */
export function outcomeCounts(records: SampleRecord[], source: ComplianceSource): OutcomeCounts[] {
  return accumulated(records).outcomeCounts(source);
}

/** The forest plot's rows: the run summary's rows for this label source, so figure and summary.csv agree. */
export function gapRows(records: SampleRecord[], source: ComplianceSource, summary: Summary = buildSummary(records)): GapRow[] {
  return summaryGapRows(summary, source);
}

/** Proxy versus judge per model; proxy versus the refusal heuristic when the run has no judge labels yet. */
export function agreementTables(records: SampleRecord[], source: ComplianceSource): AgreementTable[] {
  return accumulated(records).agreementTables(source);
}

/** The AF vote shares of the scored scratchpads, identical points merged (`count`) in first-seen order. */
export function afScorePoints(records: SampleRecord[]): AfScorePoint[] {
  return accumulated(records).afScorePoints();
}

export function figureInputs(records: SampleRecord[], options: FigureInputOptions = {}): FigureInputs {
  // One summary for the forest plot and the mitigation figure (the caller's, when it built one).
  return accumulated(records).inputs({ ...options, summary: options.summary ?? buildSummary(records) });
}
