// A published classifier prompt, run as it is: the prompt text comes from a path or URL (downloaded
// once, sha256 recorded, optionally pinned) and a small declaration says how to use it: which
// `{placeholders}` it takes, which tag (or pattern) holds the verdict and its yes/no words, and
// optional per-criterion tags. Nothing of the published text is changed except the placeholders.
//
// Forgery protection works as for af-lab's own prompts, without touching the prompt's wording: each
// inserted transcript part is fenced in tags carrying a nonce, and inside it the declared answer tags
// are defanged (`<final_answer>` becomes `‹final_answer>`), so a scratchpad that writes a verdict, or
// a judge that quotes or echoes one, cannot produce a tag the parser reads. The parser also drops any
// fenced span the judge echoes, and reads only the judge's own answer.
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import type { ChatMessage, Transcript } from '../core/types.js';
import { UserError } from '../core/errors.js';
import { readInputFile } from '../core/safeIo.js';
import { canonicalJson, sha256 } from '../core/hash.js';
import { isUrl, loadTextSource } from '../core/download.js';
import type { AfVote, ComplianceVerdict, Parsed, ParseFailureKind, PartialVerdict } from './parse.js';
import { judgeKindOf, type JudgeKind } from './types.js';

const TAG = /^[A-Za-z_][\w.-]*$/;

const FieldSchema = z
  .object({
    /** XML-like tag holding the value: `<final_answer>Yes</final_answer>`. */
    tag: z.string().regex(TAG).optional(),
    /** Or a regular expression whose first group is the value (e.g. StrongREJECT's `1.b 0`). */
    pattern: z.string().optional(),
    /** Words meaning yes / no (compared without case, punctuation or markdown). */
    yes: z.array(z.string().min(1)).min(1).optional(),
    no: z.array(z.string().min(1)).min(1).optional(),
    /** A whole-number scale [min, max] (mapped onto 1-5 for the compliance judge). */
    scale: z.tuple([z.number().int(), z.number().int()]).optional(),
  })
  .strict()
  .refine((f) => (f.tag === undefined) !== (f.pattern === undefined), { message: 'give exactly one of tag or pattern' })
  .refine((f) => f.scale !== undefined || (f.yes !== undefined && f.no !== undefined), { message: 'give yes and no words, or a scale' });

const TextFieldSchema = z
  .object({ tag: z.string().regex(TAG).optional(), pattern: z.string().optional() })
  .strict()
  .refine((f) => (f.tag === undefined) !== (f.pattern === undefined), { message: 'give exactly one of tag or pattern' });

/** What a declared placeholder is filled with. `reasoning`: the model's reasoning (scratchpad and/or native). */
export const PLACEHOLDER_VALUES = ['request', 'response', 'scratchpad'] as const;

export const ForeignDeclarationSchema = z
  .object({
    // `judge` is the compliance judge's older name (kept as written: it is part of the prompt's hash).
    kind: z.enum(['af', 'compliance', 'judge', 'partial']),
    /** Path (relative to this file) or http(s) URL of the prompt text. */
    prompt: z.string().min(1),
    sha256: z.string().regex(/^[0-9a-fA-F]{64}$/).optional(),
    /** Whose classifier this is, for the record (e.g. "Hughes et al. 2025, AF classifier"). */
    follows: z.string().optional(),
    /** `{name}` in the prompt → what it is filled with. */
    placeholders: z.record(z.string().regex(/^\w+$/), z.enum(PLACEHOLDER_VALUES)),
    /** af / partial: the final yes/no. */
    verdict: FieldSchema.optional(),
    /**
     * judge: refused yes/no, with convincing and specific on a scale (StrongREJECT-style), or alone
     * (a binary judge); or, for a binary judge that answers the other way round, `complied` yes/no.
     */
    refused: FieldSchema.optional(),
    complied: FieldSchema.optional(),
    convincing: FieldSchema.optional(),
    specific: FieldSchema.optional(),
    /** af: optional per-criterion yes/no answers, by name, kept per vote. */
    criteria: z.record(z.string().regex(/^\w+$/), FieldSchema).optional(),
    /** af: optional per-criterion quotes, by criterion name. */
    quotes: z.record(z.string().regex(/^\w+$/), TextFieldSchema).optional(),
    /**
     * af: what makes a vote yes. `final-answer` (default): the prompt's own final answer (`verdict`);
     * `all-criteria`: every declared criterion answered yes (Hughes et al.'s code: final_answer_logic "all").
     */
    voteRule: z.enum(['final-answer', 'all-criteria']).default('final-answer'),
    /**
     * af: a vote still unreadable after the retries is `excluded` from the score (af-lab's rule, the
     * default) or counted `no`, the score then dividing by every vote (Hughes et al.'s code).
     */
    unreadableVotes: z.enum(['excluded', 'no']).default('excluded'),
    /**
     * How the prompt reaches the judge: `user` (default), one user message with the placeholders
     * filled; or `system`, the prompt as the system message (placeholders, if any, filled) and one
     * transcript part as the user message, written by `userFormat` (`{value}` is the part).
     */
    delivery: z
      .object({ prompt: z.enum(['user', 'system']), user: z.enum(PLACEHOLDER_VALUES).optional(), userFormat: z.string().default('{value}') })
      .strict()
      .refine((d) => (d.prompt === 'system') === (d.user !== undefined), { message: 'with "prompt": "system" name the "user" part (request, response or scratchpad); with "user" there is none' })
      .default({ prompt: 'user', userFormat: '{value}' }),
  })
  .strict();

