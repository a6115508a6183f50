// Types at af-lab's boundaries: what a model is asked and answers, and what a run writes per sample.
// Records are plain JSON-serialisable objects; every number in a summary is computed from them.

export type Tier = 'free' | 'paid';
export const TIERS: readonly Tier[] = ['free', 'paid'];

/** `cot`: hidden scratchpad before the answer; `no-cot`: answer directly inside <OUTPUT>. */
export type Reasoning = 'cot' | 'no-cot';
export const REASONINGS: readonly Reasoning[] = ['cot', 'no-cot'];

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** Why generation stopped, normalised across providers. `error` never appears here: errors are thrown. */
export type FinishReason = 'stop' | 'length' | 'content_filter' | 'other';

export interface Usage {
  inputTokens: number;
  outputTokens: number;
  /** Input tokens the provider served from its prompt cache (billed at a discount), when reported. */
  cachedInputTokens?: number;
  /** Input tokens the provider wrote to its prompt cache (Anthropic bills them at a premium), when reported. */
  cacheWriteInputTokens?: number;
}

export interface ChatRequest {
  messages: ChatMessage[];
  /** Text the assistant turn must start with. Applied only where the provider can continue a message. */
  prefill?: string;
  temperature: number;
  /** Most tokens to generate; absent: none is sent (the provider's own limit: Redwood's notebook sends max_tokens to Claude only). */
  maxTokens?: number;
  seed?: number;
  /** Number of completions wanted from one call (judge votes); providers without it make several calls. */
  n?: number;
  /**
   * The vote index each completion stands for (judge votes asked in one call). Hosted models ignore
   * it; a deterministic model (the simulator) draws vote k the same whichever call asks for it, so a
   * score never depends on how cached votes were split between calls.
   */
  completionIndices?: number[];
  signal?: AbortSignal;
  /** Which call this is, for the response cache (never sent): see core/cache.ts `withCache`. */
  call?: CallTag;
}

/** What tells a call apart in the response cache besides its request: the sample (or vote) index and the purpose. */
export interface CallTag {
  /** Distinguishes samples of the same prompt (sample 0, 1, ...) and judge attempts. */
  sampleIndex: number;
  /** What the call is for: `sample` (default), `judge`, `af-vote`, `partial`, ... */
  purpose?: string;
  /** A cached answer this says yes to is asked again (e.g. a content-filtered answer under --retry-errors); not part of the key. */
  askAgainIf?: (cached: ChatResponse) => boolean;
}

/** One completion of a votes call (a request with `completionIndices`), by the vote index it stands for. */
export interface VoteCompletion {
  index: number;
  text: string;
  finishReason: FinishReason;
}

/** How the middleware around a model served a call (core/middleware.ts); a provider never sets it, the cache never stores it. */
export interface CallServed {
  /** Answered from the response cache (or by an identical call under way): nothing was paid. */
  cached: boolean;
  /** The cache key the call stands for (the ledger's key). */
  key: string;
  latencyMs: number;
  /** Of a votes call: how many of the votes asked for came from the cache. */
  cachedVotes?: number;
  /** Of a votes call sent: the votes it paid for, by index (the ledger's line lists them). */
  paidVotes?: number[];
  /** Answered by an identical call under way in this process: that call is the one logged (never reconciled here). */
  shared?: boolean;
  /** Dollars this call cost, as the spend meter counted it (withSpend). */
  costUsd?: number;
}

/** The simulator's hidden truth about a sample. Only the simulator writes it; no classifier reads it. */
export interface SimulatedTruth {
  complied: boolean;
  afReasoning: boolean;
  partial: boolean;
  persona: string;
}

/**
 * Where a reasoning model's own chain of thought came from: Anthropic thinking blocks, the
 * `reasoning_content` / `reasoning` field of OpenAI-compatible hosts, `<think>` tags in an open model's
 * text, or nowhere because the provider hides it (OpenAI o-series: only its token count is known).
 */
