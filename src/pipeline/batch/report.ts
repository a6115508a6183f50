// `af-lab batches <run>`: a run's batches with their state, counts and cost; `--cancel` cancels those
// in flight. And the one-line progress a batched run prints while it waits.
import { batchClientFor, TERMINAL_STATES, type BatchClient } from '../../models/batch/index.js';
import { readBatchRecords, writeBatchRecord, type BatchRecord } from './store.js';
import type { BatchProgress } from './rounds.js';

/** The providers say a batch is answered within 24 hours, or expires. */
export const BATCH_WINDOW_LINE = 'batches are answered within 24 hours (the providers\' window) or expire; their unanswered lines are then sent again';

/**
 * How a batch came to its intent: submitted by this run, or found at the provider after a kill (by the
 * intent id in its metadata, its custom ids, or its size and creation time); and the batches found
 * that way whose results were not this intent's (refused ids: never read again).
 */
const MATCHED_BY = { metadata: 'found: metadata', 'custom-ids': 'found: custom ids', 'size-and-time': 'found: size and time' } as const;

/** The batches as `af-lab batches --json` prints them: one object each, with how each was matched to its intent and the ids it refused. */
export function batchesJson(records: readonly BatchRecord[]): object[] {
  return records.map((r) => ({
    intentId: r.intentId,
    id: r.id ?? null,
    role: r.role,
    model: r.model,
    state: r.state,
    lines: r.lines.length,
    ...(r.counts ? { counts: r.counts } : {}),
    read: r.downloadedAt !== undefined,
    ...(r.costUsd !== undefined ? { costUsd: r.costUsd } : {}),
    matchedBy: r.matchedBy ?? (r.id ? 'submitted' : null),
    refusedIds: r.refusedIds ?? [],
    ...(r.splitBy ? { splitBy: r.splitBy } : {}),
  }));
}

export function formatBatches(records: readonly BatchRecord[]): string {
  if (records.length === 0) return 'No batches in this run.';
  const rows = records.map((r) => [
    r.intentId,
    r.id ?? '(not yet accepted)',
    r.role,
    r.model,
    r.state,
    String(r.lines.length),
    r.counts ? `${r.counts.succeeded}/${r.counts.total} answered, ${r.counts.failed} failed` : '',
    r.downloadedAt ? 'read' : '',
    r.costUsd !== undefined ? `$${r.costUsd.toFixed(4)}` : '',
    r.matchedBy ? MATCHED_BY[r.matchedBy] : r.id ? 'submitted' : '',
    r.refusedIds?.length ? r.refusedIds.join(', ') : '',
    r.splitBy ? `split at the ${r.splitBy}` : '',
  ]);
  const header = ['intent', 'batch id', 'role', 'model', 'state', 'lines', 'counts', 'results', 'cost (batch price)', 'found by', 'refused ids', 'note'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  const total = records.reduce((sum, r) => sum + (r.costUsd ?? 0), 0);
  const inFlight = records.filter((r) => !r.downloadedAt).length;
  return [line(header), ...rows.map(line), '', `${records.length} batches, ${inFlight} not yet read; $${total.toFixed(4)} spent at the batch price.`].join('\n');
}

/** Cancel every batch of the run still in flight; returns one line per batch. */
export async function cancelBatches(runDir: string, clientFor: (spec: string) => Promise<BatchClient> = batchClientFor): Promise<string[]> {
  const lines: string[] = [];
  for (const record of readBatchRecords(runDir)) {
    if (record.downloadedAt || TERMINAL_STATES.has(record.state as never)) continue;
    if (!record.id) {
      lines.push(`intent ${record.intentId}: not accepted by the provider yet (the next run looks for it before submitting); nothing to cancel`);
      continue;
    }
    const status = await (await clientFor(record.model)).cancel(record.id);
    Object.assign(record, { state: status.state, counts: status.counts, cancelRequestedAt: new Date().toISOString() });
    writeBatchRecord(runDir, record);
    lines.push(`batch ${record.id}: ${status.state}`);
  }
  if (lines.length === 0) lines.push('No batch in flight: nothing to cancel.');
  return lines;
}

/** One line: each batch in flight with its state and counts, and how long the run has waited. */
export function formatBatchProgress(progress: BatchProgress): string {
  const waited = formatDuration(progress.waitedMs);
  const batches = progress.batches.map((b) => `${b.id ?? b.intentId} ${b.role} ${b.state}${b.counts ? ` ${b.counts.succeeded + b.counts.failed}/${b.counts.total}` : ''}`);
  return `batches, round ${progress.round}: ${batches.length ? batches.join('; ') : 'none in flight'}; waited ${waited}${progress.note ? ` | ${progress.note}` : ''}`;
}

function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}