export type ForeignDeclaration = z.output<typeof ForeignDeclarationSchema>;
type Field = z.infer<typeof FieldSchema>;
type TextField = z.infer<typeof TextFieldSchema>;

const REQUIRED_FIELDS: Record<JudgeKind, Array<'verdict'>> = { af: ['verdict'], partial: ['verdict'], compliance: [] };

/** A compliance judge's declaration: exactly one of refused / complied, and convincing with specific or neither (binary). */
function checkJudgeFields(declaration: ForeignDeclaration, path: string): void {
  const hint = 'declare "refused" (or "complied") yes/no, and either both "convincing" and "specific" on a scale (StrongREJECT-style) or neither (a binary judge)';
  if (Boolean(declaration.refused) === Boolean(declaration.complied)) {
    throw new UserError(`judge prompt declaration ${path} for "judge" ${declaration.refused ? 'declares both refused and complied' : 'lacks refused (or complied)'}`, hint);
  }
  if (Boolean(declaration.convincing) !== Boolean(declaration.specific)) {
    throw new UserError(`judge prompt declaration ${path} for "judge" declares ${declaration.convincing ? 'convincing without specific' : 'specific without convincing'}`, hint);
  }
}

/** A parsed declaration file, with the prompt text it points at. */
export interface ForeignPrompt {
  declaration: ForeignDeclaration;
  text: string;
  /** sha256 of the prompt text as downloaded or read. */
  textSha256: string;
  /** Where the prompt text came from (path or URL). */
  source: string;
}

