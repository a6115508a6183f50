// What the rounds know about every line (the book): each line's result, the lines in batches not read
// yet (never sent again meanwhile), the lines wanted this round, and which failed lines are given up
// on rather than sent again. This decides what is paid for again, so it is kept apart and tested alone.
import type { BatchLine, LineResult } from '../../models/batch/index.js';
import type { BatchRecord } from './store.js';

/** A line this round wants sent: its body, and which model and role it belongs to. */
export interface WantedLine {
  spec: string;
  role: 'sample' | 'judge';
  line: BatchLine;
  requestHash: string;
  /** The cache key and purpose of the call the line answers (its ledger line's). */
  cacheKey: string;
  purpose: string;
}

/** What the rounds know about every line: results read, lines in batches not yet read, lines wanted. */
export class BatchBook {
  /** Each line's result (an answer is never replaced by a later failure). */
  readonly results = new Map<string, LineResult>();
  /** Lines in batches whose results are not read yet: never sent again meanwhile. */
  readonly live = new Set<string>();
  /** Failures of each line read by this process (a re-run sends every failed line once more). */
  readonly failuresNow = new Map<string, number>();
  /** Batches whose failures this process has counted. */
  readonly counted = new Set<string>();
  /** The failure of lines given up on, by request hash (for the pass that writes the records). */
  readonly givenUp = new Map<string, { kind: string; message: string }>();
  readonly wanted = new Map<string, WantedLine>();
  /** Calls answered from a batch in this pass, and calls waiting. */
  answered = 0;
  waiting = 0;

  constructor(readonly maxResends: number) {}

  setResult(result: LineResult, readNow: boolean): void {
    const earlier = this.results.get(result.customId);
    if (earlier?.ok) return;
    this.results.set(result.customId, result);
    if (!result.ok && readNow) this.failuresNow.set(result.customId, (this.failuresNow.get(result.customId) ?? 0) + 1);
  }

  /** A failed line not sent again: refused (it would be refused again), or failed too often in this process. */
  givenUpOn(customId: string): boolean {
    const result = this.results.get(customId);
    if (!result || result.ok) return false;
    const now = this.failuresNow.get(customId) ?? 0;
    return result.kind === 'bad_request' || (result.kind === 'cancelled' && now > 0) || now > this.maxResends;
  }

  /**
   * The book as the run folder has it (each round): every line of a batch not read yet is live; every
   * line of a read batch has its result (a line its results file lacks: failed). A batch read since
   * `startedAt` counts its failures once in this process, however many rounds rebuild the book.
   */
  rebuild(records: readonly BatchRecord[], resultsOf: (record: BatchRecord) => readonly LineResult[], startedAt: string): void {
    this.live.clear();
    this.wanted.clear();
    this.answered = 0;
    this.waiting = 0;
    for (const record of records) {
      if (!record.downloadedAt) {
        for (const line of record.lines) this.live.add(line.customId);
        continue;
      }
      const readNow = record.downloadedAt >= startedAt && !this.counted.has(record.intentId);
      if (readNow) this.counted.add(record.intentId);
      const results = new Map(resultsOf(record).map((r) => [r.customId, r]));
      for (const line of record.lines) {
        const result = results.get(line.customId) ?? { customId: line.customId, ok: false as const, kind: 'other', message: record.reason ?? `the batch ended (${record.state}) without an answer for this line` };
        if (readNow || !this.results.has(line.customId)) this.setResult(result, readNow);
      }
    }
  }
}
