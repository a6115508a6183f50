// What af-lab needs of a provider's batch API, whatever its wire: submit a set of request lines under
// an intent id, find a batch by that intent after a crash, poll it, read its per-line results, cancel.
import type { ChatRequest, ChatResponse } from '../../core/types.js';
import type { ModelErrorKind } from '../errors.js';

/**
 * A batch's state in af-lab's words (OpenAI's own; Anthropic's `in_progress`, `canceling` and `ended`
 * map onto them: an ended batch is `completed`, or `cancelled` when a cancel was asked).
 */
export type BatchState = 'validating' | 'in_progress' | 'finalizing' | 'completed' | 'expired' | 'cancelling' | 'cancelled' | 'failed';

/** States after which nothing more will be answered: the results (if any) can be read. */
export const TERMINAL_STATES: ReadonlySet<BatchState> = new Set(['completed', 'expired', 'cancelled', 'failed']);

export interface BatchStatus {
  /** The provider's batch id. */
  id: string;
  state: BatchState;
  /** Lines in the batch, answered, and failed (errored, expired or cancelled) so far. */
  counts: { total: number; succeeded: number; failed: number };
  createdAt: string;
  /** When the provider gives up on the batch (24 hours after creation on both providers). */
  expiresAt?: string;
  /** The provider's reason when the whole batch failed (OpenAI `errors`). */
  reason?: string;
}

/** How a batch found again after a crash was matched to its intent. */
export type BatchMatch = 'metadata' | 'custom-ids' | 'size-and-time';

/** A batch found for an intent, and by what. `size-and-time` is unverified until its results are read. */
export type FoundBatch = BatchStatus & { matchedBy: BatchMatch };

/** One request line: the body the direct path sends, under an id unique within the batch. */
export interface BatchLine {
  customId: string;
  body: Record<string, unknown>;
}

/** One line's result: the raw response body, or why there is none. */
export type LineResult =
  | { customId: string; ok: true; body: unknown }
  | { customId: string; ok: false; kind: ModelErrorKind | 'expired' | 'cancelled'; message: string };

/** The provider's documented size limits for one batch. */
export interface BatchLimits {
  maxRequests: number;
  maxBytes: number;
}

export interface BatchClient {
  /** The provider name, as in the spec (`openai`, `anthropic`). */
  provider: string;
  limits: BatchLimits;
  /**
   * The line bodies that ask one chat request with n completions, each with the completions it asks
   * for: one line with `n` where the API has it (OpenAI), n lines otherwise (Anthropic).
   */
  bodiesFor(request: ChatRequest, n: number): Array<{ body: Record<string, unknown>; n: number; prefillApplied: boolean }>;
  /** The bytes a line adds to the batch (its JSON line in the upload, or in the create request). */
  lineBytes(line: BatchLine): number;
  /** A succeeded line's body as af-lab's response (throws on one it cannot use). */
  response(body: unknown, prefillApplied: boolean): ChatResponse;
  /** Submit the lines as one batch, tagged with the intent id where the API keeps metadata. */
  submit(lines: BatchLine[], intentId: string): Promise<BatchStatus>;
  /**
   * A batch submitted for this intent, if the provider has one: by the intent id in OpenAI's metadata;
   * by its contents on Anthropic (an ended batch whose custom ids are exactly the intent's; else the one
   * batch in progress created since the intent with as many requests, unverified until it ends). Batches
   * in `exclude` (adopted by other intents, or refused) are never returned.
   */
  find(intent: { intentId: string; createdAt: string; customIds: readonly string[]; exclude?: readonly string[] }): Promise<FoundBatch | undefined>;
  status(id: string): Promise<BatchStatus>;
  /** Every line's result; for a batch in a terminal state. */
  results(id: string): Promise<LineResult[]>;
  cancel(id: string): Promise<BatchStatus>;
}
