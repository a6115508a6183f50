// The shape of a judgements.jsonl line as readers rely on it, checked when the file is read. Older runs
// named the compliance judge's kind `judge`: such a line is read as `compliance`.
import { z } from 'zod';

/** A scorer's name as stored: letters, digits, `_` and `-`, starting with a letter. */
export const SCORER_NAME = /^[A-Za-z][A-Za-z0-9_-]*$/;

export const judgementLineSchema = z.looseObject({
  schema: z.literal(1),
  key: z.string().min(1),
  kind: z.string().regex(SCORER_NAME),
  judge: z.string(),
  promptHash: z.string(),
  label: z.looseObject({}),
  judgedAt: z.string(),
});

/** A line as read, under today's names: an older run's `judge` kind is `compliance`. */
export function currentNames<T extends { kind: string }>(line: T): T {
  return line.kind === 'judge' ? { ...line, kind: 'compliance' } : line;
}
