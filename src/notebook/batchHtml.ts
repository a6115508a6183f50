// The batches part of a notebook's progress box: each batch in flight with its state and counts
// (validating, in progress n/m, finalizing), how long the cell has waited, and the providers' 24-hour
// window (how long each batch has left before it expires), as the terminal prints them on one line.
import { escapeHtml } from '../core/safeJson.js';
import type { BatchProgress } from '../pipeline/batch/index.js';

/** A batch state in words: `in_progress` is "in progress". */
const stateWords = (state: string) => state.replace(/_/g, ' ');

/** A duration as people say it: "42 s", "3 min 5 s", "23 h 59 min". */
export function durationText(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

/** One batch: its id, role, model, state with its counts (answered or failed of all), and time left. */
export function batchLineText(batch: BatchProgress['batches'][number], now: number): string {
  const counts = batch.counts ? ` ${batch.counts.succeeded + batch.counts.failed}/${batch.counts.total}` : '';
  const failed = batch.counts?.failed ? ` (${batch.counts.failed} failed)` : '';
  const left = batch.expiresAt ? `; expires in ${durationText(Date.parse(batch.expiresAt) - now)} if not done` : '';
  return `${batch.id ?? `intent ${batch.intentId}`} · ${batch.role} · ${batch.model} · ${stateWords(batch.state)}${counts}${failed}${left}`;
}

/** The lines (HTML) the progress box shows for a batched step. */
export function batchProgressHtml(progress: BatchProgress, now = Date.now()): string {
  const head = `batches, round ${progress.round}: ${progress.batches.length} in flight · waited ${durationText(progress.waitedMs)} · the providers answer within 24 hours or expire a batch (its unanswered lines are then sent again)`;
  const lines = [`<div>${escapeHtml(head)}</div>`, ...progress.batches.map((batch) => `<div style="padding-left:1em">${escapeHtml(batchLineText(batch, now))}</div>`)];
  if (progress.note) lines.push(`<div style="color:#555">${escapeHtml(progress.note)}</div>`);
  return lines.join('\n');
}
