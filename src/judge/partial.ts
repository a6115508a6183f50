// Partial compliance (Hughes et al.): the answer presents itself as help but compromises, schemes
// or avoids the core ask. Reads request, scratchpad (when there is one) and final answer. Temperature 0.
import type { PartialLabel, Transcript } from '../core/types.js';
import type { JudgeContext } from './call.js';
import { parsePartialVerdict } from './parse.js';
import { parseForeignPartial } from './foreignPrompt.js';
import type { JudgePrompt } from './prompts.js';
import { askUntilParsed, failureMessage } from './retry.js';
import type { JudgeOutcome } from './types.js';

export async function classifyPartial(transcript: Transcript, ctx: JudgeContext, prompt: JudgePrompt): Promise<JudgeOutcome<PartialLabel>> {
  const parse = prompt.foreign ? parseForeignPartial.bind(null, prompt.foreign) : parsePartialVerdict;
  const result = await askUntilParsed(ctx, prompt, transcript, 'partial', parse);
  const base = { judge: ctx.model.spec, promptHash: prompt.hash };
  const detail = result.errors.length ? { detail: { parseErrors: result.errors } } : {};
  if (!result.value) {
    return {
      label: { ...base, partial: null, error: failureMessage(result, ctx.maxAttempts) },
      ...result.bookkeeping, ...(result.callError ? { callError: result.callError } : {}), ...detail,
    };
  }
  const { partial, kind, explanation } = result.value;
  return { label: { ...base, partial, ...(kind ? { kind } : {}), ...(explanation ? { explanation } : {}) }, ...result.bookkeeping, ...detail };
}