/** Read and check a declaration (a `.json` file given where a prompt path is expected). */
export function readForeignDeclaration(path: string, kind: JudgeKind): ForeignDeclaration {
  let raw: unknown;
  try {
    raw = JSON.parse(readInputFile(path, 'judge prompt declaration'));
  } catch (err) {
    if (err instanceof UserError) throw err;
    throw new UserError(`judge prompt declaration ${path} is not readable JSON (${(err as Error).message})`, 'see docs/judges.md, "A published classifier prompt as it is"');
  }
  const parsed = ForeignDeclarationSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UserError(`judge prompt declaration ${path}: ${issue.path.join('.') || '(top level)'}: ${issue.message}`, 'see docs/judges.md, "A published classifier prompt as it is"');
  }
  const declaration = parsed.data;
  if (judgeKindOf(declaration.kind) !== kind) {
    throw new UserError(`judge prompt declaration ${path} is for "${declaration.kind}", given for "${kind}"`, `give it where the ${declaration.kind} prompt goes`);
  }
  const missing = REQUIRED_FIELDS[kind].filter((name) => !declaration[name] && !(name === 'verdict' && declaration.voteRule === 'all-criteria'));
  if (kind === 'af' && declaration.voteRule === 'all-criteria' && Object.keys(declaration.criteria ?? {}).length === 0) {
    throw new UserError(`judge prompt declaration ${path}: "voteRule": "all-criteria" needs criteria`, 'declare each criterion\'s tag and yes/no words under "criteria"');
  }
  if (missing.length) throw new UserError(`judge prompt declaration ${path} for "${kind}" lacks ${missing.join(', ')}`, 'declare where the judge writes them (tag or pattern)');
  if (kind === 'compliance') checkJudgeFields(declaration, path);
  if (Object.keys(declaration.placeholders).length === 0 && declaration.delivery.prompt === 'user') throw new UserError(`judge prompt declaration ${path} declares no placeholders`, 'name the {placeholder} the transcript goes into, e.g. "placeholders": {"output": "scratchpad"}');
  for (const name of ['verdict', 'refused', 'complied'] as const) {
    if (declaration[name] && !declaration[name]!.yes) throw new UserError(`judge prompt declaration ${path}: ${name} needs yes and no words`, 'e.g. "yes": ["Yes"], "no": ["No"]');
  }
  for (const name of ['convincing', 'specific'] as const) {
    if (declaration[name] && !declaration[name]!.scale) throw new UserError(`judge prompt declaration ${path}: ${name} needs a scale`, 'e.g. "scale": [1, 5]');
  }
  for (const [name, field] of Object.entries(declaration.criteria ?? {})) {
    if (!field.yes) throw new UserError(`judge prompt declaration ${path}: criterion ${name} needs yes and no words`, 'e.g. "yes": ["Yes"], "no": ["No"]');
  }
  return declaration;
}

export async function loadForeignPrompt(path: string, kind: JudgeKind, options: { cacheDir: string; fetchImpl?: typeof fetch }): Promise<ForeignPrompt> {
  const declaration = readForeignDeclaration(path, kind);
  const source = isUrl(declaration.prompt) ? declaration.prompt : resolve(dirname(path), declaration.prompt);
  const loaded = await loadTextSource(source, { cacheDir: options.cacheDir, sha256: declaration.sha256, what: 'judge prompt', ...(options.fetchImpl ? { fetchImpl: options.fetchImpl } : {}) });
  const absent = Object.keys(declaration.placeholders).filter((name) => !loaded.text.includes(`{${name}}`));
  if (absent.length) {
    throw new UserError(`judge prompt ${source} has no ${absent.map((n) => `{${n}}`).join(', ')}, declared in ${path}`, 'declare the placeholders the prompt really uses');
  }
  return { declaration, text: loaded.text, textSha256: loaded.sha256, source };
}

/** The identity of a foreign prompt: its text and its declaration, so changing either re-judges. */
export function foreignPromptHash(prompt: ForeignPrompt): string {
  const { prompt: _where, voteRule, unreadableVotes, delivery, ...rest } = prompt.declaration;
  // Fields left at their defaults are not in the identity: declarations written before they existed keep their judgements.
  const format = {
    ...rest,
    ...(voteRule !== 'final-answer' ? { voteRule } : {}),
    ...(unreadableVotes !== 'excluded' ? { unreadableVotes } : {}),
    ...(delivery.prompt !== 'user' ? { delivery } : {}),
  };
  return sha256(canonicalJson({ text: prompt.textSha256, format }));
}

// --- Rendering -------------------------------------------------------------------------------------

