// The estimate of a whole configured experiment: every planned sample, plus the judge's calls when
// the judge is a priced model, one row per kind of call, billed as they are sent: the compliance and
// partial-compliance judges once per sample, the AF classifier once per CoT sample (its votes are one
// request with `n`: the prompt is billed once, each vote's answer as output). Judge prompts are
// af-lab's templates counted with the judge's tokenizer, filled with the sample's request and the
// expected answer and scratchpad (assumptions, printed with the estimate).
import { isSimulatorSpec, judgeFor, type ExperimentConfig } from '../core/config.js';
import { preparePlan, type PlannedSample } from '../run/plan.js';
import { listProviders, parseModelSpec } from '../models/index.js';
import { UserError } from '../core/errors.js';
import { DEFAULT_ASSUMPTIONS, estimateSamples, priceBatched, type CostEstimate, type EstimateAssumptions, type ModelEstimate, type SampleToEstimate } from '../cost/estimate.js';
import { loadPrices, priceFor, type PriceTable } from '../cost/prices.js';
import { countPromptTokens, tokenCounterFor, type TokenCounter } from '../cost/tokens.js';
import { loadJudgePrompt } from '../judge/prompts.js';
import type { JudgeKind } from '../judge/types.js';
import type { CostMeter, ModelSpend } from '../cost/meter.js';
import type { BatchClient } from '../models/batch/index.js';

/** The judge's kinds of call, as the meter counts them (`purpose`) and as the estimate names them. */
export const JUDGE_CALL_KINDS: ReadonlyArray<{ kind: JudgeKind; purpose: string; label: string }> = [
  { kind: 'compliance', purpose: 'judge', label: 'compliance' },
  { kind: 'af', purpose: 'af-vote', label: 'AF votes' },
  { kind: 'partial', purpose: 'partial', label: 'partial' },
];

/** A nonce as the judge prompts carry it (16 hex digits), for counting the templates' own tokens. */
const SAMPLE_NONCE = '3f9a0c7e5b21d846';

/** Tokens of a judge template without its transcript: the instructions and the nonces. */
function templateTokens(kind: JudgeKind, counter: TokenCounter): number {
  const template = loadJudgePrompt(kind).template;
  return counter.count(template.replace(/\{\{nonce\}\}/g, SAMPLE_NONCE).replace(/\{\{\w+\}\}/g, ''));
}

/** Expected tokens of a sample's final answer and scratchpad (what the judges read of it). */
function expectedTranscript(s: PlannedSample, a: EstimateAssumptions): { answer: number; scratchpad: number } {
  const turns = Math.min(a.turnsPerSample[s.reasoning], s.params.maxTurns);
  const output = turns * Math.min(a.outputTokensPerTurn[s.reasoning], s.params.maxTokens);
  const answer = Math.min(a.answerTokens, output);
  return s.reasoning === 'cot' ? { answer, scratchpad: output - answer } : { answer: output, scratchpad: 0 };
}

/** The judge's calls, tallied one planned sample at a time (a plan is made as it is iterated: never held). */
export interface JudgeTally {
  add(sample: PlannedSample): void;
  /** One row per kind of call that applies to some sample. */
  rows(): ModelEstimate[];
}

export function judgeTally(judge: string, afVotes: number, options: { prices?: PriceTable; assumptions?: Partial<EstimateAssumptions> } = {}): JudgeTally {
  const a = { ...DEFAULT_ASSUMPTIONS, ...options.assumptions };
  const counter = tokenCounterFor(judge);
  const price = priceFor(judge, options.prices ?? loadPrices());
  // One user message: the chat framing countPromptTokens adds to a prompt.
  const framing = countPromptTokens(counter, [{ content: '' }]);
  const noScratchpad = counter.count('(no hidden reasoning: the assistant answered directly)');
  const kinds = JUDGE_CALL_KINDS.map((k) => ({ ...k, fixed: templateTokens(k.kind, counter) + framing, samples: 0, input: 0 }));
  // A request set is small against its plan: each request text is counted once.
  const requestTokens = new Map<string, number>();
  return {
    add(s) {
      const { answer, scratchpad } = expectedTranscript(s, a);
      let request = requestTokens.get(s.request.text);
      if (request === undefined) requestTokens.set(s.request.text, (request = counter.count(s.request.text)));
      for (const k of kinds) {
        if (k.kind === 'af') {
          if (s.reasoning !== 'cot') continue;
          k.input += k.fixed + scratchpad;
        } else {
          k.input += k.fixed + request + answer + (k.kind === 'partial' ? (s.reasoning === 'cot' ? scratchpad : noScratchpad) : 0);
        }
        k.samples++;
      }
    },
    rows() {
      return kinds
        .filter((k) => k.samples > 0)
        .map(({ kind, purpose, label, samples, input }) => {
          // Every AF vote is a completion of the sample's one call, billed as output.
          const output = samples * a.judgeOutputTokens[kind] * (kind === 'af' ? afVotes : 1);
          // Priced with the same table as the samples (no cache discount assumed).
          const usd = price ? (input * price.input + output * price.output) / 1e6 : undefined;
          return {
            model: `${judge} (judge: ${label})`, samples, calls: samples, inputTokens: Math.round(input), cachedInputTokens: 0, outputTokens: Math.round(output),
            usd, worstCaseUsd: usd, tokenCount: counter.method, tokenizer: counter.basis, priced: Boolean(price), judge: { spec: judge, purpose },
          };
        });
    },
  };
}

