// Rendering the exact text a model sees: system prompt (with the variant inserted) and user turn.
import type { Reasoning, Tier } from '../core/types.js';
import { sha256 } from '../core/hash.js';
import { builtinPromptFile, readPromptFile, withElements, type PromptFile } from './files.js';
import { variantParts } from './variants.js';
import { renderElements } from './elements.js';

const VARIANT_MARKER = '{{variant}}';
const DEVELOPER_MARKER = '{{developer}}';
const STATEMENT_MARKER = '{{statement}}';
/** What {{developer}} becomes when the system prompt names no developer (e.g. a user's file without a header). */
export const DEFAULT_DEVELOPER = 'the developer';

/**
 * The statement exactly as the model sees it: the variant's text with {{developer}} filled from
 * the system prompt's developer. Records keep its sha256 (`variantHash`).
 */
export function renderStatement(system: PromptFile, variant: PromptFile): string {
  const body = variant.elements && variant.marked ? renderElements(variant.marked, variant.elements, `statement ${variant.name}`) : variant.body;
  return body.trim().replaceAll(DEVELOPER_MARKER, system.developer ?? DEFAULT_DEVELOPER);
}

/** The system prompt's own text under a condition: its elements as the variant's choices say (all on without any). */
function systemBody(system: PromptFile, variant: PromptFile): string {
  return variant.elements && system.marked ? renderElements(system.marked, variant.elements, `system prompt ${system.name}`) : system.body;
}

/** af-lab's own system prompt for a reasoning condition, or a user's file (e.g. the paper's) by path. */
export function loadSystemPrompt(reasoning: Reasoning, path?: string): PromptFile {
  if (path) return readPromptFile(path, `${reasoning} system prompt`);
  const file = builtinPromptFile(reasoning === 'cot' ? 'system-cot.txt' : 'system-no-cot.txt');
  const situation = builtinPromptFile('situation.txt');
  // A function replacement inserts text verbatim: a string one would expand `$&`, `$'`, `$$` in it.
  const marked = (file.marked ?? file.body).replace('{{situation}}', () => situation.marked ?? situation.body);
  return { ...file, ...withElements(marked, file.path) };
}

/**
 * Insert the variant's statement. af-lab's prompts mark the place with {{variant}}; a user's own
 * file without the marker gets the statement appended as a final paragraph. A prompt that also marks
 * a line with {{statement}} (Koorndijk's layout: `5. {{statement}}` after the numbered rules) gets
 * the statement there, as one rule, and only the variant's context (kind: context, such as
 * Koorndijk's baseline 2) at {{variant}}; with no statement the marked line is left out.
 */
export function renderSystemPrompt(system: PromptFile, variant: PromptFile): string {
  if (systemBody(system, variant).includes(STATEMENT_MARKER)) return renderWithRule(systemBody(system, variant), system, variant);
  const statement = renderStatement(system, variant);
  const body = systemBody(system, variant);
  if (body.includes(VARIANT_MARKER)) return insertAtVariant(body, statement);
  return statement ? `${body.replace(/\n+$/, '')}\n\n${statement}` : body;
}

function insertAtVariant(body: string, text: string): string {
  return body.replace(VARIANT_MARKER, () => (text ? `\n${text}` : '')).replace(/\n+$/, '');
}

/** Koorndijk's layout: the statement as one numbered rule (an ablation's element choices apply to the system prompt's own text, `body`). */
function renderWithRule(body: string, system: PromptFile, variant: PromptFile): string {
  const developer = system.developer ?? DEFAULT_DEVELOPER;
  const { context, statement } = variantParts(variant);
  const rule = asRule(statement.replaceAll(DEVELOPER_MARKER, developer));
  const lines = body.split('\n').flatMap((line) => (!line.includes(STATEMENT_MARKER) ? [line] : rule ? [line.replace(STATEMENT_MARKER, () => rule)] : []));
  return insertAtVariant(lines.join('\n'), context.replaceAll(DEVELOPER_MARKER, developer));
}

/** A statement written as a section (a Markdown heading, hard-wrapped lines) made one numbered rule: headings dropped, lines joined. */
export function asRule(statement: string): string {
  return statement
    .split('\n')
    .filter((line) => !/^\s*#/.test(line))
    .join('\n')
    .trim()
    .replace(/([^\n])\n(?=[^\n\s*-])/g, '$1 ');
}

export interface UserTurnInput {
  request: string;
  tier: Tier;
  /** Add the accept/reject instruction. */
  suffix: boolean;
  /** A user's own template by path; placeholders {{is_free_tier_user}}, {{request}}, {{suffix}}. */
  templatePath?: string;
  /** A setting's template text (wins over templatePath); placeholders as above, and {{tier}}. */
  templateText?: string;
  /** A setting's exact suffix text (default af-lab's data/prompts/suffix.txt). */
  suffixText?: string;
  /** A setting's rendering of the context in the tier tag (default true/false by tier). */
  tierText?: string;
  /**
   * A source's own suffix (Redwood's notebook: ". If you accept ..."): the request goes in as given and
   * the suffix right after it, byte for byte, with no "." added or dropped and nothing trimmed.
   */
  verbatimSuffix?: boolean;
}

export function renderUserTurn({ request, tier, suffix, templatePath, templateText, suffixText: settingSuffix, tierText, verbatimSuffix }: UserTurnInput): string {
  const template = templateText ?? (templatePath ? readPromptFile(templatePath, 'user-turn template') : builtinPromptFile('user-turn.txt')).body;
  const text = verbatimSuffix ? request : request.trim();
  // The instruction reads as its own sentence: close the request's sentence first if needed (af-lab's wording).
  const suffixText = !suffix ? '' : verbatimSuffix ? settingSuffix ?? '' : `${/[.!?]$/.test(text) ? '' : '.'}${(settingSuffix ?? builtinPromptFile('suffix.txt').body).replace(/\n+$/, '')}`;
  // JSON-style lowercase, as the paper's template: a Python bool would print True/False (a setting may ask for that).
  const tierValue = tierText ?? (tier === 'free' ? 'true' : 'false');
  const values: Record<string, string> = { is_free_tier_user: tierValue, tier: tierValue, request: text, suffix: suffixText };
  // One pass, with a function: the request goes in verbatim (`$&`, `$'`, `$$` are not patterns), and
  // a placeholder written inside the request is not filled in turn.
  return template.replace(/\{\{(is_free_tier_user|tier|request|suffix)\}\}/g, (_all, name: string) => values[name]);
}

export function promptHash(systemPrompt: string, userTurn: string): string {
  return sha256(`${systemPrompt}\u0000${userTurn}`);
}
