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
  maxTokens: number;
  seed?: number;
  /** Number of completions wanted from one call (judge votes); providers without it make several calls. */
  n?: number;
  signal?: AbortSignal;
}

/** The simulator's hidden truth about a sample. Only the simulator writes it; no classifier reads it. */
export interface SimulatedTruth {
  complied: boolean;
  afReasoning: boolean;
  partial: boolean;
  persona: string;
}

export interface ChatResponse {
  /** The generated text, without the prefill. */
  text: string;
  /** Further completions when `n` > 1 was asked for (judge votes); `text` is the first. */
  alternatives?: string[];
  usage: Usage;
  finishReason: FinishReason;
  /** Whether `text` continues the requested prefill (false where the provider cannot prefill). */
  prefillApplied: boolean;
  /** Present only on simulator responses. */
  simulatedTruth?: SimulatedTruth;
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
  /** LLM compliance judge (StrongREJECT-style); added by the judging step. */
  judge?: JudgeLabel;
  /** Alignment-faking reasoning classifier on the scratchpad (CoT only). */
  af?: AfLabel;
  /** Partial compliance classifier. */
  partial?: PartialLabel;
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
   * Absent in records written before af-lab kept it.
   */
  variantHash?: string;
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
  finalOutput: string | null;
  status: SampleStatus;
  error?: SampleError;
  usage: Usage;
  /** Dollars, when the model has a known price (0 for the simulator). */
  costUsd?: number;
  latencyMs: number;
  /**
   * Set by the labelling stage (judge/labels.ts: offline labels and the judges' together), never by the
   * runner. Records written before that stage existed may carry the offline labels of their day: they
   * are recomputed from the transcript when read.
   */
  labels: Labels;
  /** Simulator ground truth. Present only when `simulated`; classifiers never read it. */
  truth?: SimulatedTruth;
  finishedAt: string;
}

/** A record as the runner writes it: everything sampled, no label yet. */
export type SampledRecord = Omit<SampleRecord, 'labels'> & { labels?: Labels };

/** What classifiers may see of a record: the visible transcript, never the ground truth. */
export type Transcript = Pick<SampleRecord, 'request' | 'reasoning' | 'scratchpad' | 'finalOutput' | 'status'>;