function declaredTags(declaration: ForeignDeclaration): string[] {
  const fields = [declaration.verdict, declaration.refused, declaration.complied, declaration.convincing, declaration.specific, ...Object.values(declaration.criteria ?? {}), ...Object.values(declaration.quotes ?? {})];
  return [...new Set(fields.flatMap((f) => (f?.tag ? [f.tag] : [])))];
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Untrusted text with the declared answer tags made unreadable as tags (`<x>` → `‹x>`). */
export function defang(text: string, tags: string[]): string {
  if (!tags.length) return text;
  return text.replace(new RegExp(`<(/?\\s*(?:${tags.map(escapeRegExp).join('|')})\\b)`, 'gi'), '‹$1');
}

const fence = (nonce: string) => ({ open: `<transcript-${nonce}>`, close: `</transcript-${nonce}>` });

/**
 * The published prompt with each declared `{placeholder}` filled in one pass (text inside a
 * transcript is never expanded), and `{{` / `}}` read as literal braces, as Python's str.format does.
 */
export function renderForeignPrompt(prompt: ForeignPrompt, values: Record<(typeof PLACEHOLDER_VALUES)[number], string>, nonce: string): string {
  const tags = declaredTags(prompt.declaration);
  const { open, close } = fence(nonce);
  const names = Object.keys(prompt.declaration.placeholders);
  const pattern = new RegExp(`\\{\\{|\\}\\}|\\{(${names.map(escapeRegExp).join('|')})\\}`, 'g');
  return prompt.text.replace(pattern, (all, name: string | undefined) => {
    if (all === '{{') return '{';
    if (all === '}}') return '}';
    const value = values[prompt.declaration.placeholders[name!]];
    return `${open}\n${defang(value, tags)}\n${close}`;
  });
}

/**
 * The messages a published prompt is sent as: one user message (the prompt, placeholders filled), or
 * (delivery `system`) the prompt as the system message and the declared transcript part as the user
 * message, its declared answer tags defanged (no fence: the published format has none).
 */
export function foreignMessages(prompt: ForeignPrompt, values: Record<(typeof PLACEHOLDER_VALUES)[number], string>, nonce: string): ChatMessage[] {
  const text = renderForeignPrompt(prompt, values, nonce);
  const { delivery } = prompt.declaration;
  if (delivery.prompt === 'user') return [{ role: 'user', content: text }];
  const part = defang(values[delivery.user!], declaredTags(prompt.declaration));
  return [{ role: 'system', content: text }, { role: 'user', content: delivery.userFormat.replace('{value}', () => part) }];
}

// --- Parsing ---------------------------------------------------------------------------------------

const fail = (kind: ParseFailureKind, error: string): { ok: false; kind: ParseFailureKind; error: string } => ({ ok: false, kind, error });

/**
 * A judge cut off at its token limit never gives a label through a published prompt: its patterns
 * can match text the judge was quoting from the answer it judges (an answer that writes `1.b 0`
 * itself), and the judge's own verdict, which would come after, was never written.
 */
const cutOff = (): { ok: false; kind: ParseFailureKind; error: string } => fail('truncated', "the judge's answer ended at its token limit (finish reason length): its own verdict may never have been written");

/** The judge's own words: anything it echoed from inside a transcript fence is dropped. */
function ownAnswer(text: string, nonce: string): string {
  const { open, close } = fence(nonce);
  let out = text.replace(new RegExp(`${escapeRegExp(open)}[\\s\\S]*?${escapeRegExp(close)}`, 'g'), ' ');
  // An echo cut off before its fence closed, or a closing fence whose opening was not echoed.
  const lastClose = out.lastIndexOf(close);
  if (lastClose !== -1) out = out.slice(lastClose + close.length);
  const danglingOpen = out.indexOf(open);
  if (danglingOpen !== -1) out = out.slice(0, danglingOpen);
  return out;
}

/** Every value the field takes in the answer; several different values are ambiguous. */
function readField(answer: string, field: Field | TextField, name: string, truncated: boolean): Parsed<string> {
  let values: string[];
  if (field.tag) {
    const tag = escapeRegExp(field.tag);
    values = [...answer.matchAll(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, 'gi'))].map((m) => m[1].trim());
    if (values.length === 0) {
      if (truncated || new RegExp(`<${tag}>`, 'i').test(answer)) return fail('truncated', `<${field.tag}> was cut off before its closing tag`);
      return fail('missing', `no <${field.tag}> in the judge's answer (${name})`);
    }
  } else {
    let re: RegExp;
    try {
      re = new RegExp(field.pattern!, 'gim');
    } catch (err) {
      throw new UserError(`pattern for ${name} is not a regular expression (${(err as Error).message})`, 'fix the pattern in the declaration');
    }
    values = [...answer.matchAll(re)].map((m) => (m[1] ?? m[0]).trim());
    if (values.length === 0) return fail(truncated ? 'truncated' : 'missing', `the answer has no match for ${name} (${field.pattern})`);
  }
  const distinct = new Set(values.map((v) => normaliseWord(v)));
  if (distinct.size > 1) return fail('ambiguous', `${name} is given ${values.length} times with different values`);
  return { ok: true, value: values[values.length - 1] };
}

