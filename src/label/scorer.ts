// A scorer, in inspect_ai's shape: a named function from one sampled record to a score (a value and
// why), which says first whether it applies to the record. af-lab's own labels are scorers (proxy,
// heuristic, setting: offline; compliance, af, partial: LLM judges) and so is a user's own file
// (userScorer.ts). A registry holds them by name for one labelling pass (ScorerRegistry).
import type { SampledRecord, Usage } from '../core/types.js';
import { UserError } from '../core/errors.js';
import type { JudgeContext } from '../judge/call.js';
import type { JudgePrompt } from '../judge/prompts.js';
import type { AfThresholds, AnyJudgeLabel, JudgeKind, JudgeOutcome } from '../judge/types.js';
import { SCORER_NAME } from './schema.js';
import type { Judgement } from './types.js';

/** What a scorer sees of a record: everything sampled, never the simulator's ground truth or other labels. */
export type ScoredRecord = Omit<SampledRecord, 'truth' | 'labels'>;

/** The record without its ground truth and labels, named field by field out of the way. */
export function scoredRecordOf(record: SampledRecord): ScoredRecord {
  const { truth: _truth, labels: _labels, ...visible } = record;
  return visible;
}

/** A scorer's verdict on one record. */
export interface Score<V = unknown> {
  value: V;
  explanation?: string;
  /** Tokens the scorer spent (an LLM scorer's calls). */
  usage?: Usage;
  /** An LLM judge's full account (calls, cache hits, cost, a provider error): stored beside the label. */
  outcome?: JudgeOutcome<AnyJudgeLabel>;
}

/** What a scorer may use: the judge model's plumbing and prompts (absent when no judge runs), the AF options. */
export interface ScorerContext {
  judge?: JudgeContext;
  prompts: Partial<Record<JudgeKind, JudgePrompt>>;
  afVotes: number;
  afThresholds: AfThresholds;
  signal?: AbortSignal;
}

/**
 * How a scorer's labels live: `offline` ones are computed again every time records are read (free,
 * pure functions of the transcript); `judge` ones call the LLM judge and `user` ones run a user's code,
 * and both are stored in judgements.jsonl, so a resumed run does not score a record twice.
 */
export type ScorerSource = 'offline' | 'judge' | 'user';

export interface Scorer<V = unknown> {
  name: string;
  description?: string;
  source: ScorerSource;
  appliesTo(record: ScoredRecord): boolean;
  score(record: ScoredRecord, ctx: ScorerContext): Promise<Score<V>>;
  /** Offline scorers: the label now, synchronously (what the labelling stage calls on every read). */
  labelNow?(record: ScoredRecord): V;
  /** Stored scorers: whether an earlier judgement settles the record (default: one that completed). */
  settles?(line: Judgement, ctx: ScorerContext): boolean;
  /** Stored scorers: the identity stored with each judgement (a judge prompt's hash, a file's sha256). */
  hash?(ctx: ScorerContext): string;
}

/** The scorers of one labelling pass by name: af-lab's built-in ones, then the user's. */
export class ScorerRegistry {
  readonly #byName = new Map<string, Scorer>();

  constructor(scorers: readonly Scorer[] = []) {
    for (const scorer of scorers) this.register(scorer);
  }

  /** Adds a scorer; its name must be new and a stored name (letters, digits, `_`, `-`). */
  register(scorer: Scorer): this {
    if (!SCORER_NAME.test(scorer.name)) {
      throw new UserError(`scorer name "${scorer.name}" is not a plain name`, 'name a scorer with letters, digits, _ and - (starting with a letter)');
    }
    if (scorer.name in Object.prototype) {
      throw new UserError(`scorer name "${scorer.name}" is a built-in name of JavaScript objects`, 'give your scorer another name');
    }
    if (this.#byName.has(scorer.name) || scorer.name === 'judge') {
      throw new UserError(`a scorer named "${scorer.name}" is already registered`, `give your scorer another name than ${[...this.#byName.keys(), 'judge'].join(', ')}`);
    }
    this.#byName.set(scorer.name, scorer);
    return this;
  }

  get(name: string): Scorer | undefined {
    return this.#byName.get(name);
  }

  /** Every scorer, in the order registered. */
  all(): Scorer[] {
    return [...this.#byName.values()];
  }

  /** The scorers of one source, in the order registered. */
  from(source: ScorerSource): Scorer[] {
    return this.all().filter((scorer) => scorer.source === source);
  }
}
