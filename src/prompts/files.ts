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
}

/** data/prompts/ of the installed af-lab package (works from src/ under tsx and from dist/). */
export const PROMPTS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'data', 'prompts');

export function parsePromptFile(text: string, path: string): PromptFile {
  const fallbackName = basename(path, extname(path));
  const normalised = text.replace(/\r\n/g, '\n');
  const match = /^---\n([\s\S]*?)\n---\n?/.exec(normalised);
  if (!match) return { name: fallbackName, description: '', body: normalised.replace(/\n+$/, ''), path };
  const header: Record<string, string> = {};
  for (const line of match[1].split('\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) header[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
  }
  return {
    name: header.name || fallbackName,
    description: header.description ?? '',
    body: normalised.slice(match[0].length).replace(/\n+$/, ''),
    path,
    ...(header.developer ? { developer: header.developer } : {}),
    ...(header.on ? { on: header.on } : {}),
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
