// A failed batch line's HTTP status in af-lab's error kinds (the same words the direct path records).
import type { ModelErrorKind } from '../errors.js';

export function errorKindOfStatus(status: number | undefined): ModelErrorKind {
  if (status === undefined) return 'other';
  if (status === 429) return 'rate_limited';
  if (status === 401 || status === 403) return 'auth';
  if (status === 400 || status === 404 || status === 422) return 'bad_request';
  if (status >= 500) return 'server_error';
  return 'other';
}

/** Kinds worth sending again in a later batch (a refused request would be refused again). */
export function resendable(kind: string): boolean {
  return kind !== 'bad_request' && kind !== 'content_policy' && kind !== 'auth';
}
