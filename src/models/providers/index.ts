// The real providers (OpenAI-compatible hosts, Anthropic, GGUF). Registration itself lives in
// register.ts and imports no provider module: importing this index loads both SDKs, so the model
// registry (models/index.ts) imports register.ts only.
import './register.js';

export { createAnthropicModel } from './anthropic.js';
export { createOpenAICompatibleModel } from './openaiCompatible.js';
export { OPENAI_COMPATIBLE_PRESETS, type OpenAICompatiblePreset, type PrefillMode } from './presets.js';
