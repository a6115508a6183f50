// `openai/<model>` and every OpenAI-compatible host (deepinfra, together, openrouter, groq, vllm,
// ollama, llamacpp, openai-compatible), through the official `openai` SDK with its own retries off.
import OpenAI from 'openai';
import type { ChatMessage, ChatModel, ChatRequest, ChatResponse, NativeReasoning, Usage } from '../../core/types.js';
import { reasoningOf } from '../../core/middleware.js';
import { UserError } from '../../core/errors.js';
import type { ProviderContext } from '../registry.js';
import type { ModelSpec } from '../spec.js';
import { resolveLimits } from '../transport/limits.js';
import { MalformedResponseError } from '../transport/retry.js';
import { httpFetch } from '../transport/httpFetch.js';
import { sharedTransport, type Transport } from '../transport/transport.js';
import { addUsage } from '../../core/usage.js';
import { estimatedUsage, expectedTokens, normaliseFinishReason, recordedSpec, refuseKeyInSpec, withoutSecrets } from './common.js';
import { registerUrlSecrets } from '../transport/secrets.js';
import { readEnv, readKey } from './env.js';
import { OPENAI_COMPATIBLE_PRESETS, type OpenAICompatiblePreset, type PrefillMode } from './presets.js';

interface Settings {
  baseURL: string;
  apiKey: string;
  prefill: PrefillMode;
  supportsN: boolean;
}

function settingsFor(preset: OpenAICompatiblePreset, spec: ModelSpec): Settings {
  refuseKeyInSpec(spec, preset.keyEnv);
  const baseURL = spec.options.base_url ?? readEnv(preset.baseUrlEnv) ?? preset.baseURL;
  if (!baseURL) {
    throw new UserError(`model "${spec.raw}" has no base URL`, `add ?base_url=http://host:port/v1 to the spec or set ${preset.baseUrlEnv}`);
  }
  try {
    new URL(baseURL);
  } catch {
    throw new UserError(`base URL "${baseURL}" of model "${recordedSpec(spec)}" is not a URL`, 'write it like http://localhost:8000/v1');
  }
  // Its credentials and query values (`?token=...`) are secrets like the key: masked wherever they appear.
  registerUrlSecrets(baseURL);
  const keyEnv = spec.options.api_key_env ?? preset.keyEnv;
  const apiKey = readKey(keyEnv, recordedSpec(spec), preset.keyRequired) ?? 'no-key';
  const prefill = (spec.options.prefill ?? preset.prefill) as PrefillMode;
  if (!['none', 'continue', 'vllm'].includes(prefill)) {
    throw new UserError(`prefill=${prefill} in model spec "${recordedSpec(spec)}" is not one of none, continue, vllm`, 'use prefill=continue for servers that continue a final assistant message, prefill=vllm for vLLM');
  }
  const n = spec.options.n;
  const supportsN = n === undefined ? preset.supportsN : n === 'native';
  return { baseURL, apiKey, prefill, supportsN };
}

/** Build the ChatModel for one OpenAI-compatible spec. Exported for tests that point it at a loopback server. */
export function createOpenAICompatibleModel(preset: OpenAICompatiblePreset, spec: ModelSpec, context: ProviderContext): ChatModel {
  const settings = settingsFor(preset, spec);
  const limits = resolveLimits(preset.name, context.limits, spec);
  const transport: Transport = sharedTransport(preset.name, settings.baseURL, limits);
  // The SDK's own retries are off: every attempt is paced, counted and retried by the transport.
  const client = new OpenAI({
    apiKey: settings.apiKey,
    baseURL: settings.baseURL,
    maxRetries: 0,
    timeout: limits.timeoutMs + 5_000,
    ...(spec.options.http === 'fetch' ? {} : { fetch: httpFetch }),
  });
  const modelName = spec.model;

  async function callOnce(request: ChatRequest, n: number): Promise<ChatResponse> {
    const { body, messages, prefillApplied } = chatCompletionBody(preset, settings.prefill, modelName, request, n);
    const completion = await transport.call(
      (signal, timeout) =>
        client.chat.completions.create(body as unknown as OpenAI.Chat.ChatCompletionCreateParamsNonStreaming, { ...(signal ? { signal } : {}), timeout, maxRetries: 0 }).then(check),
      {
        signal: request.signal,
        nativeTimeout: true,
        estimatedTokens: expectedTokens(messages, request.maxTokens, n),
        usedTokens: (c) => {
          const used = reportedUsage(c);
          return used ? used.inputTokens + used.outputTokens : 0;
        },
      },
    );
    return completionResponse(completion, messages, prefillApplied);
  }

  async function chat(request: ChatRequest): Promise<ChatResponse> {
    return withoutSecrets(await chatAll(request));
  }

  async function chatAll(request: ChatRequest): Promise<ChatResponse> {
    const n = request.n ?? 1;
    if (n <= 1 || settings.supportsN) return callOnce(request, n);
    // No `n` on this host: one call per completion, summed.
    const responses: ChatResponse[] = [];
    for (let i = 0; i < n; i++) responses.push(await callOnce({ ...request, n: 1, seed: request.seed === undefined ? undefined : request.seed + i }, 1));
    return {
      ...responses[0],
      alternatives: responses.slice(1).map((r) => r.text),
      usage: responses.map((r) => r.usage).reduce(addUsage),
    };
  }

  return {
    spec: recordedSpec(spec),
    provider: preset.name,
    model: modelName,
    simulated: false,
    supportsPrefill: settings.prefill !== 'none',
    chat,
  };
}

