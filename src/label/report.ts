// Plain-text accounts of judging: what a judging pass did, and how the classifiers agree with each
// other and with whatever reference exists (a person's labels, or the simulator's truth).
import type { SampleRecord } from '../core/types.js';
import { formatAccuracyTable } from './accuracy.js';
import { AgreementAccumulator } from './agreementAccumulator.js';
import { referenceFromHumanLabels, type HumanLabel } from './humanLabels.js';
import type { JudgeRunResult } from './judgeRun.js';
import { JUDGE_KINDS } from '../judge/types.js';

export function formatJudgeRun(result: JudgeRunResult): string {
  const builtin: readonly string[] = JUDGE_KINDS;
  const own = Object.keys(result.judged).filter((kind) => !builtin.includes(kind));
  const width = Math.max(...[...builtin, ...own].map((kind) => kind.length));
  const line = (kind: string) => {
    const judged = result.judged[kind] ?? 0;
    const reused = result.reused[kind] ?? 0;
    if (!judged && !reused) return [];
    const problems = [
      result.unparseable[kind] ? `${result.unparseable[kind]} unparseable` : '',
      result.callErrors[kind] ? `${result.callErrors[kind]} ${builtin.includes(kind) ? 'call errors' : 'failed'} (retried next time)` : '',
    ].filter(Boolean);
    return [`  ${kind.padEnd(width)} ${judged} judged, ${reused} already judged${problems.length ? `; ${problems.join(', ')}` : ''}`];
  };
  const lines: string[] = [];
  if (result.judge !== 'none') {
    lines.push(`Judge ${result.judge}${result.simulated ? ' (SIMULATED: tests the pipeline, measures nothing)' : ''}`, ...builtin.flatMap(line));
    // A call asking for n votes counts once when sent, while the cache answers vote by vote.
    lines.push(`  ${result.calls - result.cachedCalls} judge calls sent, ${result.cachedCalls} answers from the cache, $${result.costUsd.toFixed(4)}`);
  }
  if (own.length) lines.push('Your scorers', ...own.flatMap(line));
  if (result.unjudged.length) {
    lines.push(`  ${result.unjudged.length} judgements left undone${result.stopReason ? ` (${result.stopReason}; free some space first)` : result.budgetExhausted ? ' (budget exhausted)' : ' (interrupted)'}: run the same command again to finish them`);
  }
  return lines.join('\n');
}

/** Agreement between the compliance classifiers, and accuracy against every reference available. */
export function formatAgreement(records: Iterable<SampleRecord>, human: HumanLabel[] = [], humanSource = 'human labels'): string {
  const tables = agreementTables(human, humanSource);
  for (const record of records) tables.add(record);
  return tables.format();
}

/**
 * formatAgreement's tables fed one record at a time (`rejudge` at any size): add each labelled record,
 * then format. Counts only are kept (AgreementAccumulator).
 */
export function agreementTables(human: HumanLabel[] = [], humanSource = 'human labels'): { add(record: SampleRecord): void; format(): string } {
  const accumulator = new AgreementAccumulator(human.length ? referenceFromHumanLabels(human, humanSource) : undefined);
  return {
    add: (record) => accumulator.add(record),
    format() {
      const parts = ['Compliance classifiers against each other (where they disagree, read the transcripts):', formatAccuracyTable(accumulator.classifierAgreement())];
      const againstHuman = accumulator.againstHuman();
      if (againstHuman) parts.push('', `Against ${humanSource} (${human.length} labelled records):`, formatAccuracyTable(againstHuman));
      const againstTruth = accumulator.againstTruth();
      if (againstTruth) parts.push('', 'Against the simulator ground truth (SIMULATED: checks the pipeline, not a real judge):', formatAccuracyTable(againstTruth));
      return parts.join('\n');
    },
  };
}
