// One spec string, resolved to a chat function. Providers register themselves by name;
// users never construct clients.
import type { ChatModel } from '../core/types.js';
import { UserError } from '../core/errors.js';
import { withReasoning, wrapModel } from '../core/middleware.js';
import { parseModelSpec, type ModelSpec } from './spec.js';

export interface ProviderContext {
  /** Per-provider limits from the experiment config (concurrency, rate, timeout, retries). */
  limits?: Record<string, unknown>;
}

export interface Provider {
  name: string;
  /** One line for `--help` and error messages. */
  describe: string;
  create(spec: ModelSpec, context: ProviderContext): ChatModel | Promise<ChatModel>;
}

const providers = new Map<string, Provider>();

export function registerProvider(provider: Provider): void {
  providers.set(provider.name, provider);
}

export function listProviders(): Provider[] {
  return [...providers.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** The provider a spec names; the UserError for an unknown one, so specs are checked before anything is printed or sent. */
export function providerFor(raw: string): Provider {
  const spec = parseModelSpec(raw);
  const provider = providers.get(spec.provider);
  if (!provider) {
    const known = listProviders().map((p) => p.name).join(', ');
    throw new UserError(`unknown provider "${spec.provider}" in model spec "${raw}"`, `use one of: ${known}`);
  }
  return provider;
}

/**
 * The model a spec names. A real model's answers pass through `withReasoning`: `<think>` blocks a
 * provider left in the text become native reasoning, whichever provider served it.
 */
export async function resolveModel(raw: string, context: ProviderContext = {}): Promise<ChatModel> {
  const model = await providerFor(raw).create(parseModelSpec(raw), context);
  return model.simulated ? model : wrapModel(model, withReasoning());
}
