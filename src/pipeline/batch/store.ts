// The run folder's record of every batch: <run>/batches/<intent>.json, written before the batch is
// submitted (an intent: its lines, no provider id yet), again the moment the provider accepts it (its
// id), as it is polled (state, counts), and once its results file <intent>.results.jsonl is written.
// The lines sent are kept beside it (<intent>.input.jsonl), so an intent can be submitted as it was.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../../core/files.js';
import { parseChecked } from '../../core/validate.js';
import type { BatchLine, LineResult } from '../../models/batch/index.js';

export const BATCHES_DIR = 'batches';

const stateSchema = z.enum(['intent', 'validating', 'in_progress', 'finalizing', 'completed', 'expired', 'cancelling', 'cancelled', 'failed']);

const usageSchema = z.object({ inputTokens: z.number(), outputTokens: z.number(), cachedInputTokens: z.number().optional(), cacheWriteInputTokens: z.number().optional() });

const batchRecordSchema = z.object({
  schema: z.literal(1),
  /** af-lab's id for the batch, chosen before it is submitted (OpenAI keeps it in the batch's metadata). */
  intentId: z.string(),
  provider: z.string(),
  /** The model spec the lines ask (as recorded in results). */
  model: z.string(),
  role: z.enum(['sample', 'judge']),
  createdAt: z.string(),
  /** `intent` until the provider's id is stored; then the provider's state. */
  state: stateSchema,
  /** The provider's batch id. */
  id: z.string().optional(),
  submittedAt: z.string().optional(),
  expiresAt: z.string().optional(),
  /**
   * Each line's id (sent to the provider as `<intent>_<index>`, see match.ts), the sha256 of the body it
   * sends, and the cache key and purpose of the call it answers (for its line in calls.jsonl).
   */
  lines: z.array(z.object({ customId: z.string(), requestHash: z.string(), cacheKey: z.string().optional(), purpose: z.string().optional() })),
  /** How a batch found again after a kill was matched to this intent (absent: submitted by this record's own process). */
  matchedBy: z.enum(['metadata', 'custom-ids', 'size-and-time']).optional(),
  /** Batches found for this intent whose results were not its lines: never adopted again. */
  refusedIds: z.array(z.string()).optional(),
  /** Which documented limit cut the lines of this round into more than one batch. */
  splitBy: z.string().optional(),
  counts: z.object({ total: z.number(), succeeded: z.number(), failed: z.number() }).optional(),
  reason: z.string().optional(),
  /** When the results file was written; the usage and cost (batch price) of its answered lines. */
  downloadedAt: z.string().optional(),
  usage: usageSchema.optional(),
  costUsd: z.number().optional(),
  cancelRequestedAt: z.string().optional(),
});

export type BatchRecord = z.output<typeof batchRecordSchema>;

const lineResultSchema = z.union([
  z.object({ customId: z.string(), ok: z.literal(true), body: z.unknown() }),
  z.object({ customId: z.string(), ok: z.literal(false), kind: z.string(), message: z.string() }),
]);

export function batchesDir(runDir: string): string {
  return join(runDir, BATCHES_DIR);
}

export function writeBatchRecord(runDir: string, record: BatchRecord): void {
  writeFileAtomic(join(batchesDir(runDir), `${record.intentId}.json`), `${JSON.stringify(record, null, 2)}\n`);
}

export function writeBatchInput(runDir: string, intentId: string, lines: readonly BatchLine[]): void {
  writeFileAtomic(join(batchesDir(runDir), `${intentId}.input.jsonl`), lines.map((line) => JSON.stringify(line)).join('\n') + '\n');
}

export function readBatchInput(runDir: string, intentId: string): BatchLine[] {
  const path = join(batchesDir(runDir), `${intentId}.input.jsonl`);
  return readFileSync(path, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as BatchLine);
}

/** Every batch record of the run, oldest first. */
export function readBatchRecords(runDir: string): BatchRecord[] {
  const dir = batchesDir(runDir);
  if (!existsSync(dir)) return [];
  const records = readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .map((name) => {
      const path = join(dir, name);
      return parseChecked(batchRecordSchema, JSON.parse(readFileSync(path, 'utf8')), `batch record ${path}`, 'restore it, or delete it to forget that batch (its lines are then sent again)');
    });
  return records.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.intentId.localeCompare(b.intentId));
}

/** The results file is written whole, atomically: a kill while downloading leaves none, and the download is made again. */
export function writeBatchResults(runDir: string, intentId: string, results: readonly LineResult[]): void {
  writeFileAtomic(join(batchesDir(runDir), `${intentId}.results.jsonl`), results.map((r) => JSON.stringify(r)).join('\n') + '\n');
}

export function readBatchResults(runDir: string, intentId: string): LineResult[] | undefined {
  const path = join(batchesDir(runDir), `${intentId}.results.jsonl`);
  if (!existsSync(path)) return undefined;
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => parseChecked(lineResultSchema, JSON.parse(l), `batch results ${path}`, 'delete the file: the results are downloaded again') as LineResult);
}
