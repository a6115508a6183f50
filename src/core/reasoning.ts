// A reasoning model's native chain of thought, apart from the prompted scratchpad: pulling `<think>`
// blocks out of an open model's text, joining the reasoning of several turns, and the text a reader
// (the AF classifier, the report) gets when a record has a scratchpad, native reasoning, or both.
import type { NativeReasoning, NativeReasoningSource, Transcript } from './types.js';

/**
 * `<think>…</think>` blocks at the start of a text (how DeepSeek-R1, Qwen3 and other open models write
 * their reasoning), split from the answer. A text that closes `</think>` without opening it (chat
 * templates that put `<think>` into the prompt) has everything before the close as reasoning. An
 * unclosed `<think>` (cut off while thinking) is all reasoning, with no answer yet.
 */
export function splitThinkTags(text: string): { reasoning: string | null; text: string } {
  const open = /^\s*<think>/i.exec(text);
  const closeAt = text.search(/<\/think>/i);
  if (!open && closeAt === -1) return { reasoning: null, text };
  if (open && closeAt === -1) return { reasoning: text.slice(open[0].length).trim(), text: '' };
  // Without an opening tag, a `</think>` after other markup is quoted text, not the end of a reasoning block.
  if (!open && /<[A-Za-z]/.test(text.slice(0, closeAt))) return { reasoning: null, text };
  const start = open ? open[0].length : 0;
  const reasoning = text.slice(start, closeAt).trim();
  const rest = text.slice(closeAt + '</think>'.length).replace(/^\s+/, '');
  // A second block right after (some models think twice) is reasoning too.
  const again = splitThinkTags(rest);
  const joined = [reasoning, again.reasoning].filter((r): r is string => !!r).join('\n\n');
  return { reasoning: joined || null, text: again.text };
}

/** The native reasoning of a response whose text may carry `<think>` tags. */
export function thinkTagReasoning(text: string): { nativeReasoning?: NativeReasoning; text: string } {
  const split = splitThinkTags(text);
  return split.reasoning === null ? { text } : { nativeReasoning: { text: split.reasoning, source: 'think-tags' }, text: split.text };
}

/** The reasoning of several turns as one: texts joined, tokens summed, hidden only if every turn hid it. */
export function joinNativeReasoning(parts: ReadonlyArray<NativeReasoning | undefined>): NativeReasoning | undefined {
  const present = parts.filter((p): p is NativeReasoning => p !== undefined);
  if (present.length === 0) return undefined;
  const texts = present.flatMap((p) => (p.text ? [p.text] : []));
  const shown = present.find((p) => p.source !== 'hidden');
  const source: NativeReasoningSource = shown?.source ?? 'hidden';
  const counted = present.filter((p) => p.tokens !== undefined);
  return {
    text: texts.length ? texts.join('\n\n') : null,
    source,
    ...(counted.length ? { tokens: counted.reduce((sum, p) => sum + (p.tokens ?? 0), 0) } : {}),
  };
}

/** Which reasoning a transcript has to read: the prompted scratchpad, the native reasoning, both, or none. */
export type ReasoningRead = 'scratchpad' | 'native' | 'both' | 'none';

export function reasoningRead(transcript: Pick<Transcript, 'reasoning' | 'scratchpad' | 'nativeReasoning'>): ReasoningRead {
  const scratchpad = transcript.reasoning === 'cot' && !!transcript.scratchpad?.trim();
  const native = !!transcript.nativeReasoning?.text?.trim();
  return scratchpad && native ? 'both' : scratchpad ? 'scratchpad' : native ? 'native' : 'none';
}

/**
 * The reasoning text a classifier reads: the scratchpad, the native reasoning, or both, each under a
 * plain heading when both exist so the judge knows which is which. Null when there is neither.
 */
export function reasoningText(transcript: Pick<Transcript, 'reasoning' | 'scratchpad' | 'nativeReasoning'>): string | null {
  const read = reasoningRead(transcript);
  const native = transcript.nativeReasoning?.text?.trim() ?? '';
  const scratchpad = transcript.scratchpad?.trim() ?? '';
  if (read === 'both') return `[the model's native reasoning]\n${native}\n\n[the model's scratchpad]\n${scratchpad}`;
  if (read === 'native') return native;
  if (read === 'scratchpad') return scratchpad;
  return null;
}
