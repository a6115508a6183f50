// The labelling stage, offline and stored labels alike: every registered offline scorer (proxy,
// heuristic, setting) labels the record now, from its transcript; the stored scorers (the LLM judges,
// a user's own) label it from their judgements in judgements.jsonl.
import type { SampledRecord, SampleRecord } from '../core/types.js';
import { UserError } from '../core/errors.js';
import { judgedBefore, judgementsPath, listJudges, readJudgements } from './judgements.js';
import { selectJudgements, type RecordJudgements, type SelectOptions } from './select.js';
import { applyJudgement, offlineLabelsOf } from './scorers.js';
import { JUDGE_KINDS, type AfThresholds } from '../judge/types.js';
import type { Judgement } from './types.js';

export interface AttachOptions extends SelectOptions {
  /** Re-label AF vote shares with these thresholds (no new calls needed). */
  afThresholds?: AfThresholds;
  /** The run's judgements when already in memory (judgeRun returns them): judgements.jsonl is then not read again. */
  judgements?: readonly Judgement[];
}

/**
 * The labelling stage, offline and stored labels alike: every record gets the offline scorers' labels
 * computed from its transcript now, and each stored scorer's from one judge's judgements (default: for
 * each scorer, the judge that judged with it most recently). Labels already
 * on the records (older runs stored the offline ones) are replaced; records the judge did not judge
 * keep no judge label. Returns new objects; the inputs are not changed.
 */
export function labelRecords(records: readonly SampledRecord[], runDir: string, options: AttachOptions = {}): SampleRecord[] {
  const judgements = options.judgements ?? readJudgements(runDir);
  const asked = typeof options.judge === 'string' ? [options.judge] : Object.values(options.judge ?? {});
  for (const judge of asked) {
    if (judge && judgements.length && !judgements.some((j) => j.judge === judge)) {
      throw new UserError(`no judgements by "${judge}" in ${judgementsPath(runDir)}`, `judge the run first (af-lab rejudge ${runDir} --judge ${judge}) or pick one of: ${listJudges(judgements).join(', ')}`);
    }
  }
  return attachSelected(records, selectJudgements(judgements, options), options.afThresholds);
}

export function attachSelected(records: readonly SampledRecord[], chosen: Map<string, RecordJudgements>, afThresholds?: AfThresholds): SampleRecord[] {
  return records.map((record) => labelRecord(record, chosen.get(record.key) ?? {}, afThresholds));
}

/** One record of attachSelected: its offline labels, and the judgements chosen for it that were made after it finished. */
export function labelRecord(record: SampledRecord, byKind: RecordJudgements, afThresholds?: AfThresholds): SampleRecord {
  const labels = offlineLabelsOf(record);
  for (const kind of kindsInOrder(byKind)) {
    const line = byKind[kind];
    if (line && !judgedBefore(line.judgedAt, record)) applyJudgement(labels, line, afThresholds);
  }
  return { ...record, labels };
}

/** The LLM judges' kinds in their order (compliance, af, partial), then user scorers' by name: labels keep one key order. */
function kindsInOrder(byKind: RecordJudgements): string[] {
  const builtin: readonly string[] = JUDGE_KINDS;
  return [...builtin.filter((kind) => kind in byKind), ...Object.keys(byKind).filter((kind) => !builtin.includes(kind)).sort()];
}