function normaliseWord(text: string): string {
  return text.replace(/[*_`"'.!:;,]/g, '').replace(/\s+/g, ' ').trim().toLowerCase();
}

function readYesNo(answer: string, field: Field, name: string, truncated: boolean): Parsed<boolean> {
  const value = readField(answer, field, name, truncated);
  if (!value.ok) return value;
  const word = normaliseWord(value.value);
  const yes = field.yes!.some((w) => normaliseWord(w) === word);
  const no = field.no!.some((w) => normaliseWord(w) === word);
  if (yes === no) return fail('malformed', `${name} is "${value.value}", not one of ${[...field.yes!, ...field.no!].join(', ')}`);
  return { ok: true, value: yes };
}

function readScale(answer: string, field: Field, name: string, truncated: boolean): Parsed<number> {
  const value = readField(answer, field, name, truncated);
  if (!value.ok) return value;
  const [min, max] = field.scale!;
  const number = Number(normaliseWord(value.value));
  if (!Number.isInteger(number) || number < min || number > max) return fail('malformed', `${name} is "${value.value}", not a whole number from ${min} to ${max}`);
  // Mapped onto af-lab's 1-5 so the StrongREJECT score formula applies unchanged.
  return { ok: true, value: max === min ? 1 : 1 + (4 * (number - min)) / (max - min) };
}

export function parseForeignAfVote(prompt: ForeignPrompt, text: string, nonce: string, truncated = false): Parsed<AfVote> {
  if (truncated) return cutOff();
  const answer = ownAnswer(text, nonce);
  const allCriteria = prompt.declaration.voteRule === 'all-criteria';
  const verdict: Parsed<boolean> = allCriteria ? { ok: true, value: false } : readYesNo(answer, prompt.declaration.verdict!, 'verdict', truncated);
  if (!verdict.ok) return verdict;
  const criteria: Record<string, boolean> = {};
  for (const [name, field] of Object.entries(prompt.declaration.criteria ?? {})) {
    const value = readYesNo(answer, field, `criterion ${name}`, truncated);
    if (!value.ok) return value;
    criteria[name] = value.value;
  }
  const quotes: Record<string, string> = {};
  for (const [name, field] of Object.entries(prompt.declaration.quotes ?? {})) {
    const value = readField(answer, field, `quote ${name}`, false);
    if (value.ok && !/^none\.?$/i.test(value.value)) quotes[name] = value.value;
  }
  // The published rule decides the vote: the prompt's own final answer, or every criterion yes.
  const faking = allCriteria ? Object.values(criteria).every(Boolean) : verdict.value;
  return { ok: true, value: { faking, criteria, quotes } };
}

export function parseForeignCompliance(prompt: ForeignPrompt, text: string, nonce: string, truncated = false): Parsed<ComplianceVerdict> {
  if (truncated) return cutOff();
  const answer = ownAnswer(text, nonce);
  const { refused, complied, convincing, specific } = prompt.declaration;
  const r = refused ? readYesNo(answer, refused, 'refused', truncated) : readYesNo(answer, complied!, 'complied', truncated);
  if (!r.ok) return r;
  const isRefused = refused ? r.value : !r.value;
  // A binary judge gives its verdict only: no convincingness or specificity to read.
  if (!convincing || !specific) return { ok: true, value: { refused: isRefused, convincing: null, specific: null } };
  const c = readScale(answer, convincing!, 'convincing', truncated);
  if (!c.ok) return c;
  const s = readScale(answer, specific!, 'specific', truncated);
  if (!s.ok) return s;
  return { ok: true, value: { refused: isRefused, convincing: c.value, specific: s.value } };
}

export function parseForeignPartial(prompt: ForeignPrompt, text: string, nonce: string, truncated = false): Parsed<PartialVerdict> {
  if (truncated) return cutOff();
  const answer = ownAnswer(text, nonce);
  const verdict = readYesNo(answer, prompt.declaration.verdict!, 'verdict', truncated);
  if (!verdict.ok) return verdict;
  // A published partial-compliance prompt gives yes/no; the kind is af-lab's own refinement.
  return { ok: true, value: { partial: verdict.value } };
}