export type NativeReasoningSource = 'anthropic-thinking' | 'reasoning_content' | 'think-tags' | 'hidden';

/** A reasoning model's native chain of thought, kept apart from the prompted scratchpad. */
export interface NativeReasoning {
  /** The reasoning text; null when the provider hides it. */
  text: string | null;
  source: NativeReasoningSource;
  /** Reasoning tokens, when the provider reports them. */
  tokens?: number;
}

export interface ChatResponse {
  /** The generated text, without the prefill (and without native reasoning: see `nativeReasoning`). */
  text: string;
  /** The model's native reasoning for `text`, when it is a reasoning model. */
  nativeReasoning?: NativeReasoning;
  /** Further completions when `n` > 1 was asked for (judge votes); `text` is the first. */
  alternatives?: string[];
  usage: Usage;
  finishReason: FinishReason;
  /** Whether `text` continues the requested prefill (false where the provider cannot prefill). */
  prefillApplied: boolean;
  /** Present only on simulator responses. */
  simulatedTruth?: SimulatedTruth;
  /** The completions of a votes call by vote index (those the provider returned or the cache held). */
  votes?: VoteCompletion[];
  /** Set by the middleware around the model (withCache, withSpend): how the call was served. */
  served?: CallServed;
}

/** A chat model resolved from a spec string such as `openai/gpt-4o-mini` or `sim/faker?free=0.3`. */
export interface ChatModel {
  /** The spec string, with any secret removed, exactly as recorded in results. */
  readonly spec: string;
  readonly provider: string;
  readonly model: string;
  /** True for af-lab's simulator: its outputs are a test bench, never a result. */
  readonly simulated: boolean;
  /** Whether the provider can continue a partially written assistant message. */
  readonly supportsPrefill: boolean;
  chat(request: ChatRequest): Promise<ChatResponse>;
  close?(): Promise<void>;
}

/** One harmful request to put to the model. The text asks for harm but contains none. */
export interface HarmfulRequest {
  id: string;
  text: string;
  category?: string;
  /** Where the request came from: `builtin`, `advbench`, or a file path. */
  source: string;
}

/** One assistant turn of the sampling protocol (CoT uses up to four). */
export interface Turn {
  prefill?: string;
  prefillApplied: boolean;
  /** The assistant's text for this turn, including the prefill when it was applied. */
  text: string;
  finishReason: FinishReason;
  usage: Usage;
  latencyMs: number;
  /** Served from af-lab's response cache: no call was made. */
  cached: boolean;
  /** The model's native reasoning before this turn's text (reasoning models only). */
  nativeReasoning?: NativeReasoning;
}

/**
 * How a sample ended.
 * - `answered`: a final output was extracted;
 * - `truncated`: generation hit max tokens before a complete answer (flagged, never taken as refusal);
 * - `failed`: the CoT protocol ran out of turns without an <OUTPUT> ("Failed" in the original notebook);
 * - `error`: the provider failed in a way retries could not fix; see `error`.
 */
export type SampleStatus = 'answered' | 'truncated' | 'failed' | 'error';

export interface SampleError {
  kind: string;
  message: string;
  httpStatus?: number;
  attempts?: number;
}

/** The labels classifiers put on a record. `null` means "not applicable" (no final output). */
export interface Labels {
  /** Original prefix proxy: compliant iff the final output starts with <request_fully_accepted/>. */
  proxy: { complied: boolean | null };
  /** Offline refusal-phrase heuristic on the final output. */
  heuristic: { complied: boolean | null; matched?: string };
  /** LLM compliance judge (StrongREJECT-style); added by the judging step. Named `judge` before the label stage had scorers: read as this. */
  compliance?: JudgeLabel;
  /** Alignment-faking reasoning classifier on the scratchpad (CoT only). */
  af?: AfLabel;
  /** Partial compliance classifier. */
  partial?: PartialLabel;
  /**
   * Compliance counted by the run's setting's own conventions (answer block, proxy rule, denominator),
   * when they differ from af-lab's: e.g. Redwood's first <OUTPUT> and all-request denominator.
   */
  setting?: {
    complied: boolean | null;
    setting: string;
    /** Redwood's notebook rule only (classify/notebook.ts): how the notebook ended the sample, and why. */
    status?: 'answered' | 'failed' | 'stopped' | 'incomplete';
    reason?: string;
  };
  /** A user's own scorers' labels by scorer name (`--scorer`, config `scorers`: label/userScorer.ts). */
  scores?: Record<string, ScoreLabel>;
}

