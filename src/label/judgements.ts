// Judgements live beside the records in <runDir>/judgements.jsonl, one appended line per record key ×
// scorer × judge × prompt hash (or scorer file hash); records.jsonl is never rewritten. Reading a line
// checks it (schema.ts) and maps the names of older runs to today's (the compliance scorer was `judge`).
import { join } from 'node:path';
import type { SampledRecord } from '../core/types.js';
import { appendJsonLine, jsonLines } from '../core/files.js';
import { repairFix } from '../core/runStore.js';
import { currentNames, judgementLineSchema } from './schema.js';
import type { Judgement } from './types.js';

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
export function* judgementEntries(runDir: string, { repair = false } = {}): Generator<{ value: Judgement; line: number; offset: number }> {
  for (const entry of jsonLines<Judgement>(judgementsPath(runDir), { repair, check: { schema: judgementLineSchema, what: 'judgement', fix: repairFix(runDir) } })) {
    yield { ...entry, value: currentNames(entry.value) };
  }
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

