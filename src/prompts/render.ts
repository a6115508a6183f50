// Rendering the exact text a model sees: system prompt (with the variant inserted) and user turn.
import type { Reasoning, Tier } from '../core/types.js';
import { sha256 } from '../core/hash.js';
import { builtinPromptFile, readPromptFile, type PromptFile } from './files.js';

const VARIANT_MARKER = '{{variant}}';
const DEVELOPER_MARKER = '{{developer}}';
/** What {{developer}} becomes when the system prompt names no developer (e.g. a user's file without a header). */
export const DEFAULT_DEVELOPER = 'the developer';

/**
 * The statement exactly as the model sees it: the variant's text with {{developer}} filled from
 * the system prompt's developer. Records keep its sha256 (`variantHash`).
 */
export function renderStatement(system: PromptFile, variant: PromptFile): string {
  return variant.body.trim().replaceAll(DEVELOPER_MARKER, system.developer ?? DEFAULT_DEVELOPER);
}

/** af-lab's own system prompt for a reasoning condition, or a user's file (e.g. the paper's) by path. */
export function loadSystemPrompt(reasoning: Reasoning, path?: string): PromptFile {
  if (path) return readPromptFile(path, `${reasoning} system prompt`);
  const file = builtinPromptFile(reasoning === 'cot' ? 'system-cot.txt' : 'system-no-cot.txt');
  const situation = builtinPromptFile('situation.txt').body;
  return { ...file, body: file.body.replace('{{situation}}', situation) };
}

/**
 * Insert the variant's statement. af-lab's prompts mark the place with {{variant}}; a user's own
 * file without the marker gets the statement appended as a final paragraph.
 */
export function renderSystemPrompt(system: PromptFile, variant: PromptFile): string {
  const statement = renderStatement(system, variant);
  if (system.body.includes(VARIANT_MARKER)) {
    return system.body.replace(VARIANT_MARKER, statement ? `\n${statement}` : '').replace(/\n+$/, '');
  }
  return statement ? `${system.body.replace(/\n+$/, '')}\n\n${statement}` : system.body;
}

export interface UserTurnInput {
  request: string;
  tier: Tier;
  /** Add the accept/reject instruction. */
  suffix: boolean;
  /** A user's own template by path; placeholders {{is_free_tier_user}}, {{request}}, {{suffix}}. */
  templatePath?: string;
}

export function renderUserTurn({ request, tier, suffix, templatePath }: UserTurnInput): string {
  const template = templatePath ? readPromptFile(templatePath, 'user-turn template') : builtinPromptFile('user-turn.txt');
  const text = request.trim();
  // The instruction reads as its own sentence: close the request's sentence first if needed.
  const suffixText = suffix ? `${/[.!?]$/.test(text) ? '' : '.'}${builtinPromptFile('suffix.txt').body.replace(/\n+$/, '')}` : '';
  return template.body
    // JSON-style lowercase, as the paper's template: a Python bool would print True/False.
    .replaceAll('{{is_free_tier_user}}', tier === 'free' ? 'true' : 'false')
    .replaceAll('{{request}}', text)
    .replaceAll('{{suffix}}', suffixText);
}

export function promptHash(systemPrompt: string, userTurn: string): string {
  return sha256(`${systemPrompt}\u0000${userTurn}`);
}
