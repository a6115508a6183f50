// Middleware around a ChatModel, each a function from a model to a model that keeps its spec and
// answers `chat` its own way: the response cache (`withCache`, core/cache.ts), the spend meter and the
// run's ledger (`withSpend`), the budget (`withBudget`), the room check before a paid call
// (`withRoomBeforePaying`) and native reasoning (`withReasoning`). The
// runner and the judges wrap their model once; the protocol and the judge prompts only call
// `model.chat` and read how a call was served from `response.served`.
import type { CallServed, ChatModel, ChatRequest, ChatResponse, NativeReasoning, Usage } from './types.js';
import type { SpendMeter } from './usage.js';
import type { CallLine } from './runStore.js';
import { requestKey } from './cacheKey.js';
import { thinkTagReasoning } from './reasoning.js';
import { diskShortBeforePaying } from './safeIo.js';

/** A layer around a model: the model it is given, answering `chat` its own way. */
export type ModelMiddleware = (model: ChatModel) => ChatModel;

/** The model with the layers around it, the first listed outermost (it sees a call first and its answer last). */
export function wrapModel(model: ChatModel, ...layers: Array<ModelMiddleware | undefined | false>): ChatModel {
  return layers.reduceRight<ChatModel>((inner, layer) => (layer ? layer(inner) : inner), model);
}

/** One line of a run's ledger (calls.jsonl) as the spend layer writes it, before its time: a call paid for. */
export type LedgerCall = Omit<CallLine, 'at'>;

export interface CallLedger {
  append(call: LedgerCall): void;
  /**
   * A resumed run's reconciliation: a cached answer this run paid for (`paidHere`) whose line the
   * ledger lacks (`has`: a kill between the cache's commit and the ledger's line) is logged then. Of a
   * votes call, each payment this run made for the request's votes (`paymentsHere`: the first call
   * and every top-up) whose votes the ledger does not list (`has(key, votes)`).
   */
  reconcile?: {
    has(key: string, votes?: readonly number[]): boolean;
    paidHere(key: string): boolean;
    paymentsHere?(key: string): ReadonlyArray<{ votes?: number[]; usage: Usage }>;
  };
}

/**
 * Spend metering and the ledger: every call actually sent (not served from the cache) is counted by
 * the meter and logged, with its cost in `served.costUsd`; a votes call's line lists the votes it paid
 * for. Outside the cache, so a call is logged only once its answer is committed: a run killed after
 * the line finds the answer when resumed.
 */
export function withSpend(meter: SpendMeter | undefined, ledger?: CallLedger): ModelMiddleware {
  return (model) => ({
    ...model,
    async chat(request) {
      const started = performance.now();
      const response = await model.chat(request);
      // With no cache around the model, a call is logged under the key the cache would keep it under
      // (core/cacheKey.ts): a run with --no-cache has the ledger a cached run would have.
      const served: CallServed = response.served ?? { cached: false, key: requestKey(model, request), latencyMs: Math.round(performance.now() - started) };
      const purpose = request.call?.purpose;
      const log = (usage: Usage, extra: Pick<LedgerCall, 'votes' | 'reconciled'>): number => {
        // Samples are metered with no purpose; a judge call under its kind ('judge', 'af-vote', 'partial').
        const costUsd = meter ? meter.record(model.spec, usage, purpose === 'sample' ? undefined : purpose) : 0;
        ledger?.append({ model: model.spec, purpose: purpose ?? 'sample', cacheKey: served.key, usage, ...(meter ? { costUsd } : {}), ...extra });
        return costUsd;
      };
      const reconcile = ledger?.reconcile;
      // An answer shared with an identical call under way here is that call's to log, not this one's.
      if (request.completionIndices && reconcile?.paymentsHere && !served.shared) {
        // Payments through an earlier cache (a process that was killed) that the ledger lacks, found before
        // this call's line is added (a payment with no vote list is covered by any line under its key);
        // then this call's line, then theirs.
        const unlogged = reconcile.paymentsHere(served.key).filter((payment) => !reconcile.has(served.key, payment.votes));
        const costUsd = served.cached ? undefined : log(response.usage, { votes: served.paidVotes ?? request.completionIndices });
        for (const payment of unlogged) log(payment.usage, { ...(payment.votes ? { votes: payment.votes } : {}), reconciled: true });
        return { ...response, served: costUsd === undefined ? served : { ...served, costUsd } };
      }
      const reconciled = served.cached && !served.shared && reconcile !== undefined && !reconcile.has(served.key) && reconcile.paidHere(served.key);
      if (served.cached && !reconciled) return { ...response, served };
      const votes = request.completionIndices && (reconciled ? undefined : (served.paidVotes ?? request.completionIndices));
      const costUsd = log(response.usage, { ...(votes ? { votes } : {}), ...(reconciled ? { reconciled: true } : {}) });
      return { ...response, served: { ...served, costUsd } };
    },
  });
}