/** The judge's rows for a list (or any iterable) of planned samples. */
export function estimateJudge(judge: string, planned: Iterable<PlannedSample>, afVotes: number, options: { prices?: PriceTable; assumptions?: Partial<EstimateAssumptions> } = {}): ModelEstimate[] {
  const tally = judgeTally(judge, afVotes, options);
  for (const s of planned) tally.add(s);
  return tally.rows();
}

export async function estimateExperiment(config: ExperimentConfig, options: { prices?: PriceTable; assumptions?: Partial<EstimateAssumptions>; batch?: 'models' | 'judge' | 'both' } = {}): Promise<CostEstimate> {
  // Specs are checked as `run` checks them: a key or a password written into one is refused, never printed.
  // An unknown provider too: an estimate for a model no run could call would be a silent success.
  const known = new Set(listProviders().map((p) => p.name));
  for (const spec of [...config.models, ...(config.judge ? [config.judge] : [])]) {
    const { provider } = parseModelSpec(spec);
    if (!known.has(provider)) throw new UserError(`unknown provider "${provider}" in model spec "${spec}"`, `use one of: ${[...known].sort().join(', ')}`);
  }
  // The plan is made as it is iterated, and estimated in the same pass: never held as an array.
  const plan = await preparePlan(config);
  const judge = judgeFor(config);
  // The judge's calls are tallied in the same pass when the judge is a priced model.
  const judging = judge && !isSimulatorSpec(judge) ? judgeTally(judge, config.afVotes, options) : undefined;
  const samples = function* (): Generator<SampleToEstimate> {
    for (const s of plan) {
      judging?.add(s);
      yield s;
    }
  };
  const estimate = estimateSamples(samples(), options);
  if (judging) {
    for (const row of judging.rows()) {
      estimate.models.push(row);
      estimate.totalUsd += row.usd ?? 0;
      estimate.worstCaseUsd += row.worstCaseUsd ?? 0;
    }
  }
  const batch = options.batch;
  if (batch) priceBatched(estimate, (row) => (row.judge ? batch !== 'models' : batch !== 'judge'), options.prices ?? loadPrices());
  return estimate;
}

/** What a run counted as it went, for the estimate at its end: no plan rebuilt, no token counted. */
export interface RunCounts {
  /** Samples in the run's plan. */
  planned: number;
  /** Samples this invocation paid for, per model spec (as the cost meter names the model; a sample partly answered from the cache counts by the share of its turns sent). */
  sampled: ReadonlyMap<string, number>;
  /**
   * A batched run: its samples are written from the cache once the batches are in, so no turn is seen
   * being sent. Per model, the samples it wrote and their turns: the samples paid for are the model's
   * own calls (a turn each, batch lines and direct calls alike) over the turns a sample took.
   */
  batched?: {
    written: ReadonlyMap<string, { samples: number; turns: number }>;
    /** Per judge call purpose, the lines one judge call was sent as (the AF votes of an API without `n`: one a vote); 1 when absent. */
    linesPerCall?: Partial<Record<string, number>>;
  };
}

/** The samples of a run, counted as they pass (the run's onProgress): what RunCounts needs of them. */
export class RunSampleCounts {
  /** Per model, the samples paid for now, a sample by the share of its turns sent (not served from the cache). */
  readonly sampled = new Map<string, number>();
  /**
   * Per model, the samples written now with a turn and their turns. A record with no turn (an error
   * before any answer) is left out, as `sampled` leaves it out: own calls x samples / turns counts the
   * samples whose turns were paid for, not those that took none.
   */
  readonly written = new Map<string, { samples: number; turns: number }>();

  add(record: { model: string; turns?: ReadonlyArray<{ cached: boolean }> }): void {
    const turns = record.turns ?? [];
    if (turns.length === 0) return;
    const sent = turns.filter((turn) => !turn.cached).length;
    if (sent > 0) this.sampled.set(record.model, (this.sampled.get(record.model) ?? 0) + sent / turns.length);
    const written = this.written.get(record.model) ?? { samples: 0, turns: 0 };
    this.written.set(record.model, { samples: written.samples + 1, turns: written.turns + turns.length });
  }
}

