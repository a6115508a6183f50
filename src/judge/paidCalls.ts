// What a judging pass pays for is paid once and accounted for, as for the samples (issue 26 items 3
// and 4): a judge call is sent only while the run and cache disks have room for its answer, and a
// resume writes into the ledger (calls.jsonl) every cached judge answer this run paid for that a kill
// kept out of it (between the cache's commit and the ledger's line), marked `"reconciled": true`.
import type { ChatModel, Usage } from '../core/types.js';
import type { ResponseCache } from '../core/cache.js';
import { appendCall, ledgerKeys } from '../core/runStore.js';
import { diskShortBeforePaying } from '../core/safeIo.js';
import { addUsage, ZERO_USAGE } from '../core/usage.js';
import type { KeySet } from '../core/keyTable.js';
import type { JudgeCostMeter } from './types.js';

/** Thrown before a judge call that must not be paid for (a disk without room): the record stays unjudged. */
export class JudgeStopped extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'JudgeStopped';
  }
}

/**
 * The judge, asking only while the run folder and the cache each have room for one more paid answer
 * (safeIo's margin); else its call throws JudgeStopped before anything is sent. A simulated judge costs
 * nothing and writes nothing to the cache: it is returned as it is.
 */
export function withRoomBeforePaying(model: ChatModel, folders: ReadonlyArray<{ path: string; what: string }>): ChatModel {
  if (model.simulated) return model;
  return Object.assign(Object.create(model) as ChatModel, {
    chat: (request: Parameters<ChatModel['chat']>[0]) => {
      const short = diskShortBeforePaying(folders);
      return short === undefined ? model.chat(request) : Promise.reject(new JudgeStopped(short));
    },
  });
}

/** One judge call as the ledger records it. */
export interface JudgeCall {
  purpose: string;
  cacheKey: string;
  usage: Usage;
  costUsd: number;
}

/**
 * A run's ledger of judge calls: `sent` logs a call just paid for; `served` logs, reconciled, the
 * answers of one request served from the cache that this run paid for and calls.jsonl lacks. The
 * ledger's keys are read once, on `open` (after a torn last line is cut off).
 */
export class JudgeLedger {
  private logged: KeySet | undefined;

  constructor(
    private readonly runDir: string,
    private readonly model: Pick<ChatModel, 'spec' | 'simulated'>,
    private readonly cache: () => ResponseCache | undefined,
    private readonly costMeter?: JudgeCostMeter,
  ) {}

  /** Read the ledger's keys (a simulated judge pays nothing: nothing to reconcile, nothing read). */
  open(): void {
    if (!this.model.simulated) this.logged = ledgerKeys(this.runDir);
  }

  sent(call: JudgeCall, reconciled = false): void {
    this.logged?.add(call.cacheKey);
    appendCall(this.runDir, { at: new Date().toISOString(), model: this.model.spec, ...call, ...(reconciled ? { reconciled: true } : {}) });
  }

  /**
   * The answers one request got from the cache (one, or an AF call's votes: one entry each, the call
   * logged under its first vote's key). Logged as one reconciled call when this run paid for them and
   * the ledger has none of them; an answer still being written by a call of this process (an identical
   * request judged meanwhile) is that call's, logged by it.
   */
  served(purpose: string, cacheKeys: readonly string[]): void {
    const cache = this.cache();
    if (!this.logged || !cache || cacheKeys.length === 0) return;
    if (cacheKeys.some((key) => this.logged!.has(key) || cache.inflight.has(key))) return;
    const paid = cacheKeys.filter((key) => cache.paidByOf(key) === this.runDir);
    if (paid.length === 0) return;
    // Each vote's entry holds its share of the call's usage: together, the call's.
    const usage = paid.reduce((sum, key) => addUsage(sum, cache.get(key)?.usage ?? ZERO_USAGE), ZERO_USAGE);
    const costUsd = this.costMeter ? this.costMeter.record(this.model.spec, usage, purpose) : 0;
    this.sent({ purpose, cacheKey: paid[0], usage, costUsd }, true);
  }
}
