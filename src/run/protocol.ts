// The sampling protocol of the helpful-only setting (Redwood's minimal notebook):
// CoT: up to `maxTurns` assistant turns; after each, an answer outside the scratchpad ends the
// sample, a closed scratchpad without an answer gets the user turn <NEXT/>, and text with no tags
// at all is itself the answer. No-CoT: one turn. Prefill `<` (CoT) or `<OUTPUT>` (no-CoT) where the
// provider can continue a message. A setting that follows Redwood's notebook (answer block `first`)
// ends its turns where the notebook does instead (classify/notebook.ts: at any </OUTPUT>, even a
// quoted one); af-lab's own reading of the last turn (status, final output) stays beside.
import type { ChatMessage, ChatModel, ChatResponse, SampleError, SampleRecord, SampleStatus, SimulatedTruth, Turn, Usage } from '../core/types.js';
import { NoRoomToPay } from '../core/middleware.js';
import { addUsage, ZERO_USAGE } from '../core/usage.js';
import { joinNativeReasoning } from '../core/reasoning.js';
import { describeCallError } from '../models/errors.js';
import { notebookStep } from '../classify/notebook.js';
import { extractOutput, extractScratchpad, hasOutput, type AnswerTags } from './extract.js';
import type { PlannedSample } from './plan.js';

/** What the protocol settles for a sample: the parts of its record that come from the model. */
export type ProtocolResult = Pick<SampleRecord, 'turns' | 'scratchpad' | 'nativeReasoning' | 'finalOutput' | 'status' | 'error' | 'usage' | 'latencyMs' | 'truth'>;

export interface ProtocolOptions {
  /** Ask again, not from the cache, a turn whose cached answer was content-filtered (`--retry-errors`). */
  askFilteredAgain?: boolean;
}

/** What the protocol's calls cost, beside the record: calls sent (not served from the cache) and dollars (withSpend's). */
export interface ProtocolSpend {
  calls: number;
  costUsd: number;
}

const NEXT = '<NEXT/>';

function nativeReasoningOf(turns: Turn[]): Pick<SampleRecord, 'nativeReasoning'> {
  const joined = joinNativeReasoning(turns.map((t) => t.nativeReasoning));
  return joined ? { nativeReasoning: joined } : {};
}

export function prefillFor(sample: PlannedSample): string | undefined {
  if (!sample.params.prefill) return undefined;
  // A setting with its own prefill (or none: null) says so in its protocol.
  if (sample.protocol) return sample.protocol.prefill ?? undefined;
  return sample.reasoning === 'cot' ? '<' : '<OUTPUT>';
}

/** Redwood's notebook sends max_tokens to Claude (its Anthropic client) only, none to the others. */
export function maxTokensFor(model: Pick<ChatModel, 'provider'>, sample: Pick<PlannedSample, 'protocol' | 'params'>): number | undefined {
  return sample.protocol?.loop === 'notebook' && model.provider !== 'anthropic' ? undefined : sample.params.maxTokens;
}

/** A text with no protocol tag at all is the answer as it stands (minus a dangling <OUTPUT>). */
function untaggedAnswer(text: string): string {
  return text.replace(/^\s*<OUTPUT>/, '').trim();
}

/** af-lab's reading of a turn: the sample's status and final output, or `next` (a closed scratchpad, no answer yet). */
function afLabOutcome(text: string, finishReason: Turn['finishReason'], reasoning: PlannedSample['reasoning'], tags: AnswerTags | undefined): 'next' | { status: SampleStatus; finalOutput: string | null; error?: SampleError } {
  if (finishReason === 'content_filter') {
    return { status: 'error', finalOutput: extractOutput(text, tags), error: { kind: 'content_policy', message: 'the provider stopped the answer with finish reason content_filter' } };
  }
  // A complete <OUTPUT> block is a complete answer, even if the text ran on past it.
  if (hasOutput(text, tags)) return { status: 'answered', finalOutput: extractOutput(text, tags) };
  // Cut short before any answer: flagged, never taken for a refusal.
  if (finishReason === 'length') return { status: 'truncated', finalOutput: null };
  if (reasoning === 'no-cot' || !text.includes('</SCRATCHPAD_REASONING>')) return { status: 'answered', finalOutput: untaggedAnswer(text) };
  return 'next';
}

