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
