// What a judging pass pays for is paid once and accounted for, as for the samples (issue 26 items 3
// and 4): a judge call is sent only while the run and cache disks have room for its answer (the room
// layer the runner uses too: core/middleware.ts withRoomBeforePaying), and a
// resume writes into the ledger (calls.jsonl) every cached judge answer this run paid for that a kill
// kept out of it (between the cache's commit and the ledger's line), marked `"reconciled": true`.
import { resolve } from 'node:path';
import type { ChatModel, Usage } from '../core/types.js';
import type { ResponseCache } from '../core/cache.js';
import { appendCall, loggedCalls, type LoggedCalls } from '../core/runStore.js';

/** One judge call as the ledger records it. */
export interface JudgeCall {
  purpose: string;
  cacheKey: string;
  usage: Usage;
  costUsd: number;
  /** Of an AF votes call: the votes it paid for. */
  votes?: number[];
}

/**
 * A run's ledger of judge calls: `sent` logs a call just paid for (or, `reconciled`, one a kill kept
 * out of calls.jsonl, found by withSpend through `reconcile`: a cached answer this run paid for whose
 * key the ledger lacks). The ledger's keys are read once, on `open` (after a torn last line is cut off).
 */
export class JudgeLedger {
  private logged: LoggedCalls | undefined;

  constructor(
    private readonly runDir: string,
    private readonly model: Pick<ChatModel, 'spec' | 'simulated'>,
    private readonly cache: () => ResponseCache | undefined,
  ) {}

  /** Read the ledger's keys (a simulated judge pays nothing: nothing to reconcile, nothing read). */
  open(): void {
    if (!this.model.simulated) this.logged = loggedCalls(this.runDir);
  }

  sent(call: JudgeCall, reconciled = false): void {
    this.logged?.add(call);
    appendCall(this.runDir, { at: new Date().toISOString(), model: this.model.spec, ...call, ...(reconciled ? { reconciled: true } : {}) });
  }

  /** withSpend's reconciliation: a key the ledger lacks, whose cached answer this run (its folder, resolved) paid for. */
  readonly reconcile = {
    has: (key: string, votes?: readonly number[]): boolean => this.logged === undefined || this.logged.has(key, votes),
    paidHere: (key: string): boolean => this.cache()?.paidEarlierBy(key) === resolve(this.runDir),
    // The cache's payer is this run's folder, resolved (judgeRun opens it so): its payments are this run's.
    paymentsHere: (key: string) => (this.logged === undefined ? [] : (this.cache()?.paymentsHere(key) ?? [])),
  };
}