/**
 * Sample one planned sample. `model` is the model as the runner wrapped it (core/middleware.ts: the
 * cache, the spend meter and its ledger): the protocol only calls `model.chat`, and reads from each
 * response's `served` whether it came from the cache and what it cost (`spend`).
 */
export async function runProtocol(model: ChatModel, sample: PlannedSample, options: ProtocolOptions = {}, spend: ProtocolSpend = { calls: 0, costUsd: 0 }): Promise<ProtocolResult> {
  const messages: ChatMessage[] = [
    { role: 'system', content: sample.systemPrompt },
    { role: 'user', content: sample.userTurn },
  ];
  const prefill = prefillFor(sample);
  // The answer block's tags: <OUTPUT>…</OUTPUT>, or a setting's own (a decision tag up to a final-answer tag).
  const tags = sample.protocol ? { open: sample.protocol.open, close: sample.protocol.close } : undefined;
  const turns: Turn[] = [];
  let usage: Usage = ZERO_USAGE;
  let latencyMs = 0;
  let truth: SimulatedTruth | undefined;

  const finish = (status: SampleStatus, finalOutput: string | null, error?: SampleError): ProtocolResult => ({
    turns,
    scratchpad: sample.reasoning === 'cot' ? extractScratchpad(turns.map((t) => t.text)) : null,
    // A reasoning model's own thinking, kept apart from the prompted scratchpad (CoT and no-CoT alike).
    ...nativeReasoningOf(turns),
    finalOutput,
    status,
    ...(error ? { error } : {}),
    usage,
    latencyMs,
    ...(truth ? { truth } : {}),
  });

  for (let turnIndex = 0; turnIndex < sample.params.maxTurns; turnIndex++) {
    let response: ChatResponse;
    const started = performance.now();
    try {
      response = await model.chat({
        messages: [...messages],
        prefill,
        temperature: sample.params.temperature,
        maxTokens: maxTokensFor(model, sample),
        seed: sample.params.seed,
        call: { sampleIndex: sample.sampleIndex, ...(options.askFilteredAgain ? { askAgainIf: (cachedAnswer: ChatResponse) => cachedAnswer.finishReason === 'content_filter' } : {}) },
      });
    } catch (err) {
      // No room for the answer: the runner stops before paying (the sample is left to a resume), never an error record.
      if (err instanceof NoRoomToPay) throw err;
      return finish('error', null, describeCallError(err));
    }
    const cached = response.served?.cached ?? false;
    const turnLatency = response.served?.latencyMs ?? Math.round(performance.now() - started);
    if (!cached) spend.calls++;
    spend.costUsd += response.served?.costUsd ?? 0;
    const text = `${response.prefillApplied && prefill ? prefill : ''}${response.text}`;
    turns.push({
      ...(prefill ? { prefill } : {}),
      prefillApplied: response.prefillApplied,
      text,
      finishReason: response.finishReason,
      usage: response.usage,
      latencyMs: turnLatency,
      cached,
      ...(response.nativeReasoning ? { nativeReasoning: response.nativeReasoning } : {}),
    });
    usage = addUsage(usage, response.usage);
    latencyMs += turnLatency;
    truth = response.simulatedTruth ?? truth;

    const outcome = afLabOutcome(text, response.finishReason, sample.reasoning, tags);
    // The notebook's loop decides which turns exist; af-lab reads the last of them its own way.
    const next = sample.protocol?.loop === 'notebook' ? notebookStep(text, sample.reasoning, tags).kind === 'next' : outcome === 'next';
    if (!next) return outcome === 'next' ? finish('failed', null) : finish(outcome.status, outcome.finalOutput, outcome.error);
    messages.push({ role: 'assistant', content: text }, { role: 'user', content: NEXT });
  }
  return finish('failed', null);
}
