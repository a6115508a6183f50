// `gguf/<path/to/model.gguf>`: a local model file run in-process by node-llama-cpp, on the CPU.
// The chat template comes from the file's metadata (node-llama-cpp picks the matching chat wrapper,
// or renders the Jinja template itself). Prefill works by ending the history with a partial model
// response, which node-llama-cpp continues. This module is imported lazily by providers/index.ts,
// and node-llama-cpp lazily by this module, so the engine loads only when a GGUF model is used.
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ChatHistoryItem, LlamaChat, LlamaContext, LlamaContextSequence, LlamaModel } from 'node-llama-cpp';
import type { ChatModel, ChatRequest, ChatResponse, FinishReason } from '../../core/types.js';
import { UserError } from '../../core/errors.js';
import type { ProviderContext } from '../registry.js';
import type { ModelSpec } from '../spec.js';
import { numberOption } from '../spec.js';
import { resolveLimits } from '../transport/limits.js';
import { sharedTransport } from '../transport/transport.js';
import { addUsage } from '../../core/usage.js';
import { recordedSpec } from './common.js';
import { thinkTagReasoning } from '../../core/reasoning.js';
import { importOptional } from '../../core/optionalPackage.js';

interface Slot {
  sequence: LlamaContextSequence;
  chat: LlamaChat;
}

interface Engine {
  model: LlamaModel;
  context: LlamaContext;
  /** Sequences (each with its chat) not in use; one per concurrent request. */
  free: Slot[];
}

const engines = new Map<string, Promise<Engine>>();
/** Open models per engine: the engine is freed when the last of them closes (a run's sampled model and its judge may share one). */
const users = new Map<string, number>();

async function loadEngine(path: string, sequences: number, contextSize: number | undefined, threads: number | undefined): Promise<Engine> {
  const { getLlama, LlamaChat, LlamaLogLevel } = await importOptional('node-llama-cpp', 'a local GGUF model (gguf/...)', () => import('node-llama-cpp'));
  // CPU only and never compile: the prebuilt binaries shipped in the npm packages are used.
  const llama = await getLlama({ gpu: false, build: 'never', logLevel: LlamaLogLevel.error });
  const model = await llama.loadModel({ modelPath: path });
  // More compute threads than cores makes llama.cpp's threads spin against each other (measured: a
  // tiny model went from 2 ms to 800 ms a token on 2 cores); leave one core to Node by default.
  const context = await model.createContext({
    sequences,
    threads: threads ?? Math.max(1, llama.cpuMathCores - 1),
    ...(contextSize ? { contextSize } : {}),
  });
  const free: Slot[] = [];
  for (let i = 0; i < sequences; i++) {
    const sequence = context.getSequence();
    // One chat per sequence, kept: it resolves the chat template once, and the sequence keeps the
    // previous prompt's tokens, so a repeated system prompt is not evaluated again.
    free.push({ sequence, chat: new LlamaChat({ contextSequence: sequence, autoDisposeSequence: false }) });
  }
  return { model, context, free };
}

function toHistory(request: ChatRequest): ChatHistoryItem[] {
  const history: ChatHistoryItem[] = request.messages.map((m): ChatHistoryItem => {
    if (m.role === 'system') return { type: 'system', text: m.content };
    if (m.role === 'user') return { type: 'user', text: m.content };
    return { type: 'model', response: [m.content] };
  });
  // A trailing model item is continued rather than answered: that is the prefill.
  if (request.prefill) history.push({ type: 'model', response: [request.prefill] });
  return history;
}

function finishReasonOf(stopReason: string): FinishReason {
  if (stopReason === 'maxTokens') return 'length';
  if (stopReason === 'eogToken' || stopReason === 'stopGenerationTrigger' || stopReason === 'customStopTrigger') return 'stop';
  return 'other';
}

/**
 * A file that does not start with GGUF's magic (`GGUF`) is refused once, when the model is resolved,
 * before any sample: the loader would otherwise fail on it again for every sample.
 */
function refuseNonGguf(path: string, shown: string): void {
  const fix = 'give the path to a .gguf model file after "gguf/"';
  let fd: number;
  try {
    const stat = statSync(path);
    if (!stat.isFile()) throw new UserError(`GGUF model ${shown} is not a regular file`, fix);
    fd = openSync(path, 'r');
  } catch (err) {
    if (err instanceof UserError) throw err;
    throw new UserError(`cannot read GGUF model ${shown} (${(err as NodeJS.ErrnoException).code ?? String(err)})`, fix);
  }
  try {
    const magic = Buffer.alloc(4);
    readSync(fd, magic, 0, 4, 0);
    if (magic.toString('latin1') !== 'GGUF') throw new UserError(`${shown} is not a GGUF file (it does not start with "GGUF")`, fix);
  } finally {
    closeSync(fd);
  }
}

