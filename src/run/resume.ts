// Which finished records a resumed run keeps. An error that retrying can fix (rate limits, 5xx,
// resets, timeouts, a wrong key since fixed, a spent retry budget, a cache that could not be written)
// is sampled again; a refused request or a content filter would fail the same way again, so it is
// kept unless the user asks for it (`af-lab run --retry-errors`).
import type { SampledRecord } from '../core/types.js';

/** Error kinds that a new attempt of the same request cannot fix. */
export const PERMANENT_ERROR_KINDS: ReadonlySet<string> = new Set(['bad_request', 'content_policy']);

/** True when a resumed run keeps this record instead of sampling it again. */
export function keepOnResume(record: SampledRecord, retryErrors = false): boolean {
  if (record.status !== 'error') return true;
  if (retryErrors) return false;
  return PERMANENT_ERROR_KINDS.has(record.error?.kind ?? 'other');
}

/** Kept errors by kind, e.g. `{ bad_request: 2, content_policy: 1 }`. */
export function countErrorKinds(records: Iterable<SampledRecord>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of records) if (r.status === 'error') counts[r.error?.kind ?? 'other'] = (counts[r.error?.kind ?? 'other'] ?? 0) + 1;
  return counts;
}

/** The terminal's line about errored samples: which a re-run samples again, which it keeps. */
export function describeErrors(records: Iterable<SampledRecord>): string | undefined {
  const counts = Object.entries(countErrorKinds(records));
  if (counts.length === 0) return undefined;
  const list = (entries: Array<[string, number]>) => entries.map(([kind, n]) => `${kind} ${n}`).join(', ');
  const retried = counts.filter(([kind]) => !PERMANENT_ERROR_KINDS.has(kind));
  const kept = counts.filter(([kind]) => PERMANENT_ERROR_KINDS.has(kind));
  const total = counts.reduce((sum, [, n]) => sum + n, 0);
  const parts = [
    ...(retried.length ? [`${list(retried)} (re-running the same command samples these again)`] : []),
    ...(kept.length ? [`${list(kept)} (kept on re-runs, as retrying cannot fix them; add --retry-errors to sample them again)`] : []),
  ];
  return `${total} samples ended in an error: ${parts.join('; ')}.`;
}
