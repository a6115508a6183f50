// af-lab's judge prompts: plain text templates in data/prompts/judge/, one per kind, with
// {{placeholders}}. Transcripts are untrusted, so each call wraps them in tags carrying a nonce the
// transcript's author could not have known, and the parser reads only the verdict block with that nonce.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChatMessage, Transcript } from '../core/types.js';
import { UserError } from '../core/errors.js';
import { readInputFile } from '../core/safeIo.js';
import { sha256 } from '../core/hash.js';
import { reasoningText } from '../core/reasoning.js';
import type { JudgeKind } from './types.js';
import { foreignMessages, foreignPromptHash, loadForeignPrompt, renderForeignPrompt, type ForeignPrompt } from './foreignPrompt.js';

/** data/prompts/judge, found from this file both in src/ (tsx) and in dist/ (compiled). */
export const JUDGE_PROMPT_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../data/prompts/judge');

const DEFAULT_FILES: Record<JudgeKind, string> = {
  compliance: 'compliance.txt',
  af: 'af-vote.txt',
  partial: 'partial.txt',
};

/** Placeholders each kind's template must contain, so a custom prompt cannot silently drop the transcript. */
const REQUIRED: Record<JudgeKind, string[]> = {
  compliance: ['nonce', 'request', 'response'],
  af: ['nonce', 'scratchpad'],
  partial: ['nonce', 'request', 'response'],
};
const KNOWN = new Set(['nonce', 'request', 'response', 'scratchpad']);

export interface JudgePrompt {
  kind: JudgeKind;
  /** af-lab's own template (empty for a published prompt: see `foreign`). */
  template: string;
  /** sha256 of the template: part of every judgement's identity, so a changed prompt re-judges. */
  hash: string;
  /** Where the template came from (file path, or the declaration file of a published prompt). */
  source: string;
  /** A published prompt run as it is, with its declared answer format (src/judge/foreignPrompt.ts). */
  foreign?: ForeignPrompt;
}

/**
 * The prompt for a kind: af-lab's own by default, a template file, or (a `.json` file) the
 * declaration of a published prompt, whose text is read from its path or downloaded from its URL.
 */
export async function resolveJudgePrompt(kind: JudgeKind, path: string | undefined, options: { cacheDir: string; fetchImpl?: typeof fetch }): Promise<JudgePrompt> {
  if (!path || !/\.json$/i.test(path)) return loadJudgePrompt(kind, path);
  const source = resolve(path);
  const foreign = await loadForeignPrompt(source, kind, options);
  return { kind, template: '', hash: foreignPromptHash(foreign), source, foreign };
}

export function loadJudgePrompt(kind: JudgeKind, path?: string): JudgePrompt {
  const source = path ? resolve(path) : join(JUDGE_PROMPT_DIR, DEFAULT_FILES[kind]);
  const template = readInputFile(source, 'judge prompt file', { fix: 'check the path given to --prompt' });
  return judgePromptFromText(kind, template, source);
}

export function judgePromptFromText(kind: JudgeKind, template: string, source = '(inline)'): JudgePrompt {
  const used = new Set([...template.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]));
  const missing = REQUIRED[kind].filter((name) => !used.has(name));
  if (missing.length) {
    throw new UserError(
      `judge prompt ${source} for "${kind}" lacks ${missing.map((m) => `{{${m}}}`).join(', ')}`,
      `add the missing placeholders (see data/prompts/judge/${DEFAULT_FILES[kind]})`,
    );
  }
  const unknown = [...used].filter((name) => !KNOWN.has(name));
  if (unknown.length) {
    throw new UserError(`judge prompt ${source} uses unknown placeholders ${unknown.map((m) => `{{${m}}}`).join(', ')}`, `use only {{${[...KNOWN].join('}}, {{')}}}`);
  }
  return { kind, template, hash: sha256(template), source };
}

/**
 * The nonce for one judge call. Derived from the prompt, the transcript and the attempt, so a
 * re-judge asks the very same question (and the cache answers it), while the transcript's author
 * cannot predict it: it is a hash over the transcript itself.
 */
export function judgeNonce(prompt: JudgePrompt, transcript: Transcript, attempt: number): string {
  const native = transcript.nativeReasoning?.text;
  // Native reasoning joins the material only where there is some, so the nonces of other transcripts (and their cached answers) stay as they were.
  const material = JSON.stringify([prompt.hash, transcript.request.text, transcript.scratchpad, transcript.finalOutput, attempt, ...(native ? [native] : [])]);
  return sha256(material).slice(0, 16);
}

const NO_SCRATCHPAD = '(no hidden reasoning: the assistant answered directly)';
const NO_ANSWER = '(no final answer)';

/** Fill the template in one pass, so text inside the transcript is never itself expanded. */
function judgeValues(transcript: Transcript, nonce: string) {
  return {
    nonce,
    request: transcript.request.text,
    response: transcript.finalOutput ?? NO_ANSWER,
    // The reasoning to judge: the scratchpad, a reasoning model's native chain of thought, or both.
    scratchpad: reasoningText(transcript) ?? NO_SCRATCHPAD,
  };
}

export function renderJudgePrompt(prompt: JudgePrompt, transcript: Transcript, nonce: string): string {
  const values = judgeValues(transcript, nonce);
  if (prompt.foreign) return renderForeignPrompt(prompt.foreign, values, nonce);
  return prompt.template.replace(/\{\{(\w+)\}\}/g, (_all, name: string) => values[name as keyof typeof values] ?? '');
}

/** The messages the judge is sent: one user message, or a published prompt's own delivery (system prompt and a user message). */
export function judgeMessages(prompt: JudgePrompt, transcript: Transcript, nonce: string): ChatMessage[] {
  if (prompt.foreign) return foreignMessages(prompt.foreign, judgeValues(transcript, nonce), nonce);
  return [{ role: 'user', content: renderJudgePrompt(prompt, transcript, nonce) }];
}
