// A scripted paid model for the middleware and cache tests: it answers vote k with `vote k of <prompt>`
// (whichever call asks for it) and notes every request it gets; and the requests those tests send.
import type { ChatModel, ChatRequest } from '../../src/core/types.js';

/** `fewer`: answer that many votes fewer than asked (a provider returning fewer choices). */
export function scripted(spec = 'test/judge', options: { simulated?: boolean; fewer?: number } = {}): ChatModel & { asked: ChatRequest[] } {
  const asked: ChatRequest[] = [];
  return {
    spec,
    provider: 'test',
    model: 'judge',
    simulated: options.simulated ?? false,
    supportsPrefill: false,
    asked,
    async chat(request) {
      asked.push(request);
      await new Promise((resolve) => setImmediate(resolve));
      const indices = request.completionIndices ?? [request.call?.sampleIndex ?? 0];
      const texts = indices.slice(0, indices.length - (options.fewer ?? 0)).map((k) => `vote ${k} of ${request.messages[0].content}`);
      const [text, ...alternatives] = texts;
      return { text: text ?? '', ...(alternatives.length ? { alternatives } : {}), usage: { inputTokens: 100, outputTokens: 10 * texts.length }, finishReason: 'stop', prefillApplied: false };
    },
  };
}

export const prompt = (content = 'transcript A'): ChatRequest => ({ messages: [{ role: 'user', content }], temperature: 1, maxTokens: 512 });

/** An AF votes call for `indices` of one prompt. */
export const votes = (indices: number[], content?: string): ChatRequest => ({ ...prompt(content), ...(indices.length > 1 ? { n: indices.length } : {}), completionIndices: indices, call: { sampleIndex: 0, purpose: 'af-vote' } });