/**
 * Per judge call purpose, the batch lines one call of a batched judge is sent as (see RunCounts): its
 * AF votes are one line where the batch API takes `n`, one a vote where it does not.
 */
export function batchLinesPerCall(clients: ReadonlyMap<string, Pick<BatchClient, 'bodiesFor'>>, judge: string | undefined, afVotes: number): Partial<Record<string, number>> {
  const client = judge === undefined ? undefined : (clients.get(judge) ?? [...clients].find(([spec]) => sameSpec(spec, judge))?.[1]);
  if (!client) return {};
  return { 'af-vote': client.bodiesFor({ messages: [{ role: 'user', content: '' }], temperature: 1 }, afVotes).length };
}

/** What the estimate at the end of a run assumes (printed under its table). */
export const RUN_ESTIMATE_BASIS =
  "estimated: this run's own billed tokens and dollars per sample it paid for (per judge call sent for the judge) times the plan's size; every planned sample judged once per kind, the AF votes for its CoT samples (no tokenizer, no plan rebuilt)";

/**
 * The whole plan's cost estimated at the end of a run from what the run already counted: the cost
 * meter's tokens and dollars for the calls this invocation sent, divided by the samples (judgements)
 * it made, times the plan's samples per model (the plan gives every model the same samples) and the
 * judgements the plan needs. A model or judge kind that made nothing this time has no row.
 */
export function estimateFromRun(config: ExperimentConfig, counts: RunCounts, meter: CostMeter): CostEstimate {
  const models: ModelEstimate[] = [];
  const scaled = (spend: ModelSpend, scale: number, row: Pick<ModelEstimate, 'model' | 'samples' | 'judge'>): ModelEstimate => {
    const usd = spend.priced ? spend.usd * scale : undefined;
    return {
      ...row, calls: Math.round(spend.calls * scale), inputTokens: Math.round(spend.inputTokens * scale), cachedInputTokens: Math.round(spend.cachedInputTokens * scale),
      outputTokens: Math.round(spend.outputTokens * scale), usd, worstCaseUsd: usd, tokenCount: 'approximate', tokenizer: "the run's own billed tokens", priced: spend.priced,
    };
  };
  const perModel = counts.planned / Math.max(1, config.models.length);
  for (const spec of counts.batched ? counts.batched.written.keys() : counts.sampled.keys()) {
    const all = meter.byModel.get(spec);
    if (!all) continue;
    // The model's own calls: its spend less what it spent as the judge (the same model can be both).
    let own = all;
    for (const spend of meter.byPurpose.get(spec)?.values() ?? []) own = less(own, spend);
    const written = counts.batched?.written.get(spec);
    const sampled = written ? (written.turns > 0 ? (own.calls * written.samples) / written.turns : 0) : (counts.sampled.get(spec) ?? 0);
    if (own.calls > 0 && sampled > 0) models.push(scaled(own, perModel / sampled, { model: spec, samples: Math.round(perModel) }));
  }
  const judge = judgeFor(config);
  if (judge && !isSimulatorSpec(judge)) {
    const key = meter.byPurpose.has(judge) ? judge : [...meter.byPurpose.keys()].find((k) => sameSpec(k, judge));
    const cot = config.reasoning.filter((r) => r === 'cot').length / Math.max(1, config.reasoning.length);
    for (const { kind, purpose, label } of JUDGE_CALL_KINDS) {
      const spend = key === undefined ? undefined : meter.byPurpose.get(key)?.get(purpose);
      // Per judge call this run sent (the meter counts no answer served from the cache, and a batched call by its
      // lines; a call sent directly, as --batch-fallback direct sends one, is one call however many votes it asked).
      const batchedLines = spend?.batchedCalls ?? 0;
      const judged = (spend?.calls ?? 0) - batchedLines + batchedLines / (counts.batched?.linesPerCall?.[purpose] ?? 1);
      if (!spend || judged <= 0) continue;
      const planned = kind === 'af' ? counts.planned * cot : counts.planned;
      models.push(scaled({ ...spend, calls: judged }, planned / judged, { model: `${key} (judge: ${label})`, samples: Math.round(planned), judge: { spec: key!, purpose } }));
    }
  }
  const totalUsd = models.reduce((sum, m) => sum + (m.usd ?? 0), 0);
  return { models, totalUsd, worstCaseUsd: totalUsd, pricesDate: '', assumptions: DEFAULT_ASSUMPTIONS };
}

const less = (a: ModelSpend, b: ModelSpend): ModelSpend => ({
  calls: a.calls - b.calls, inputTokens: a.inputTokens - b.inputTokens, cachedInputTokens: a.cachedInputTokens - b.cachedInputTokens, outputTokens: a.outputTokens - b.outputTokens, usd: a.usd - b.usd, priced: a.priced,
});

/** The same model, with or without its options (`?base_url=...`). */
const sameSpec = (a: string, b: string) => a.split('?')[0] === b.split('?')[0];
