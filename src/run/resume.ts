// Which finished records a resumed run keeps. An error that retrying can fix (rate limits, 5xx,
// resets, timeouts, a wrong key since fixed, a spent retry budget, a cache that could not be written)
// is sampled again; a refused request or a content filter would fail the same way again, so it is
// kept unless the user asks for it (`af-lab run --retry-errors`).
import type { ExperimentConfig } from '../core/config.js';
import { UserError } from '../core/errors.js';
import type { SampledRecord } from '../core/types.js';

/** Error kinds that a new attempt of the same request cannot fix. */
export const PERMANENT_ERROR_KINDS: ReadonlySet<string> = new Set(['bad_request', 'content_policy']);

/** The kind of an errored record's error (`other` when it names none). */
export function errorKindOf(record: Pick<SampledRecord, 'error'>): string {
  return record.error?.kind ?? 'other';
}

/** True when a resumed run keeps this record instead of sampling it again. */
export function keepOnResume(record: SampledRecord, retryErrors = false): boolean {
  if (record.status !== 'error') return true;
  if (retryErrors) return false;
  return PERMANENT_ERROR_KINDS.has(errorKindOf(record));
}

/** Kept errors by kind, e.g. `{ bad_request: 2, content_policy: 1 }`. */
export function countErrorKinds(records: Iterable<SampledRecord>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of records) if (r.status === 'error') counts[errorKindOf(r)] = (counts[errorKindOf(r)] ?? 0) + 1;
  return counts;
}

/** The terminal's line about errored samples (their counts by kind, as countErrorKinds gives them): which a re-run samples again, which it keeps. */
export function describeErrors(errorKinds: Record<string, number>): string | undefined {
  const counts = Object.entries(errorKinds);
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

/** Settings that change how a sample is drawn: a run name re-used with another value would pool two experiments into one condition. */
const SAMPLING_FIELDS = ['temperature', 'maxTokens', 'seed', 'suffix', 'prefill', 'maxTurns', 'systemPrompts', 'userTemplate'] as const;

/**
 * Refuse to resume a run under changed sampling settings, compared with run.json (this) and with the
 * parameters recorded on each earlier record (refuseChangedParams, as they are read): both, as
 * run.json may be missing.
 */
export function refuseChangedSampling(runName: string, config: ExperimentConfig, previous: Pick<ExperimentConfig, (typeof SAMPLING_FIELDS)[number]> | undefined): void {
  if (!previous) return;
  for (const field of SAMPLING_FIELDS) {
    if (JSON.stringify(previous[field] ?? null) !== JSON.stringify(config[field] ?? null)) refuseChanged(runName, field, previous[field], config[field]);
  }
}

/** The per-record half of refuseChangedSampling, for records read one at a time. */
export function refuseChangedParams(runName: string, config: ExperimentConfig, record: SampledRecord): void {
  const p = record.params;
  for (const field of ['temperature', 'maxTokens', 'suffix', 'prefill'] as const) if (p[field] !== config[field]) refuseChanged(runName, field, p[field], config[field]);
}

function refuseChanged(runName: string, field: string, before: unknown, now: unknown): never {
  throw new UserError(
    `run "${runName}" was sampled with ${field} ${JSON.stringify(before) ?? 'unset'}, and this run asks for ${JSON.stringify(now) ?? 'unset'}: resuming would pool both settings into one condition`,
    `give this setting its own run name (--name ${runName}-${field}-${String(now ?? 'unset').replace(/[^A-Za-z0-9._-]/g, '')}), or set ${field} back to ${JSON.stringify(before) ?? 'unset'}`,
  );
}