/**
 * The chat-completions body af-lab sends for one request: the one-by-one path and the batch files
 * (src/models/batch/) both build it here, so a batched line is byte for byte the direct request.
 */
export function chatCompletionBody(preset: OpenAICompatiblePreset, prefill: PrefillMode, modelName: string, request: ChatRequest, n: number): { body: Record<string, unknown>; messages: ChatMessage[]; prefillApplied: boolean } {
  const messages: ChatMessage[] = [...request.messages];
  const prefillApplied = Boolean(request.prefill) && prefill !== 'none';
  if (prefillApplied) messages.push({ role: 'assistant', content: request.prefill! });
  const body: Record<string, unknown> = {
    model: modelName,
    messages,
    temperature: request.temperature,
    ...(request.maxTokens === undefined ? {} : preset.name === 'openai' ? { max_completion_tokens: request.maxTokens } : { max_tokens: request.maxTokens }),
    ...(request.seed !== undefined ? { seed: request.seed } : {}),
    ...(n > 1 ? { n } : {}),
    ...(prefillApplied && prefill === 'vllm' ? { continue_final_message: true, add_generation_prompt: false } : {}),
  };
  return { body, messages, prefillApplied };
}

/** A chat completion (a direct response or a batch output line's body) as af-lab's response; throws MalformedResponseError on one it cannot use. */
export function completionResponse(raw: OpenAI.Chat.ChatCompletion, messages: ChatMessage[], prefillApplied: boolean): ChatResponse {
  const completion = check(raw);
  const answers = completion.choices.map((choice) => withReasoning(choice.message, completion.usage));
  const texts = answers.map((a) => a.text);
  const first = completion.choices[0];
  const usage = reportedUsage(completion) ?? estimatedUsage(messages, texts);
  return {
    text: texts[0],
    ...(answers[0].nativeReasoning ? { nativeReasoning: answers[0].nativeReasoning } : {}),
    ...(texts.length > 1 ? { alternatives: texts.slice(1) } : {}),
    usage,
    finishReason: normaliseFinishReason(first.finish_reason),
    prefillApplied,
  };
}

/** What the batch client needs of an OpenAI-compatible spec: where it lives, its key, and how it is asked. */
export function openAICompatibleWire(preset: OpenAICompatiblePreset, spec: ModelSpec): { baseURL: string; apiKey: string; prefill: PrefillMode; supportsN: boolean } {
  const { baseURL, apiKey, prefill, supportsN } = settingsFor(preset, spec);
  return { baseURL, apiKey, prefill, supportsN };
}

/**
 * A choice's answer and its native reasoning: the `reasoning_content` (vLLM, DeepSeek, Together) or
 * `reasoning` (OpenRouter, Ollama, newer vLLM) field, else `<think>` tags in the text (llama.cpp and
 * servers that leave them in), else hidden reasoning whose tokens the usage reports (OpenAI o-series).
 */
export function withReasoning(message: OpenAI.Chat.ChatCompletionMessage | undefined, usage: OpenAI.Completions.CompletionUsage | undefined): { text: string; nativeReasoning?: NativeReasoning } {
  const content = message?.content ?? '';
  const extra = (message ?? {}) as { reasoning_content?: unknown; reasoning?: unknown };
  const field = [extra.reasoning_content, extra.reasoning].find((r): r is string => typeof r === 'string' && r.trim() !== '');
  const tokens = usage?.completion_tokens_details?.reasoning_tokens ?? undefined;
  const counted = typeof tokens === 'number' && tokens > 0 ? { tokens } : {};
  if (field !== undefined) return { text: content, nativeReasoning: { text: field, source: 'reasoning_content', ...counted } };
  // `<think>` blocks in the text: the same rule as the withReasoning middleware (core/middleware.ts), here per choice.
  const tagged = reasoningOf({ text: content, ...(counted.tokens ? { nativeReasoning: { text: null, source: 'hidden' as const, ...counted } } : {}), usage: { inputTokens: 0, outputTokens: 0 }, finishReason: 'stop', prefillApplied: false });
  return { text: tagged.text, ...(tagged.nativeReasoning ? { nativeReasoning: tagged.nativeReasoning } : {}) };
}

/**
 * The usage the server reported, missing counts as 0 (some OpenAI-compatible hosts leave fields out; a
 * NaN here would also poison the tokens/min bucket for good).
 */
function reportedUsage(completion: OpenAI.Chat.ChatCompletion): Usage | undefined {
  const usage = completion.usage;
  if (!usage) return undefined;
  const cached = usage.prompt_tokens_details?.cached_tokens;
  return { inputTokens: usage.prompt_tokens ?? 0, outputTokens: usage.completion_tokens ?? 0, ...(cached !== undefined ? { cachedInputTokens: cached } : {}) };
}

/** A 200 response that cannot be used is an attempt failure (retried), not a result. */
function check(completion: OpenAI.Chat.ChatCompletion): OpenAI.Chat.ChatCompletion {
  if (!completion || typeof completion !== 'object' || !Array.isArray(completion.choices)) {
    throw new MalformedResponseError('response has no choices array');
  }
  if (completion.choices.length === 0) throw new MalformedResponseError('response has an empty choices array');
  for (const choice of completion.choices) {
    const content = choice.message?.content;
    if (content !== null && content !== undefined && typeof content !== 'string') throw new MalformedResponseError('choice content is not text');
    if ((content === null || content === undefined) && choice.finish_reason !== 'content_filter' && choice.finish_reason !== 'length') {
      throw new MalformedResponseError(`choice has no content (finish_reason ${String(choice.finish_reason)})`);
    }
  }
  return completion;
}
