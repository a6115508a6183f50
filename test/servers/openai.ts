// A loopback server speaking OpenAI's chat-completions wire format (`POST /v1/chat/completions`).
import { roughTokenCount, startLoopback, type LoopbackOptions, type LoopbackServer, type WireFormat } from './loopback.js';

let counter = 0;

export const openaiWire: WireFormat = {
  paths: ['/v1/chat/completions', '/chat/completions'],
  success(body, text, finish, extras) {
    const n = typeof body?.n === 'number' ? body.n : 1;
    const promptTokens = (body?.messages ?? []).reduce((s: number, m: { content: string }) => s + roughTokenCount(String(m.content)), 0);
    const choices =
      finish === 'empty'
        ? []
        : Array.from({ length: n }, (_, index) => ({
            index,
            message: {
              role: 'assistant',
              content: finish === 'content_filter' ? null : n > 1 ? `${text} #${index}` : text,
              refusal: null,
              // vLLM, DeepSeek and Together write `reasoning_content`; OpenRouter and Ollama `reasoning`.
              ...(extras?.reasoning !== undefined ? { [extras.reasoningField ?? 'reasoning_content']: extras.reasoning } : {}),
            },
            finish_reason: finish,
            logprobs: null,
          }));
    const completionTokens = choices.reduce((s, c) => s + roughTokenCount(c.message.content ?? ''), 0);
    return {
      id: `chatcmpl-${++counter}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: body?.model ?? 'unknown',
      choices,
      usage: {
        prompt_tokens: promptTokens,
        completion_tokens: completionTokens,
        total_tokens: promptTokens + completionTokens,
        prompt_tokens_details: { cached_tokens: promptTokens >= 1024 ? Math.floor(promptTokens / 2) : 0 },
        ...(extras?.reasoningTokens !== undefined ? { completion_tokens_details: { reasoning_tokens: extras.reasoningTokens } } : {}),
      },
    };
  },
  error(status, message) {
    return { error: { message, type: status === 429 ? 'rate_limit_exceeded' : 'server_error', code: null, param: null } };
  },
};

export function startOpenAIServer(options: LoopbackOptions = {}): Promise<LoopbackServer> {
  return startLoopback(openaiWire, options);
}