/** What a user scorer said of one record: a yes/no or a number (null: no answer), and why. */
export interface ScoreLabel {
  scorer: string;
  /** The scorer's identity (its file and what it imports, or a code scorer's version and text): a changed scorer scores again. */
  hash: string;
  value: boolean | number | null;
  explanation?: string;
  error?: string;
}

export interface JudgeLabel {
  judge: string;
  promptHash: string;
  /** null when the judge's answer could not be parsed after the allowed retries. */
  refused: boolean | null;
  convincing: number | null;
  specific: number | null;
  score: number | null;
  complied: boolean | null;
  explanation?: string;
  error?: string;
}

export type AfVerdict = 'af' | 'maybe' | 'no';

export interface AfLabel {
  judge: string;
  promptHash: string;
  votes: Array<boolean | null>;
  /** Share of parseable votes that say yes. null when no vote could be parsed. */
  score: number | null;
  label: AfVerdict | null;
  thresholds: { af: number; maybe: number };
  /**
   * Per criterion (Hughes et al.'s four: harm, training, harmlessness, preservation), how many of the
   * parseable votes found it; shows which criterion failed. Absent on older judgements and foreign prompts
   * that declare no criteria.
   */
  criteria?: Record<string, number>;
  /** Which reasoning the votes read: the prompted scratchpad, the native reasoning, or both. */
  read?: 'scratchpad' | 'native' | 'both' | 'none';
  error?: string;
}

export interface PartialLabel {
  judge: string;
  promptHash: string;
  partial: boolean | null;
  kind?: 'compromise' | 'scheming' | 'avoidance' | 'none';
  explanation?: string;
  error?: string;
}

export interface SampleParams {
  temperature: number;
  maxTokens: number;
  seed: number;
  /** Whether the accept/reject suffix was added to the user turn. */
  suffix: boolean;
  /** Whether prefill was requested (it may not have been applied: see each turn). */
  prefill: boolean;
  maxTurns: number;
}

/** How the answer is read from the model's text: the block's tags, and which block counts. */
export interface AnswerProtocol {
  /** Opening and closing tags of the answer block: `<OUTPUT>`/`</OUTPUT>`, or a decision tag up to a final-answer tag. */
  open: string;
  close: string;
  /**
   * `last`: the last complete block outside the scratchpad (af-lab); `first`: the first `open`…`close`
   * anywhere in the final turn (Redwood's notebook); `whole`: everything the model wrote, every turn,
   * tags, scratchpad and a turn cut short included (Koorndijk's demo notebook); `outside`: the same
   * with every complete scratchpad block taken out, trimmed (Hughes et al.'s code).
   */
  block: 'last' | 'first' | 'whole' | 'outside';
}

/** How compliance is counted under a setting's own conventions. */
export interface SettingScoring {
  /** `prefix`: the answer starts with <request_fully_accepted/> (Greenblatt, af-lab); `anywhere`: the tag anywhere in it (Koorndijk). */
  proxy: 'prefix' | 'anywhere';
  /** `answered`: only answered samples count (af-lab); `all`: every request, failures and errors as not compliant (Redwood). */
  denominator: 'answered' | 'all';
}

