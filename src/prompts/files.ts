// Prompt files: plain text with a small header, so a person can read, edit and diff them.
//
//   ---
//   name: duty-not-to-harm-simple
//   description: one line
//   ---
//   body...
//
// Files without a header (e.g. the original paper's prompt files, loaded by path) are taken whole.
import { existsSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '../core/errors.js';
import type { AblationTag } from '../core/types.js';
import { hasElementMarkers, stripElements, type ElementChoices } from './elements.js';
import { readInputFile } from '../core/safeIo.js';

export interface PromptFile {
  name: string;
  description: string;
  body: string;
  /** Absolute path the text was read from. */
  path: string;
  /**
   * A system prompt's developer (header `developer:`), the name a statement's {{developer}}
   * placeholder takes (Koorndijk's prompt D names the developer); absent: "the developer".
   */
  developer?: string;
  /**
   * A variant added on top of another (header `on:`), as Koorndijk's prompt D is added to their
   * "baseline 2": its text follows that variant's, and it is compared with that variant, not `baseline`.
   */
  on?: string;
  /**
   * What a variant adds (header `kind:`): `statement` (the default: a statement of duty, what a setting
   * may place as a numbered rule) or `context` (more about the situation, such as Koorndijk's
   * "baseline 2", which stays where {{variant}} stands).
   */
  kind?: 'statement' | 'context';
  /** A variant written `on:` another: the text of the whole chain, split by kind (see `kind`). */
  parts?: VariantParts;
  /** The body with its element markers (`{{#element NAME}}...{{/element}}`), when it names elements; `body` is it with every element on. */
  marked?: string;
  /** A condition of an ablation design: the elements it turns off or rewords (./elements.ts). */
  elements?: ElementChoices;
  /** The ablation condition it is (records keep it). */
  ablation?: AblationTag;
}

/** A variant's text split by what it adds: more about the situation, and the statement of duty. */
export interface VariantParts {
  context: string;
  statement: string;
}

/** A body as written: `body` with every element on, and `marked` when it names elements. */
export function withElements(text: string, where: string): Pick<PromptFile, 'body' | 'marked'> {
  return hasElementMarkers(text) ? { body: stripElements(text, where), marked: text } : { body: text };
}

/** data/prompts/ of the installed af-lab package (works from src/ under tsx and from dist/). */
export const PROMPTS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'data', 'prompts');

export function parsePromptFile(text: string, path: string): PromptFile {
  const fallbackName = basename(path, extname(path));
  const normalised = text.replace(/\r\n/g, '\n');
  const match = /^---\n([\s\S]*?)\n---\n?/.exec(normalised);
  if (!match) return { name: fallbackName, description: '', ...withElements(normalised.replace(/\n+$/, ''), path), path };
  const header: Record<string, string> = {};
  for (const line of match[1].split('\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) header[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
  }
  if (header.kind !== undefined && header.kind !== 'statement' && header.kind !== 'context') {
    throw new UserError(`${path}: header "kind: ${header.kind}" is neither "statement" nor "context"`, 'write kind: statement (a statement of duty) or kind: context (more about the situation), or drop the line');
  }
  return {
    name: header.name || fallbackName,
    description: header.description ?? '',
    ...withElements(normalised.slice(match[0].length).replace(/\n+$/, ''), path),
    path,
    ...(header.developer ? { developer: header.developer } : {}),
    ...(header.on ? { on: header.on } : {}),
    ...(header.kind ? { kind: header.kind as 'statement' | 'context' } : {}),
  };
}

export function readPromptFile(path: string, what: string): PromptFile {
  const absolute = resolve(path);
  if (!existsSync(absolute)) {
    throw new UserError(`${what} file not found: ${path}`, `check the path, or use one of the files in ${PROMPTS_DIR}`);
  }
  return parsePromptFile(readInputFile(absolute, `${what} file`, { fix: `give a prompt file (a regular text file), or use one of the files in ${PROMPTS_DIR}` }), absolute);
}

/** A built-in prompt file of af-lab, by its path under data/prompts/. */
export function builtinPromptFile(relative: string): PromptFile {
  return readPromptFile(join(PROMPTS_DIR, relative), 'built-in prompt');
}
