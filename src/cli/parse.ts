// Option parsers shared by the subcommands: a value that is not what the option takes is one
// clear line naming the option's value and the fix (exit 2), never a NaN passed on.
import { UserError } from '../core/errors.js';

/** A comma-separated list; repeating the option adds to it (`--models a --models b` is `a,b`). */
export const list = (value: string, previous?: string[]): string[] => [...(previous ?? []), ...value.split(',').map((s) => s.trim()).filter(Boolean)];

export function int(value: string): number {
  const n = Number(value);
  if (!/^\s*-?\d+\s*$/.test(value) || !Number.isSafeInteger(n)) {
    throw new UserError(`"${value}" is not a whole number`, 'give the option a whole number, e.g. 100');
  }
  return n;
}
