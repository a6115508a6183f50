// A model call that failed for good: retries exhausted, or an error retrying cannot fix.
// The runner records it on the sample (kind, message, status, attempts) and goes on with the run.

export type ModelErrorKind =
  | 'rate_limited'
  | 'server_error'
  | 'network'
  | 'timeout'
  | 'bad_request'
  | 'auth'
  | 'content_policy'
  | 'malformed_response'
  | 'budget_exhausted'
  /** `af-lab score` only: the transcript has no further turn where the protocol asks for one. */
  | 'transcript_ended'
  | 'other';

export class ModelCallError extends Error {
  constructor(
    readonly kind: ModelErrorKind,
    message: string,
    readonly httpStatus?: number,
    readonly attempts = 1,
  ) {
    super(message);
    this.name = 'ModelCallError';
  }
}

/** A failed call as a sample or a judgement records it: kind, message, HTTP status and attempts of a ModelCallError, else `other`. */
export function describeCallError(err: unknown): { kind: string; message: string; httpStatus?: number; attempts?: number } {
  if (err instanceof ModelCallError) {
    return { kind: err.kind, message: err.message, ...(err.httpStatus ? { httpStatus: err.httpStatus } : {}), attempts: err.attempts };
  }
  return { kind: 'other', message: err instanceof Error ? err.message : String(err) };
}
