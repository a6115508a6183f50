// `anthropic/<model>` through the official `@anthropic-ai/sdk`, its own retries off. Anthropic's
// messages API continues a final assistant message, which is how the CoT protocol's prefill is sent.
// The system prompt is marked for prompt caching (it repeats on every sample; `?cache=0` turns it off).
import Anthropic from '@anthropic-ai/sdk';
import type { ChatModel, ChatRequest, ChatResponse, NativeReasoning } from '../../core/types.js';
import type { ProviderContext } from '../registry.js';
import { numberOption, type ModelSpec } from '../spec.js';
import { resolveLimits } from '../transport/limits.js';
import { MalformedResponseError } from '../transport/retry.js';
import { httpFetch } from '../transport/httpFetch.js';
import { sharedTransport } from '../transport/transport.js';
import { addUsage } from '../../core/usage.js';
import { expectedTokens, normaliseFinishReason, recordedSpec, refuseKeyInSpec, withoutSecrets } from './common.js';
import { registerUrlSecrets } from '../transport/secrets.js';
import { readEnv, readKey } from './env.js';

export const ANTHROPIC_KEY_ENV = 'ANTHROPIC_API_KEY';
export const ANTHROPIC_BASE_URL_ENV = 'ANTHROPIC_BASE_URL';

export function createAnthropicModel(spec: ModelSpec, context: ProviderContext): ChatModel {
  // Extended thinking (`?thinking=<budget tokens>`): the API then fixes the temperature and takes no
  // prefilled assistant turn, so neither is sent, and the answer keeps its own token allowance.
  const { baseURL, apiKey, ...wire } = anthropicWire(spec);
  const thinking = wire.thinking;
  const limits = resolveLimits('anthropic', context.limits, spec);
  const transport = sharedTransport('anthropic', baseURL, limits);
  const client = new Anthropic({ apiKey, baseURL, maxRetries: 0, timeout: limits.timeoutMs + 5_000, ...(spec.options.http === 'fetch' ? {} : { fetch: httpFetch }) });

  async function callOnce(request: ChatRequest): Promise<ChatResponse> {
    const { body, prefillApplied } = messageBody(wire, request);
    const message = await transport.call((signal, timeout) => client.messages.create(body, { ...(signal ? { signal } : {}), timeout, maxRetries: 0 }).then(check), {
      signal: request.signal,
      nativeTimeout: true,
      estimatedTokens: expectedTokens(request.messages, request.maxTokens),
      usedTokens: (m) => (m.usage?.input_tokens ?? 0) + (m.usage?.output_tokens ?? 0),
    });
    return messageResponse(message, prefillApplied);
  }

  async function chat(request: ChatRequest): Promise<ChatResponse> {
    return withoutSecrets(await chatAll(request));
  }

  async function chatAll(request: ChatRequest): Promise<ChatResponse> {
    const n = request.n ?? 1;
    if (n <= 1) return callOnce(request);
    // The messages API has no `n`: one call per completion.
    const responses: ChatResponse[] = [];
    for (let i = 0; i < n; i++) responses.push(await callOnce(request));
    return { ...responses[0], alternatives: responses.slice(1).map((r) => r.text), usage: responses.map((r) => r.usage).reduce(addUsage) };
  }

  return { spec: recordedSpec(spec), provider: 'anthropic', model: spec.model, simulated: false, supportsPrefill: !thinking, chat };
}

/** How a spec asks the messages API (see anthropicWire). */
export interface AnthropicWire {
  model: string;
  /** Extended thinking budget in tokens; 0 for none. */
  thinking: number;
  sendTemperature: boolean;
  cacheSystem: boolean;
}

/** The spec's wire settings, base URL and key: what the batch client (src/models/batch/) needs. */
export function anthropicWire(spec: ModelSpec): AnthropicWire & { baseURL: string; apiKey: string } {
  refuseKeyInSpec(spec, ANTHROPIC_KEY_ENV);
  const apiKey = readKey(spec.options.api_key_env ?? ANTHROPIC_KEY_ENV, recordedSpec(spec), true)!;
  const baseURL = spec.options.base_url ?? readEnv(ANTHROPIC_BASE_URL_ENV) ?? 'https://api.anthropic.com';
  registerUrlSecrets(baseURL);
  const thinking = spec.options.thinking === undefined ? 0 : numberOption(spec, 'thinking', 0, [1024, 1_000_000]);
  return { model: spec.model, thinking, sendTemperature: spec.options.temperature !== 'omit' && !thinking, cacheSystem: spec.options.cache !== '0', baseURL, apiKey };
}

