// The label sources the summary counts compliance from, and which labels of a record are SIMULATED.
// Apart from build.ts so that the fact projection (fact.ts) reads records the same way, without a cycle.
import type { SampleRecord } from '../core/types.js';
import { isSimulatorSpec } from '../core/config.js';
import { UserError } from '../core/errors.js';

/** af-lab's own compliance label sources (see LabelSource). */
export type BuiltinLabelSource = 'proxy' | 'heuristic' | 'compliance' | 'setting';

/**
 * Where a yes/no label comes from: `proxy` = <request_fully_accepted/> prefix, `heuristic` = refusal
 * phrases, `compliance` = LLM compliance judge, `setting` = the run's setting's own conventions (only when
 * they differ from af-lab's), or a user scorer's name (its yes/no values: labels.scores, label/userScorer.ts).
 */
export type LabelSource = BuiltinLabelSource | (string & {});
export const LABEL_SOURCES: readonly BuiltinLabelSource[] = ['proxy', 'heuristic', 'compliance', 'setting'];

/** The compliance label's name before the label stage had scorers (summary rows, `labels.compliance`): read as `compliance`. */
export const OLD_COMPLIANCE_NAME = 'judge';

/** A label source as given by a user or an older file: the old name `judge` is `compliance`; any other name is itself. */
export function labelSourceName(source: string): LabelSource {
  return source === OLD_COMPLIANCE_NAME ? 'compliance' : source;
}

const BUILTIN: ReadonlySet<string> = new Set(LABEL_SOURCES);

/**
 * A label source a user names for a summary (`labelSourceName`), checked against af-lab's own sources
 * and the ones the summary counted (`known`: its user scorers): a misspelt name is a UserError, not an
 * empty table.
 */
export function knownLabelSource(source: string, known: Iterable<string>): LabelSource {
  const name = labelSourceName(source);
  const names = new Set([...LABEL_SOURCES, ...known]);
  if (names.has(name)) return name;
  throw new UserError(`unknown label source "${source}"`, `name one of ${[...names].join(', ')} ("judge" in older notebooks is "compliance")`);
}

/** True for af-lab's own label sources, false for a user scorer's name. */
export function isBuiltinSource(source: LabelSource): source is BuiltinLabelSource {
  return BUILTIN.has(source);
}

export type SimulatedLabelKind = 'compliance' | 'af' | 'partial';
export const SIMULATED_LABEL_KINDS: readonly SimulatedLabelKind[] = ['compliance', 'af', 'partial'];

/**
 * The label source a run's headline compliance is read from, in the summary, the figures and the
 * report alike: the LLM judge once any record carries its verdict, unless a simulated judge made those
 * verdicts on real samples; otherwise the prefix proxy.
 */
export function primarySource(simulatedLabels: readonly SimulatedLabelKind[], judged: boolean): 'proxy' | 'compliance' {
  return judged && !simulatedLabels.includes('compliance') ? 'compliance' : 'proxy';
}

/** Whether the sample complied by one label source; null when that source gave no label or has not run. */
export function compliedBy(record: SampleRecord, source: LabelSource): boolean | null {
  const name = labelSourceName(source);
  if (isBuiltinSource(name)) return record.labels?.[name]?.complied ?? null;
  const value = record.labels?.scores?.[name]?.value;
  return typeof value === 'boolean' ? value : null;
}

/** The user scorers whose yes/no values a record carries, by name (they are label sources like compliance). */
export function booleanScorers(record: SampleRecord): string[] {
  const scores = record.labels?.scores;
  return scores ? Object.keys(scores).filter((name) => typeof scores[name].value === 'boolean') : [];
}

/** The judge spec behind one LLM label of a record, if it has that label. */
function labelJudge(record: SampleRecord, kind: SimulatedLabelKind): string | undefined {
  return record.labels?.[kind]?.judge;
}

/**
 * Whether a record's label of this kind is simulated: the sample came from the simulator, or a
 * simulated judge (`sim/...`) made the label. Offline labels of a real sample are never simulated.
 */
export function labelSimulated(record: SampleRecord, source: LabelSource | SimulatedLabelKind): boolean {
  if (record.simulated) return true;
  // An older notebook's `judge` is the compliance label: its sim/judge labels must read as simulated.
  const kind = labelSourceName(source);
  if (kind === 'proxy' || kind === 'heuristic' || kind === 'setting') return false;
  // A user scorer's label is the user's code on the transcript: simulated only with the sample.
  if (kind !== 'compliance' && kind !== 'af' && kind !== 'partial') return false;
  const judge = labelJudge(record, kind as SimulatedLabelKind);
  return judge !== undefined && isSimulatorSpec(judge);
}

/** The kinds of LLM label a simulated judge put on real samples (what must be marked SIMULATED on a real run). */
export function simulatedLabelKinds(records: readonly SampleRecord[]): SimulatedLabelKind[] {
  return SIMULATED_LABEL_KINDS.filter((kind) => records.some((r) => !r.simulated && labelSimulated(r, kind)));
}
