// Files af-lab reads back (records.jsonl, judgements.jsonl, calls.jsonl, run.json) are validated at
// the edge: a garbage line or a value of the wrong shape is one UserError naming the file, the line
// and the fix, never a stack trace deep in a reader. Schemas check what readers rely on and let
// other fields through (older and newer records stay readable).
import { z } from 'zod';
import { UserError } from './errors.js';
import { firstIssue } from './validate.js';

/** How to check each line of a JSONL file, and what to tell the user when one is bad. */
export interface LineCheck {
  schema: z.ZodType;
  /** What a line is, e.g. "sample record". */
  what: string;
  /** The fix to print, e.g. `run "af-lab repair <dir>"`. */
  fix: string;
}

const usageSchema = z.looseObject({ inputTokens: z.number(), outputTokens: z.number() });

export const sampledRecordSchema = z.looseObject({
  schema: z.literal(1),
  key: z.string().min(1),
  run: z.string(),
  model: z.string(),
  variant: z.string(),
  reasoning: z.enum(['cot', 'no-cot']),
  tier: z.enum(['free', 'paid']),
  request: z.looseObject({ text: z.string() }),
  sampleIndex: z.number().int(),
  params: z.looseObject({ temperature: z.number(), maxTokens: z.number(), seed: z.number(), suffix: z.boolean(), prefill: z.boolean(), maxTurns: z.number() }),
  promptHash: z.string(),
  userTurn: z.string(),
  turns: z.array(z.looseObject({ text: z.string() })),
  scratchpad: z.string().nullable(),
  finalOutput: z.string().nullable(),
  status: z.enum(['answered', 'truncated', 'failed', 'error']),
  error: z.looseObject({ kind: z.string(), message: z.string() }).optional(),
  usage: usageSchema,
  finishedAt: z.string(),
});

export const callLineSchema = z.looseObject({ at: z.string(), model: z.string(), purpose: z.string(), cacheKey: z.string(), usage: usageSchema, votes: z.array(z.number().int()).optional() });

export const manifestSchema = z.looseObject({
  name: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  simulated: z.boolean(),
  config: z.looseObject({ name: z.string(), models: z.array(z.string()), temperature: z.number() }),
});

/** Why a line is bad (not JSON, or the wrong shape), or undefined when it is good. */
export function lineProblem(line: string, schema?: z.ZodType): string | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return 'not valid JSON';
  }
  if (!schema) return undefined;
  const parsed = schema.safeParse(value);
  return parsed.success ? undefined : firstIssue(parsed.error);
}

/** Parse one line of a JSONL file, or throw a UserError naming the file, the line and the fix. */
export function parseLine(path: string, lineNumber: number, line: string, check?: LineCheck): unknown {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw new UserError(`${path} line ${lineNumber} is not valid JSON`, check?.fix ?? `delete line ${lineNumber} of that file`);
  }
  if (check) {
    const parsed = check.schema.safeParse(value);
    if (!parsed.success) throw new UserError(`${path} line ${lineNumber} is not a valid ${check.what} (${firstIssue(parsed.error)})`, check.fix);
  }
  return value;
}

/** A cached response as readers use it: an entry of another shape is a miss, and the call is made again. */
export const cachedResponseSchema = z.looseObject({
  text: z.string(),
  alternatives: z.array(z.string()).optional(),
  usage: usageSchema,
  finishReason: z.enum(['stop', 'length', 'content_filter', 'other']),
  prefillApplied: z.boolean(),
  /** The votes of one request, by index (core/cache.ts: one entry per votes request). */
  votes: z.array(z.object({ index: z.number().int(), text: z.string(), finishReason: z.enum(['stop', 'length', 'content_filter', 'other']) })).optional(),
});
