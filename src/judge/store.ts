// Judgements live beside the records in <runDir>/judgements.jsonl, one appended line per record key ×
// kind × judge × prompt hash; records.jsonl is never rewritten. Labels are merged onto records when read.
import { join } from 'node:path';
import type { AfLabel, JudgeLabel, Labels, PartialLabel, SampledRecord, SampleRecord } from '../core/types.js';
import { conventionsDiffer, offlineLabels, settingComplied } from '../classify/index.js';
import { firstOutput } from '../run/extract.js';
import { transcriptOf } from './transcript.js';
import { appendJsonLine, jsonLines } from '../core/files.js';
import { UserError } from '../core/errors.js';
import { repairFix } from '../core/runStore.js';
import { judgementLineSchema } from './schema.js';
import { aggregateAfVotes } from './afVotes.js';
import type { AfThresholds, Judgement, JudgeKind } from './types.js';

export const JUDGEMENTS_FILE = 'judgements.jsonl';

export function judgementsPath(runDir: string): string {
  return join(runDir, JUDGEMENTS_FILE);
}

export function readJudgements(runDir: string, { repair = false } = {}): Judgement[] {
  return [...judgementLines(runDir, { repair })];
}

/** The lines of judgements.jsonl one at a time (checked as readJudgements checks them), for runs too big to hold. */
export function* judgementLines(runDir: string, { repair = false } = {}): Generator<Judgement> {
  for (const { value } of judgementEntries(runDir, { repair })) yield value;
}

/** judgementLines with the byte offset where each line starts (what JudgementIndex keeps). */
export function judgementEntries(runDir: string, { repair = false } = {}): Generator<{ value: Judgement; line: number; offset: number }> {
  return jsonLines<Judgement>(judgementsPath(runDir), { repair, check: { schema: judgementLineSchema, what: 'judgement', fix: repairFix(runDir) } });
}

export function appendJudgement(runDir: string, judgement: Judgement): void {
  appendJsonLine(judgementsPath(runDir), judgement);
}

/**
 * True when a judgement was made before its record finished: it judged an earlier record of the same
 * sample (an error that a resumed run sampled again), so it does not label this one.
 */
export function judgedBefore(judgedAt: string, record: Pick<SampledRecord, 'finishedAt'>): boolean {
  return judgedAt < record.finishedAt;
}

/** The judge spec of the most recently written judgement, or undefined when there is none. */
export function latestJudge(judgements: Judgement[]): string | undefined {
  return judgements[judgements.length - 1]?.judge;
}

export function listJudges(judgements: readonly Judgement[]): string[] {
  return [...new Set(judgements.map((j) => j.judge))];
}

export interface SelectOptions {
  /**
   * Judge spec for every kind, or per kind (`{ judge: 'openai/gpt-4o' }`); a kind left out takes the
   * judge of the latest judgement of that kind in the file.
   */
  judge?: string | Partial<Record<JudgeKind, string>>;
  /** Only judgements made with these prompt hashes (per kind); default: the latest per record. */
  promptHash?: Partial<Record<JudgeKind, string>>;
}

/** Per kind, the judge of the most recent judgement of that kind. */
export function latestJudgeByKind(judgements: readonly Judgement[]): Partial<Record<JudgeKind, string>> {
  const latest: Partial<Record<JudgeKind, string>> = {};
  for (const line of judgements) latest[line.kind] = line.judge;
  return latest;
}

/**
 * One judgement per record key and kind for one judge: the latest line wins, except that a failed
 * call (callError) never hides a judgement that was completed.
 */
export function selectJudgements(judgements: readonly Judgement[], options: SelectOptions = {}): Map<string, Partial<Record<JudgeKind, Judgement>>> {
  const judgeFor: Partial<Record<JudgeKind, string>> =
    typeof options.judge === 'string' ? { judge: options.judge, af: options.judge, partial: options.judge } : { ...latestJudgeByKind(judgements), ...options.judge };
  const chosen = new Map<string, Partial<Record<JudgeKind, Judgement>>>();
  for (const line of judgements) {
    if (line.judge !== judgeFor[line.kind]) continue;
    const wanted = options.promptHash?.[line.kind];
    if (wanted && line.promptHash !== wanted) continue;
    const byKind = chosen.get(line.key) ?? {};
    selectInto(byKind, line);
    chosen.set(line.key, byKind);
  }
  return chosen;
}

/** One step of selectJudgements: a later line replaces the earlier one, except that a failed call never hides a completed judgement. */
export function selectInto(byKind: Partial<Record<JudgeKind, Judgement>>, line: Judgement): void {
  const before = byKind[line.kind];
  if (before && !before.callError && line.callError) return;
  byKind[line.kind] = line;
}

export interface AttachOptions extends SelectOptions {
  /** Re-label AF vote shares with these thresholds (no new calls needed). */
  afThresholds?: AfThresholds;
  /** The run's judgements when already in memory (judgeRun returns them): judgements.jsonl is then not read again. */
  judgements?: readonly Judgement[];
}

/**
 * The labelling stage, offline and LLM labels alike: every record gets the proxy and heuristic labels
 * computed from its transcript now, and labels.judge / labels.af / labels.partial from one judge's
 * judgements (default: for each kind, the judge that judged that kind most recently). Labels already
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

export function attachSelected(records: readonly SampledRecord[], chosen: Map<string, Partial<Record<JudgeKind, Judgement>>>, afThresholds?: AfThresholds): SampleRecord[] {
  return records.map((record) => labelRecord(record, chosen.get(record.key) ?? {}, afThresholds));
}

/** One record of attachSelected: its offline labels, and the judgements chosen for it that were made after it finished. */
export function labelRecord(record: SampledRecord, byKind: Partial<Record<JudgeKind, Judgement>>, afThresholds?: AfThresholds): SampleRecord {
  const labels: Labels = offlineLabels(transcriptOf(record));
  if (record.setting && conventionsDiffer(record.setting)) labels.setting = { complied: settingComplied(settingAnswer(record), record.setting.scoring), setting: record.setting.name };
  const current = (line: Judgement | undefined) => (line && !judgedBefore(line.judgedAt, record) ? line : undefined);
  if (current(byKind.judge)) labels.judge = byKind.judge!.label as JudgeLabel;
  if (current(byKind.af)) labels.af = relabelAf(byKind.af!.label as AfLabel, afThresholds);
  if (current(byKind.partial)) labels.partial = byKind.partial!.label as PartialLabel;
  return { ...record, labels };
}

function relabelAf(label: AfLabel, thresholds?: AfThresholds): AfLabel {
  if (!thresholds) return label;
  const { score, label: verdict } = aggregateAfVotes(label.votes, thresholds);
  return { ...label, score, label: verdict, thresholds };
}

/**
 * The answer as the record's setting reads it: af-lab's final output, or (block `first`, Redwood's
 * notebook) the first answer block anywhere in the last turn. Reads the visible turns only.
 */
export function settingAnswer(record: Pick<SampledRecord, 'setting' | 'turns' | 'finalOutput' | 'status'>): string | null {
  if (record.status !== 'answered') return null;
  if (record.setting?.answer.block !== 'first') return record.finalOutput;
  const last = record.turns[record.turns.length - 1]?.text ?? '';
  return firstOutput(last, record.setting.answer) ?? record.finalOutput;
}
