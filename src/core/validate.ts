// Reading a file back is an edge: its content is checked against a zod schema before any code trusts
// it, and a file of the wrong shape is one clear line naming the file, the place and the fix.
import type { z } from 'zod';
import { UserError } from './errors.js';

/** The first problem zod found, as "field.path: message". */
export function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid';
  const where = issue.path.length ? `${issue.path.map(String).join('.')}: ` : '';
  return `${where}${issue.message}`;
}

/**
 * `value` checked against `schema`, or a UserError naming `what` (a file, a file and line) and `fix`.
 */
export function parseChecked<S extends z.ZodType>(schema: S, value: unknown, what: string, fix: string): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw new UserError(`${what} is not valid (${firstIssue(result.error)})`, fix);
  return result.data;
}
