// A user's own scorer: a .ts, .js or .mjs file whose default export (or export named `scorer`) is
//   { name: 'mentionsTraining', appliesTo?(record), async score(record) { return { value, explanation } } }
// given as `--scorer <file>` to `af-lab run` and `af-lab rejudge`, or listed in a config's "scorers".
// Its value is a yes/no (summarised as a rate with its interval, like compliance) or a number (a mean
// with its interval); null means no answer. Its scores are stored in judgements.jsonl under its name
// with the file's sha256, so a resumed run does not score a record twice and a changed file scores again.
// (Only the file itself is hashed, not what it imports.)
import { existsSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import type { ScoreLabel } from '../core/types.js';
import { UserError } from '../core/errors.js';
import { sha256 } from '../core/hash.js';
import { readInputBytes } from '../core/safeIo.js';
import { SCORER_NAME } from './schema.js';
import type { Score, ScoredRecord, Scorer, ScorerContext } from './scorer.js';

/** What a scorer file exports: a name, when it applies (default: every record), and how it scores. */
export interface UserScorerDefinition {
  name: string;
  description?: string;
  appliesTo?(record: ScoredRecord): boolean;
  score(record: ScoredRecord, ctx: ScorerContext): Promise<Score<boolean | number | null>> | Score<boolean | number | null>;
}

/** A user scorer as loaded: the file it came from and that file's sha256 (the identity of its scores). */
export interface UserScorer extends Scorer<boolean | number | null> {
  source: 'user';
  file: string;
  fileHash: string;
}

const isFunction = (value: unknown) => typeof value === 'function';
const definitionSchema = z.looseObject({
  name: z.string().regex(SCORER_NAME, 'a plain name (letters, digits, _ and -, starting with a letter)'),
  description: z.string().optional(),
  appliesTo: z.custom<UserScorerDefinition['appliesTo']>(isFunction, 'a function').optional(),
  score: z.custom<UserScorerDefinition['score']>(isFunction, 'a function'),
});

const EXTENSIONS = new Set(['.ts', '.mts', '.js', '.mjs']);

/** Load the scorer a file exports. A missing file, another extension or a wrong shape is one UserError. */
export async function loadScorer(path: string): Promise<UserScorer> {
  const file = resolve(path);
  const fix = 'give a .ts, .js or .mjs file whose default export is { name, appliesTo?(record), score(record) } (docs/scorers.md)';
  if (!EXTENSIONS.has(extname(file).toLowerCase())) throw new UserError(`scorer file ${path} is not a .ts, .mts, .js or .mjs file`, fix);
  if (!existsSync(file)) throw new UserError(`scorer file not found: ${path}`, fix);
  const fileHash = sha256(readInputBytes(file, 'scorer file', { fix }));
  let module: Record<string, unknown>;
  try {
    module = (await importScorerFile(file, fileHash)) as Record<string, unknown>;
  } catch (err) {
    if (err instanceof UserError) throw err;
    throw new UserError(`scorer file ${path} could not be loaded: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`, fix);
  }
  const exported = module.default ?? module.scorer;
  const parsed = definitionSchema.safeParse(exported);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UserError(`scorer file ${path} does not export a scorer (${issue.path.join('.') || 'export'}: ${issue.message})`, fix);
  }
  const definition = exported as UserScorerDefinition;
  return {
    name: definition.name,
    ...(definition.description ? { description: definition.description } : {}),
    source: 'user',
    file: path,
    fileHash,
    appliesTo: (record) => (definition.appliesTo ? definition.appliesTo(record) : true),
    score: async (record, ctx) => definition.score(record, ctx),
    hash: () => fileHash,
  };
}

/** Load several scorer files; two of one name is a UserError. */
export async function loadScorers(paths: readonly string[]): Promise<UserScorer[]> {
  const scorers: UserScorer[] = [];
  for (const path of paths) {
    const scorer = await loadScorer(path);
    const twin = scorers.find((s) => s.name === scorer.name);
    if (twin) throw new UserError(`scorer files ${twin.file} and ${path} both name their scorer "${scorer.name}"`, 'give each scorer its own name');
    scorers.push(scorer);
  }
  return scorers;
}

/**
 * A .js/.mjs file is imported as it is; a .ts file through tsx (a development dependency), when installed.
 * The URL carries the file's hash: a file changed since it was last imported in this process (a notebook)
 * is imported anew, not served from the module cache.
 */
async function importScorerFile(file: string, fileHash: string): Promise<unknown> {
  const url = `${pathToFileURL(file).href}?sha256=${fileHash}`;
  if (!/\.m?ts$/i.test(file)) return import(url);
  let tsx: { tsImport: (specifier: string, parent: string) => Promise<unknown> };
  try {
    tsx = (await import('tsx/esm/api')) as typeof tsx;
  } catch {
    throw new UserError(`scorer file ${file} is TypeScript, and tsx (which loads it) is not installed`, 'npm install --save-dev tsx, or compile the scorer to a .js/.mjs file');
  }
  return tsx.tsImport(url, import.meta.url);
}

/** The judge a user scorer's judgements are stored under (the file's path is kept in `detail.file`). */
export function userJudge(name: string): string {
  return `user:${name}`;
}

/** A user scorer's score as stored: its value checked (a yes/no, a finite number, or null). */
export function userScoreLabel(scorer: string, hash: string, score: Score): ScoreLabel {
  const value = score?.value;
  const ok = value === null || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));
  if (!ok) {
    throw new UserError(`scorer "${scorer}" returned the value ${JSON.stringify(value) ?? String(value)}`, 'return { value } with a boolean, a finite number, or null (no answer)');
  }
  return { scorer, hash, value, ...(typeof score.explanation === 'string' && score.explanation ? { explanation: score.explanation } : {}) };
}
