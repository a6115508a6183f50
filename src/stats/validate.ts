// Input checks shared by the statistics: counts are what a user types into the calculator or a
// summary feeds from records, so a bad one gets a UserError naming the value and the fix.
import { UserError } from '../core/errors.js';

export function assertCount(value: number, what: string): void {
  if (!Number.isInteger(value) || value < 0) {
    throw new UserError(`${what} must be a whole number >= 0, got ${value}`, `pass a count such as 15 (complied) out of 98 (samples)`);
  }
  if (value > 1e9) throw new UserError(`${what} is ${value}, above the supported 1e9`, 'pass counts of at most 1e9');
}

/** k complied out of n samples: 0 <= k <= n, n >= 1. */
export function assertProportion(k: number, n: number, what = 'proportion'): void {
  assertCount(k, `${what}: complied count`);
  assertCount(n, `${what}: sample count`);
  if (k > n) throw new UserError(`${what}: complied count ${k} is larger than the sample count ${n}`, 'write it as complied/samples, e.g. 15/98');
  if (n === 0) throw new UserError(`${what}: no samples (n = 0), so the rate is undefined`, 'pass at least one labelled sample');
}

export function assertProbability(value: number, what: string, { open = true } = {}): void {
  const ok = open ? value > 0 && value < 1 : value >= 0 && value <= 1;
  if (!Number.isFinite(value) || !ok) {
    throw new UserError(`${what} must lie ${open ? 'strictly ' : ''}between 0 and 1, got ${value}`, `pass a value such as ${what.includes('alpha') ? '0.05' : '0.8'}`);
  }
}

export function assertConfLevel(confLevel: number): void {
  assertProbability(confLevel, 'confidence level');
}