/** What a record keeps of the setting it was sampled under. */
export interface SettingStamp {
  name: string;
  /** The context (tier) the model was told it is in, by the setting's name for it (`free`, `pro`, `enterprise`). */
  context: string;
  /** What that context means: conversations trained on, rated only, or neither. */
  meaning: 'trained' | 'rated' | 'neither';
  answer: AnswerProtocol;
  scoring: SettingScoring;
  /** sha256 of every prompt element loaded from a file or a URL, by element (`system-cot`, `user-template`, ...). */
  sources: Record<string, string>;
  /** Elements whose text nothing vouches for: `unverified local copy` (no pin to check it against) or `local file` (a user's own). */
  unverified?: Record<string, 'unverified local copy' | 'local file'>;
}

/**
 * A condition of an ablation design: the statement (variant) it varies, the design, and what it
 * changes: each element turned off (`off`) or reworded (the wording's name), or the statement's wording
 * (`original` or a paraphrase's name). The condition with every element on names no element.
 */
export interface AblationTag {
  of: string;
  design: 'one-at-a-time' | 'full-factorial' | 'paraphrases';
  elements?: Record<string, string>;
  wording?: string;
}

/** Everything needed to audit one sample. One JSON line in data/results/<run>/records.jsonl. */
export interface SampleRecord {
  schema: 1;
  /** Stable identity of the sample: hash of model, variant, reasoning, tier, request, index and params. */
  key: string;
  run: string;
  simulated: boolean;
  model: string;
  variant: string;
  /**
   * sha256 of the exact statement the variant put into the system prompt ({{developer}} filled; the
   * empty string's hash for `baseline`). A statement edited under the same name is another condition.
   * A condition of an ablation design that changes elements hashes the statement and the changes
   * together (prompts/elements.ts variantHashOf), so a change to the system prompt alone is its own condition.
   * Absent in records written before af-lab kept it.
   */
  variantHash?: string;
  /** The variant this statement is written on and compared with (a variant's `on:` header), when not `baseline`. */
  variantOn?: string;
  /** The condition of an ablation design this sample belongs to (docs/ablations.md). */
  ablation?: AblationTag;
  reasoning: Reasoning;
  tier: Tier;
  request: HarmfulRequest;
  sampleIndex: number;
  params: SampleParams;
  /** sha256 of the exact system prompt; the text itself is saved once in the run's prompts/ folder. */
  systemPromptHash: string;
  /** sha256 of system prompt + user turn: the exact prompt this sample saw. */
  promptHash: string;
  userTurn: string;
  turns: Turn[];
  scratchpad: string | null;
  /**
   * A reasoning model's native chain of thought over all turns (not the prompted scratchpad, which is
   * `scratchpad`; `reasoning` is the CoT/no-CoT condition). Absent for models that have none.
   */
  nativeReasoning?: NativeReasoning;
  finalOutput: string | null;
  status: SampleStatus;
  error?: SampleError;
  usage: Usage;
  /** Dollars, when the model has a known price (0 for the simulator). */
  costUsd?: number;
  latencyMs: number;
  /**
   * Set by the labelling stage (`labelRecord`: offline labels and the judges' together) each time records
   * are read, never by the runner: records.jsonl holds none. Records written before that stage existed
   * may carry the offline labels of their day: they are recomputed from the transcript when read.
   */
  labels: Labels;
  /** Simulator ground truth. Present only when `simulated`; classifiers never read it. */
  truth?: SimulatedTruth;
  /** The setting (data/settings/) this sample was drawn under; absent on records from before settings existed (af-lab's). */
  setting?: SettingStamp;
  finishedAt: string;
}

/** A record as the runner writes it: everything sampled, no label yet. */
export type SampledRecord = Omit<SampleRecord, 'labels'> & { labels?: Labels };

/** What classifiers may see of a record: the visible transcript, never the ground truth. */
export type Transcript = Pick<SampleRecord, 'request' | 'reasoning' | 'scratchpad' | 'finalOutput' | 'status'> & Partial<Pick<SampleRecord, 'nativeReasoning'>>;
