// Registers every real provider with the model registry by name only: each provider's module (and
// its SDK: openai, @anthropic-ai/sdk, node-llama-cpp) is imported when a model of that provider is
// first resolved, so commands that never call one (`--help`, `stats`, a simulated run) load none.
import { registerProvider } from '../registry.js';
import { OPENAI_COMPATIBLE_PRESETS } from './presets.js';

for (const preset of Object.values(OPENAI_COMPATIBLE_PRESETS)) {
  const where = preset.baseURL ? `${preset.baseURL} (override: ${preset.baseUrlEnv})` : `?base_url=... or ${preset.baseUrlEnv}`;
  registerProvider({
    name: preset.name,
    describe: `${preset.name}/<model>: OpenAI-compatible chat API at ${where}; key in ${preset.keyEnv}${preset.keyRequired ? '' : ' (optional)'}`,
    create: async (spec, context) => (await import('./openaiCompatible.js')).createOpenAICompatibleModel(preset, spec, context),
  });
}

registerProvider({
  name: 'anthropic',
  describe: 'anthropic/<model>: Anthropic messages API (prefill supported); key in ANTHROPIC_API_KEY',
  create: async (spec, context) => (await import('./anthropic.js')).createAnthropicModel(spec, context),
});

registerProvider({
  name: 'gguf',
  describe: 'gguf/<path/to/model.gguf>: a local GGUF file run in-process by node-llama-cpp (prefill supported)',
  create: async (spec, context) => (await import('./gguf.js')).createGgufModel(spec, context),
});
