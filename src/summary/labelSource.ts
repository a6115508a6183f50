// The label sources the summary counts compliance from, and which labels of a record are SIMULATED.
// Apart from build.ts so that the fact projection (fact.ts) reads records the same way, without a cycle.
import type { SampleRecord } from '../core/types.js';
import { isSimulatorSpec } from '../core/config.js';

/**
 * Where a compliance label comes from: `proxy` = <request_fully_accepted/> prefix, `heuristic` = refusal
 * phrases, `judge` = LLM judge, `setting` = the run's setting's own conventions (only when they differ from af-lab's).
 */
export type LabelSource = 'proxy' | 'heuristic' | 'judge' | 'setting';
export const LABEL_SOURCES: readonly LabelSource[] = ['proxy', 'heuristic', 'judge', 'setting'];

export type SimulatedLabelKind = 'judge' | 'af' | 'partial';
export const SIMULATED_LABEL_KINDS: readonly SimulatedLabelKind[] = ['judge', 'af', 'partial'];

/**
 * The label source a run's headline compliance is read from, in the summary, the figures and the
 * report alike: the LLM judge once any record carries its verdict, unless a simulated judge made those
 * verdicts on real samples; otherwise the prefix proxy.
 */
export function primarySource(simulatedLabels: readonly SimulatedLabelKind[], judged: boolean): 'proxy' | 'judge' {
  return judged && !simulatedLabels.includes('judge') ? 'judge' : 'proxy';
}

/** Whether the sample complied by one label source; null when that source gave no label or has not run. */
export function compliedBy(record: SampleRecord, source: LabelSource): boolean | null {
  return record.labels?.[source]?.complied ?? null;
}

/** The judge spec behind one LLM label of a record, if it has that label. */
function labelJudge(record: SampleRecord, kind: SimulatedLabelKind): string | undefined {
  return record.labels?.[kind]?.judge;
}

/**
 * Whether a record's label of this kind is simulated: the sample came from the simulator, or a
 * simulated judge (`sim/...`) made the label. Offline labels of a real sample are never simulated.
 */
export function labelSimulated(record: SampleRecord, kind: LabelSource | SimulatedLabelKind): boolean {
  if (record.simulated) return true;
  if (kind === 'proxy' || kind === 'heuristic' || kind === 'setting') return false;
  const judge = labelJudge(record, kind);
  return judge !== undefined && isSimulatorSpec(judge);
}

/** The kinds of LLM label a simulated judge put on real samples (what must be marked SIMULATED on a real run). */
export function simulatedLabelKinds(records: readonly SampleRecord[]): SimulatedLabelKind[] {
  return SIMULATED_LABEL_KINDS.filter((kind) => records.some((r) => !r.simulated && labelSimulated(r, kind)));
}
