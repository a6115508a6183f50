// Token counts before any call. OpenAI models: their own BPE (gpt-tokenizer; o200k_base for the
// gpt-4o / o-series / gpt-4.1 / gpt-5 families, cl100k_base for gpt-4 and gpt-3.5). Other models:
// o200k_base counts scaled by a per-family factor — an approximation, documented in docs/providers.md:
// Llama 3 / Qwen / Mistral-style 100k+ vocabularies land within about 10% of o200k on English prose;
// Claude's tokenizer yields roughly 20% more tokens than o200k on the same text.
import { createRequire } from 'node:module';

// Each encoding's tables take about half a second to load: loaded on the first count, so commands
// that never count tokens (`--help`, `stats`, a simulated run) do not pay for them.
type Count = (text: string) => number;
const encodings = new Map<string, Count>();
function encoding(name: 'o200k_base' | 'cl100k_base'): Count {
  let count = encodings.get(name);
  if (!count) {
    count = (createRequire(import.meta.url)(`gpt-tokenizer/encoding/${name}`) as { countTokens: Count }).countTokens;
    encodings.set(name, count);
  }
  return count;
}
const countO200k: Count = (text) => encoding('o200k_base')(text);
const countCl100k: Count = (text) => encoding('cl100k_base')(text);

export interface TokenCounter {
  /** Tokens in one text. */
  count(text: string): number;
  /** `exact` for OpenAI's own tokenizer, `approximate` otherwise. */
  method: 'exact' | 'approximate';
  /** What the count rests on, for the estimate's printout. */
  basis: string;
}

const cache = new Map<string, number>();

function memo(kind: string, text: string, count: (t: string) => number): number {
  // Long system prompts repeat on every sample: count each distinct text once.
  if (text.length < 256) return count(text);
  const key = `${kind}:${text.length}:${text}`;
  let n = cache.get(key);
  if (n === undefined) {
    n = count(text);
    if (cache.size > 10_000) cache.clear();
    cache.set(key, n);
  }
  return n;
}

/** Scale factors applied to o200k_base counts for providers whose tokenizer we do not ship. */
export const APPROXIMATION_FACTORS: Record<string, number> = { anthropic: 1.2, default: 1.1 };

function providerOf(modelSpec: string): string {
  return modelSpec.slice(0, Math.max(0, modelSpec.indexOf('/')));
}

function modelOf(modelSpec: string): string {
  const rest = modelSpec.slice(modelSpec.indexOf('/') + 1);
  return rest.split('?')[0];
}

export function tokenCounterFor(modelSpec: string): TokenCounter {
  const provider = providerOf(modelSpec);
  const model = modelOf(modelSpec).toLowerCase();
  if (provider === 'openai') {
    if (/^(gpt-4(-|$)|gpt-3\.5)/.test(model)) {
      return { count: (t) => memo('cl100k', t, countCl100k), method: 'exact', basis: 'cl100k_base (gpt-tokenizer)' };
    }
    return { count: (t) => memo('o200k', t, countO200k), method: 'exact', basis: 'o200k_base (gpt-tokenizer)' };
  }
  const factor = APPROXIMATION_FACTORS[provider] ?? APPROXIMATION_FACTORS.default;
  return {
    count: (t) => Math.ceil(memo('o200k', t, countO200k) * factor),
    method: 'approximate',
    basis: `o200k_base × ${factor} (approximation)`,
  };
}

/** Tokens of a chat prompt: the texts plus a few tokens of framing per message, as chat templates add. */
export function countPromptTokens(counter: TokenCounter, messages: Array<{ content: string }>): number {
  return messages.reduce((sum, m) => sum + counter.count(m.content) + 4, 3);
}