/**
 * The messages body af-lab sends for one request (one completion): the one-by-one path and the batch
 * requests both build it here, so a batched request is the direct one.
 */
export function messageBody(wire: AnthropicWire, request: ChatRequest): { body: Anthropic.MessageCreateParamsNonStreaming; prefillApplied: boolean } {
  const systemText = request.messages.filter((m) => m.role === 'system').map((m) => m.content).join('\n\n');
  const messages: Anthropic.MessageParam[] = request.messages
    .filter((m) => m.role !== 'system')
    .map((m) => ({ role: m.role as 'user' | 'assistant', content: m.content }));
  // The API refuses a final assistant message that ends in whitespace.
  const prefill = wire.thinking ? undefined : request.prefill?.trimEnd();
  if (prefill) messages.push({ role: 'assistant', content: prefill });
  const body = {
    model: wire.model,
    // Anthropic's API requires max_tokens: a request without one gets the API's common 4096.
    max_tokens: (request.maxTokens ?? 4096) + wire.thinking,
    ...(wire.thinking ? { thinking: { type: 'enabled' as const, budget_tokens: wire.thinking } } : {}),
    // Recent SDK types no longer list `temperature` (newer models fix it), but the models this
    // protocol studies take it; `?temperature=omit` leaves it out for models that refuse it.
    ...(wire.sendTemperature ? { temperature: request.temperature } : {}),
    messages,
    ...(systemText
      ? { system: [{ type: 'text' as const, text: systemText, ...(wire.cacheSystem ? { cache_control: { type: 'ephemeral' as const } } : {}) }] }
      : {}),
  } as Anthropic.MessageCreateParamsNonStreaming;
  return { body, prefillApplied: Boolean(prefill) };
}

/** A message (a direct response or a batch result's) as af-lab's response; throws MalformedResponseError on one it cannot use. */
export function messageResponse(raw: Anthropic.Message, prefillApplied: boolean): ChatResponse {
  const message = check(raw);
  const text = message.content.map((block) => (block.type === 'text' ? block.text : '')).join('');
  const nativeReasoning = thinkingOf(message.content);
  const cacheRead = message.usage?.cache_read_input_tokens ?? 0;
  const cacheWrite = message.usage?.cache_creation_input_tokens ?? 0;
  return {
    text,
    ...(nativeReasoning ? { nativeReasoning } : {}),
    // Anthropic counts cache reads and writes apart from input_tokens; af-lab's inputTokens is the whole prompt.
    usage: {
      inputTokens: (message.usage?.input_tokens ?? 0) + cacheRead + cacheWrite,
      outputTokens: message.usage?.output_tokens ?? 0,
      ...(message.usage?.cache_read_input_tokens != null ? { cachedInputTokens: cacheRead } : {}),
      ...(message.usage?.cache_creation_input_tokens != null ? { cacheWriteInputTokens: cacheWrite } : {}),
    },
    finishReason: normaliseFinishReason(message.stop_reason),
    prefillApplied,
  };
}

/** Thinking blocks as native reasoning; redacted thinking (encrypted by Anthropic) counts as hidden. */
export function thinkingOf(blocks: Anthropic.ContentBlock[]): NativeReasoning | undefined {
  const thoughts = blocks.flatMap((block) => (block.type === 'thinking' ? [block.thinking] : []));
  const redacted = blocks.some((block) => block.type === 'redacted_thinking');
  if (thoughts.length) return { text: thoughts.join('\n\n'), source: 'anthropic-thinking' };
  if (redacted) return { text: null, source: 'hidden' };
  return undefined;
}

function check(message: Anthropic.Message): Anthropic.Message {
  if (!message || typeof message !== 'object' || !Array.isArray(message.content)) throw new MalformedResponseError('response has no content array');
  if (message.content.length === 0 && message.stop_reason !== 'max_tokens' && message.stop_reason !== 'refusal') {
    throw new MalformedResponseError(`response has no content blocks (stop_reason ${String(message.stop_reason)})`);
  }
  return message;
}