/** Thrown before a call that must not be paid for (a disk without room for its answer): the runner stops, a judge leaves the record unjudged. */
export class NoRoomToPay extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'NoRoomToPay';
  }
}

/**
 * A call that starts a conversation is sent only while each folder (the run's, the cache's) has room for
 * one more paid answer (safeIo's margin); else it throws NoRoomToPay before anything is sent. A call that
 * continues one (its messages hold an answer already: a sample's later turn) is always sent: refusing it
 * would throw away the turns already paid for, since the sample's record is written only at its end. The
 * runner puts it outermost (so a sample is checked before its first turn, cached or not), the judges
 * inside the cache (an answer already cached is still served). A simulated model pays nothing: it is
 * returned as it is.
 */
export function withRoomBeforePaying(folders: ReadonlyArray<{ path: string; what: string }>): ModelMiddleware {
  return (model) =>
    model.simulated
      ? model
      : {
          ...model,
          chat(request) {
            const continues = request.messages.some((m) => m.role === 'assistant');
            const short = continues ? undefined : diskShortBeforePaying(folders);
            return short === undefined ? model.chat(request) : Promise.reject(new NoRoomToPay(short));
          },
        };
}

/** Thrown instead of a call when the budget is spent: the caller stops (a judge leaves the record unjudged). */
export class BudgetExhausted extends Error {
  constructor() {
    super('budget exhausted before this call');
    this.name = 'BudgetExhausted';
  }
}

/** No call is sent once the meter's budget is spent. Inside the cache: an answer already cached is still served. */
export function withBudget(meter: Pick<SpendMeter, 'exhausted'> | undefined): ModelMiddleware {
  return (model) => ({
    ...model,
    chat(request) {
      if (meter?.exhausted()) return Promise.reject(new BudgetExhausted());
      return model.chat(request);
    },
  });
}

/**
 * Native reasoning in one shape: a response whose text still carries `<think>` blocks (open models
 * served without a reasoning parser, chat templates the local runtime does not know) has them moved
 * to `nativeReasoning`, joined after reasoning the provider already found in its own fields or
 * segments (their tokens kept). A reasoning field of the API (`reasoning_content`) is the reasoning:
 * the text is then left as it is.
 */
export function withReasoning(): ModelMiddleware {
  return (model) => ({
    ...model,
    async chat(request) {
      return reasoningOf(await model.chat(request));
    },
  });
}

export function reasoningOf(response: ChatResponse): ChatResponse {
  const native = response.nativeReasoning;
  if (native?.source === 'reasoning_content') return response;
  const tagged = thinkTagReasoning(response.text);
  if (!tagged.nativeReasoning) return response;
  const text = [native?.text, tagged.nativeReasoning.text].filter((t): t is string => !!t).join('\n\n');
  const joined: NativeReasoning = { text: text || null, source: 'think-tags', ...(native?.tokens !== undefined ? { tokens: native.tokens } : {}) };
  return { ...response, text: tagged.text, nativeReasoning: joined };
}
