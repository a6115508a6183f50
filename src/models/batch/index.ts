// Provider batch APIs (OpenAI Batch, Anthropic Message Batches) behind one interface (types.ts).
// Each client loads its SDK when first asked for, like the providers themselves.
import { UserError } from '../../core/errors.js';
import { parseModelSpec } from '../spec.js';
import type { BatchClient } from './types.js';

/** Providers whose batch API af-lab speaks. */
export const BATCH_PROVIDERS = ['openai', 'anthropic'] as const;

/** Refuse, in one line and before anything is sent, a spec whose provider has no batch API. */
export function refuseUnbatchable(spec: string, role: string): void {
  const provider = parseModelSpec(spec).provider;
  if ((BATCH_PROVIDERS as readonly string[]).includes(provider)) return;
  throw new UserError(`--batch: the ${role} ${spec} has no batch API (provider ${provider})`, `batch only ${BATCH_PROVIDERS.join(' or ')} models, or leave --batch out for this one`);
}

export async function batchClientFor(spec: string): Promise<BatchClient> {
  const parsed = parseModelSpec(spec);
  refuseUnbatchable(spec, 'model');
  if (parsed.provider === 'openai') return (await import('./openai.js')).createOpenAIBatchClient(parsed);
  return (await import('./anthropic.js')).createAnthropicBatchClient(parsed);
}

export { TERMINAL_STATES, type BatchClient, type BatchMatch, type FoundBatch, type BatchLine, type BatchLimits, type BatchState, type BatchStatus, type LineResult } from './types.js';
export { resendable } from './errors.js';
