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
import { readInputBytes } from '../core/safeIo.js';

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
  // A NUL or other control character (tab, line and page breaks aside) is no prompt text: a binary file
  // or one saved as UTF-16. Refused, not sent to a model as a prompt.
  const control = /[\u0000-\u0008\u000e-\u001f]/.exec(text);
  if (control) {
    throw new UserError(`${path} is not a text file (it has the control character U+${control[0].charCodeAt(0).toString(16).padStart(4, '0').toUpperCase()})`, 'give a prompt file saved as plain UTF-8 text');
  }
  const normalised = text.replace(/\r\n/g, '\n');
  const match = /^---\n(?:([\s\S]*?)\n)?---(?:\n|$)/.exec(normalised);
  if (!match) {
    if (/^---[ \t]*(\n|$)/.test(normalised)) {
      throw new UserError(`${path}: its header opens with "---" on the first line and is never closed`, 'end the header with a line "---" before the text, or remove the first line if the file has no header');
    }
    return { name: fallbackName, description: '', ...withElements(normalised.replace(/\n+$/, ''), path), path };
  }
  const header = headerFields(match[1] ?? '', path);
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

/** The `key: value` lines of a header, each key once; a line of another shape is refused (one line naming it). */
function headerFields(text: string, path: string): Record<string, string> {
  const header: Record<string, string> = {};
  const fix = 'write each header line as "key: value" (name, description, developer, on, kind), each key once, between two "---" lines';
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    const field = /^\s*([A-Za-z][\w-]*)\s*:(.*)$/.exec(line);
    if (!field) throw new UserError(`${path}: header line ${i + 2} ${JSON.stringify(line.slice(0, 60))} is not "key: value"`, fix);
    const key = field[1];
    if (Object.hasOwn(header, key)) throw new UserError(`${path}: header key "${key}" is given twice (line ${i + 2} repeats it)`, `keep one "${key}:" line in the header`);
    header[key] = field[2].trim();
  });
  return header;
}

export function readPromptFile(path: string, what: string): PromptFile {
  const absolute = resolve(path);
  if (!existsSync(absolute)) {
    throw new UserError(`${what} file not found: ${path}`, `check the path, or use one of the files in ${PROMPTS_DIR}`);
  }
  const bytes = readInputBytes(absolute, `${what} file`, { fix: `give a prompt file (a regular text file), or use one of the files in ${PROMPTS_DIR}` });
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new UserError(`${what} file ${path} is not UTF-8 text`, 'save it as plain UTF-8 text');
  }
  return parsePromptFile(text, absolute);
}

/** A built-in prompt file of af-lab, by its path under data/prompts/. */
export function builtinPromptFile(relative: string): PromptFile {
  return readPromptFile(join(PROMPTS_DIR, relative), 'built-in prompt');
}
