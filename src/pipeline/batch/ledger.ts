// Batch lines in the run's ledger (calls.jsonl): one line per answered batch line, marked `batched`,
// at the batch price, so the spend reports and the run's budget (which sum calls.jsonl) see them as
// they see direct calls. A batch's lines are logged when its results file is read, and again on every
// round for any a kill kept out. Each ledger line names its batch (intent id) and its line (custom id):
// none is logged twice, however often a run is killed and resumed.
//
// Batched answers are committed to the cache with no `paidBy` (see KeyedCache), so the runner's and the
// judges' own reconcile (answers their run paid for, missing from the ledger) never log them again.
import { join } from 'node:path';
import type { Usage } from '../../core/types.js';
import { dropTornTail } from '../../core/files.js';
import { appendCall, CALLS_FILE, readCalls, type CallLine } from '../../core/runStore.js';
import { addUsage, ZERO_USAGE, type SpendMeter } from '../../core/usage.js';
import { batchPriceFor, costOf } from '../../cost/index.js';
import type { BatchClient, LineResult } from '../../models/batch/index.js';
import type { BatchRecord } from './store.js';

/** A ledger line of a batch line: the call line, marked batched, with its batch and custom id. */
export type BatchCallLine = CallLine & { batched: true; batch: string; customId: string };

/** What a batch's answered lines used and cost at the batch price, and each line's usage. */
export function answeredUsage(record: Pick<BatchRecord, 'model'>, results: readonly LineResult[], client: Pick<BatchClient, 'response'>): { usage: Usage; costUsd: number; lines: Array<{ customId: string; usage: Usage; costUsd: number }> } {
  const price = batchPriceFor(record.model);
  let usage = ZERO_USAGE;
  let costUsd = 0;
  const lines: Array<{ customId: string; usage: Usage; costUsd: number }> = [];
  for (const result of results) {
    if (!result.ok) continue;
    let lineUsage: Usage;
    try {
      lineUsage = client.response(result.body, false).usage;
    } catch {
      // A body af-lab cannot read has no usage it can account (the line is sent again, like a malformed direct answer).
      continue;
    }
    const cost = price ? costOf(lineUsage, price) : 0;
    usage = addUsage(usage, lineUsage);
    costUsd += cost;
    lines.push({ customId: result.customId, usage: lineUsage, costUsd: cost });
  }
  return { usage, costUsd, lines };
}

export class BatchLedger {
  /** `<intent>/<custom id>` of every batch line in the ledger. */
  private readonly logged = new Set<string>();
  /** Batches whose every answered line this process has seen in the ledger (not checked again). */
  private readonly complete = new Set<string>();

  constructor(
    private readonly runDir: string,
    private readonly meter?: SpendMeter,
  ) {
    // A line torn by a kill is cut off before anything is appended after it (it is logged again below).
    dropTornTail(join(runDir, CALLS_FILE));
    for (const line of readCalls(runDir) as Array<Partial<BatchCallLine>>) {
      if (line.batched === true && line.batch && line.customId) this.logged.add(`${line.batch}/${line.customId}`);
    }
  }

  /**
   * Log each answered line of a batch not in the ledger yet; the meter records those (at the batch
   * price). `reconciled`: logged by a later round or run, after a kill kept them out. Returns the
   * dollars logged now.
   */
  log(record: BatchRecord, results: readonly LineResult[], client: Pick<BatchClient, 'response'>, reconciled: boolean): number {
    if (this.complete.has(record.intentId)) return 0;
    const purposes = new Map(record.lines.map((line) => [line.customId, line]));
    let costUsd = 0;
    for (const line of answeredUsage(record, results, client).lines) {
      const id = `${record.intentId}/${line.customId}`;
      if (this.logged.has(id)) continue;
      const known = purposes.get(line.customId);
      const purpose = known?.purpose ?? (record.role === 'judge' ? 'judge' : 'sample');
      const cost = this.meter ? this.meter.record(record.model, line.usage, record.role === 'judge' ? purpose : undefined, { batched: true }) : line.costUsd;
      costUsd += cost;
      const call: BatchCallLine = {
        at: new Date().toISOString(),
        model: record.model,
        purpose,
        cacheKey: known?.cacheKey ?? line.customId,
        usage: line.usage,
        costUsd: cost,
        batched: true,
        batch: record.intentId,
        customId: line.customId,
        ...(reconciled ? { reconciled: true } : {}),
      };
      appendCall(this.runDir, call);
      this.logged.add(id);
    }
    this.complete.add(record.intentId);
    return costUsd;
  }
}
