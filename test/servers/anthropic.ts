// A loopback server speaking Anthropic's messages wire format (`POST /v1/messages`).
import { roughTokenCount, startLoopback, type LoopbackOptions, type LoopbackServer, type WireFormat } from './loopback.js';

let counter = 0;

export const anthropicWire: WireFormat = {
  paths: ['/v1/messages'],
  success(body, text, finish, extras) {
    const system = Array.isArray(body?.system) ? body.system.map((b: { text: string }) => b.text).join('') : String(body?.system ?? '');
    const cached = Array.isArray(body?.system) && body.system.some((b: { cache_control?: unknown }) => b.cache_control);
    const systemTokens = roughTokenCount(system);
    const messageTokens = (body?.messages ?? []).reduce((s: number, m: { content: string }) => s + roughTokenCount(String(m.content)), 0);
    const stop = finish === 'length' ? 'max_tokens' : finish === 'content_filter' ? 'refusal' : 'end_turn';
    const thinking = extras?.redactedThinking
      ? [{ type: 'redacted_thinking', data: 'ZW5jcnlwdGVk' }]
      : extras?.reasoning !== undefined
        ? [{ type: 'thinking', thinking: extras.reasoning, signature: 'sig' }]
        : [];
    const content = finish === 'empty' ? [] : finish === 'content_filter' ? [] : [...thinking, { type: 'text', text }];
    return {
      id: `msg_${++counter}`,
      type: 'message',
      role: 'assistant',
      model: body?.model ?? 'unknown',
      content,
      stop_reason: stop,
      stop_sequence: null,
      usage: {
        input_tokens: cached ? messageTokens : systemTokens + messageTokens,
        output_tokens: content.length ? roughTokenCount(text) : 0,
        cache_read_input_tokens: cached ? systemTokens : 0,
        cache_creation_input_tokens: 0,
      },
    };
  },
  error(status, message) {
    const type = status === 429 ? 'rate_limit_error' : status === 529 ? 'overloaded_error' : status >= 500 ? 'api_error' : status === 401 ? 'authentication_error' : 'invalid_request_error';
    return { type: 'error', error: { type, message } };
  },
};

export function startAnthropicServer(options: LoopbackOptions = {}): Promise<LoopbackServer> {
  return startLoopback(anthropicWire, options);
}
