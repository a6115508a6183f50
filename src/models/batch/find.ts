// Finding a batch again after a kill, where the API keeps no metadata (Anthropic): an ended batch by
// its custom ids, a batch in progress by its size and creation time (docs/batch.md, residual risk).
import type { BatchStatus } from './types.js';

/** The same set of custom ids, each once. */
export function sameIds(ids: readonly string[], wanted: ReadonlySet<string>): boolean {
  return ids.length === wanted.size && new Set(ids).size === ids.length && ids.every((id) => wanted.has(id));
}

/**
 * Of the batches in progress of the intent's size created since it, the one created first at or
 * after the intent (the intent is written just before its batch is submitted), else the newest one
 * created in the 5 minutes before it (clocks differ). Unverified: its results are checked once it ends.
 */
export function matchInProgress(candidates: readonly BatchStatus[], intentCreatedAt: string): BatchStatus | undefined {
  const intent = Date.parse(intentCreatedAt);
  const after = candidates.filter((c) => Date.parse(c.createdAt) >= intent).sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt));
  if (after.length) return after[0];
  return [...candidates].sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt))[0];
}
