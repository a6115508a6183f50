// Which judgement labels a record: per record key and scorer, one judge's latest line, except that a
// failed call never hides a completed judgement.
import { JUDGE_KINDS } from '../judge/types.js';
import type { Judgement } from './types.js';

/** Per scorer name (`compliance`, `af`, `partial`, a user scorer's name), one judgement. */
export type RecordJudgements = Partial<Record<string, Judgement>>;

export interface SelectOptions {
  /**
   * Judge spec for every kind, or per kind (`{ judge: 'openai/gpt-4o' }`); a kind left out takes the
   * judge of the latest judgement of that kind in the file.
   */
  judge?: string | Partial<Record<string, string>>;
  /** Only judgements made with these prompt hashes (per kind); default: the latest per record. */
  promptHash?: Partial<Record<string, string>>;
}

/**
 * Per scorer, the judge whose judgements label the records: a judge spec given as a string picks the
 * LLM judges' (a user scorer keeps its own), a map picks per scorer; the rest take the latest line's.
 */
export function judgeForKinds(latest: Partial<Record<string, string>>, judge: SelectOptions['judge']): Partial<Record<string, string>> {
  if (typeof judge === 'string') return { ...latest, ...Object.fromEntries(JUDGE_KINDS.map((kind) => [kind, judge])) };
  return { ...latest, ...currentKeys(judge ?? {}) };
}

/** A map by scorer under today's names: the key `judge` (the compliance judge's older name) is `compliance`. */
export function currentKeys<V>(byKind: Partial<Record<string, V>>): Partial<Record<string, V>> {
  if (!('judge' in byKind)) return byKind;
  const { judge, ...rest } = byKind;
  return { compliance: judge, ...rest };
}

/** Per kind, the judge of the most recent judgement of that kind. */
export function latestJudgeByKind(judgements: readonly Judgement[]): Partial<Record<string, string>> {
  const latest: Partial<Record<string, string>> = {};
  for (const line of judgements) latest[line.kind] = line.judge;
  return latest;
}

/**
 * One judgement per record key and kind for one judge: the latest line wins, except that a failed
 * call (callError) never hides a judgement that was completed.
 */
export function selectJudgements(judgements: readonly Judgement[], options: SelectOptions = {}): Map<string, RecordJudgements> {
  const judgeFor = judgeForKinds(latestJudgeByKind(judgements), options.judge);
  const promptHash = options.promptHash && currentKeys(options.promptHash);
  const chosen = new Map<string, RecordJudgements>();
  for (const line of judgements) {
    if (line.judge !== judgeFor[line.kind]) continue;
    const wanted = promptHash?.[line.kind];
    if (wanted && line.promptHash !== wanted) continue;
    const byKind = chosen.get(line.key) ?? {};
    selectInto(byKind, line);
    chosen.set(line.key, byKind);
  }
  return chosen;
}

/** One step of selectJudgements: a later line replaces the earlier one, except that a failed call never hides a completed judgement. */
export function selectInto(byKind: RecordJudgements, line: Judgement): void {
  const before = byKind[line.kind];
  if (before && !before.callError && line.callError) return;
  byKind[line.kind] = line;
}