export function createGgufModel(spec: ModelSpec, context: ProviderContext): ChatModel {
  const path = resolve(spec.model);
  if (!existsSync(path)) throw new UserError(`GGUF model file not found: ${spec.model}`, 'give the path to a .gguf file after "gguf/", e.g. gguf/models/llama-3-8b-instruct.Q4_K_M.gguf');
  refuseNonGguf(path, spec.model);
  const limits = resolveLimits('gguf', context.limits, spec);
  const transport = sharedTransport('gguf', path, limits);
  const contextSize = spec.options.context === undefined ? undefined : numberOption(spec, 'context', 4096, [64, 1 << 20]);
  const threads = spec.options.threads === undefined ? undefined : numberOption(spec, 'threads', 1, [1, 1024]);
  const engineKey = `${path}|${limits.concurrency}|${contextSize ?? 'auto'}|${threads ?? 'auto'}`;
  users.set(engineKey, (users.get(engineKey) ?? 0) + 1);
  let closed = false;

  const engine = () => {
    let loading = engines.get(engineKey);
    if (!loading) {
      loading = loadEngine(path, limits.concurrency, contextSize, threads);
      engines.set(engineKey, loading);
      loading.catch(() => engines.delete(engineKey));
    }
    return loading;
  };

  async function generate(request: ChatRequest, signal: AbortSignal | undefined): Promise<ChatResponse> {
    const { free } = await engine();
    const slot = free.pop();
    if (!slot) throw new Error('no free GGUF context sequence (more requests in flight than the context has sequences)');
    const { sequence, chat } = slot;
    try {
      const before = sequence.tokenMeter.getState();
      const result = await chat.generateResponse(toHistory(request), {
        maxTokens: request.maxTokens,
        temperature: request.temperature,
        ...(request.seed !== undefined ? { seed: request.seed } : {}),
        signal,
      });
      const after = sequence.tokenMeter.getState();
      const outputTokens = after.usedOutputTokens - before.usedOutputTokens;
      const evaluatedInput = after.usedInputTokens - before.usedInputTokens;
      // Tokens in the context after generation = the whole prompt + what was generated; the part of
      // the prompt that was not evaluated again was reused from the previous call (a prompt cache).
      const promptTokens = Math.max(evaluatedInput, sequence.contextTokens.length - outputTokens);
      // Thoughts the chat wrapper recognised (Qwen3, DeepSeek-R1 templates) come as segments; a
      // template that does not know them leaves `<think>` tags in the text.
      const thoughts = result.fullResponse.flatMap((part) => (typeof part !== 'string' && part.segmentType === 'thought' ? [part.text.trim()] : []));
      const tagged = thinkTagReasoning(result.response);
      const reasoning = [...thoughts, tagged.nativeReasoning?.text ?? ''].filter(Boolean).join('\n\n');
      return {
        text: tagged.text,
        ...(reasoning ? { nativeReasoning: { text: reasoning, source: 'think-tags' as const } } : {}),
        usage: { inputTokens: promptTokens, outputTokens, cachedInputTokens: Math.max(0, promptTokens - evaluatedInput) },
        finishReason: finishReasonOf(result.metadata.stopReason),
        prefillApplied: Boolean(request.prefill),
      };
    } finally {
      free.push(slot);
    }
  }

  async function chat(request: ChatRequest): Promise<ChatResponse> {
    const n = request.n ?? 1;
    const responses: ChatResponse[] = [];
    for (let i = 0; i < n; i++) {
      const seed = request.seed === undefined ? undefined : request.seed + i;
      responses.push(await transport.call((signal) => generate({ ...request, seed }, signal), { signal: request.signal }));
    }
    if (n <= 1) return responses[0];
    return { ...responses[0], alternatives: responses.slice(1).map((r) => r.text), usage: responses.map((r) => r.usage).reduce(addUsage) };
  }

  async function close(): Promise<void> {
    if (closed) return;
    closed = true;
    const left = (users.get(engineKey) ?? 1) - 1;
    if (left > 0) {
      users.set(engineKey, left);
      return;
    }
    users.delete(engineKey);
    const loading = engines.get(engineKey);
    if (!loading) return;
    engines.delete(engineKey);
    const { context, model, free } = await loading;
    for (const slot of free) slot.chat.dispose({ disposeSequence: false });
    await context.dispose();
    await model.dispose();
  }

  return { spec: recordedSpec(spec), provider: 'gguf', model: spec.model, simulated: false, supportsPrefill: true, chat, close };
}
