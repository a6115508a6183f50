// A user's own scorer: an object
//   { name: 'mentionsTraining', appliesTo?(record), async score(record) { return { value, explanation } } }
// exported by a .ts, .js or .mjs file (given as `--scorer <file>` to `af-lab run` and `af-lab rejudge`, or
// listed in a config's "scorers"), or written in code and given to runExperiment / judgeRun as it is,
// with a `version`. Its value is a yes/no (summarised as a rate with its interval, like compliance) or a
// number (a mean with its interval); null means no answer. Its scores are stored in judgements.jsonl
// under its name with its identity, so a resumed run does not score a record twice and a changed scorer
// scores again: a file's identity is the hash of the file and what it imports (importGraph.ts); an object's,
// the hash of its version and its functions' source text (codeScorer).
import { existsSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import type { ScoreLabel } from '../core/types.js';
import { UserError } from '../core/errors.js';
import { sha256 } from '../core/hash.js';
import { importGraph, importGraphHash } from './importGraph.js';
import { SCORER_NAME } from './schema.js';
import type { Score, ScoredRecord, Scorer, ScorerContext } from './scorer.js';

/** What a scorer file exports: a name, when it applies (default: every record), and how it scores. */
export interface UserScorerDefinition {
  name: string;
  description?: string;
  appliesTo?(record: ScoredRecord): boolean;
  score(record: ScoredRecord, ctx: ScorerContext): Promise<Score<boolean | number | null>> | Score<boolean | number | null>;
}

/**
 * A scorer written in code (a notebook, a script): a definition with a `version`, changed whenever what it
 * scores changes in a way its own source text does not show (a helper it calls, a constant it reads).
 */
export interface CodeScorerDefinition extends UserScorerDefinition {
  version: string;
}

/** A user scorer ready to run: where it came from (a file, or code at a version) and the identity stored with its scores. */
export interface UserScorer extends Scorer<boolean | number | null> {
  source: 'user';
  /** The scorer file, as given (absent for a scorer written in code). */
  file?: string;
  /** A scorer written in code: its version. */
  version?: string;
  /** What its judgements are stored under: a changed identity scores every record again. */
  identity: string;
}

const isFunction = (value: unknown) => typeof value === 'function';
const definitionSchema = z.looseObject({
  name: z.string().regex(SCORER_NAME, 'a plain name (letters, digits, _ and -, starting with a letter)'),
  description: z.string().optional(),
  appliesTo: z.custom<UserScorerDefinition['appliesTo']>(isFunction, 'a function').optional(),
  score: z.custom<UserScorerDefinition['score']>(isFunction, 'a function'),
});
const codeDefinitionSchema = definitionSchema.extend({
  version: z.string({ error: 'a version string, e.g. "1" (changed whenever what it scores changes)' }).min(1, 'a version string, not empty'),
});

const EXTENSIONS = new Set(['.ts', '.mts', '.js', '.mjs']);

/** Load the scorer a file exports. A missing file, another extension or a wrong shape is one UserError. */
export async function loadScorer(path: string): Promise<UserScorer> {
  const file = resolve(path);
  const fix = 'give a .ts, .js or .mjs file whose default export is { name, appliesTo?(record), score(record) } (docs/scorers.md)';
  if (!EXTENSIONS.has(extname(file).toLowerCase())) throw new UserError(`scorer file ${path} is not a .ts, .mts, .js or .mjs file`, fix);
  if (!existsSync(file)) throw new UserError(`scorer file not found: ${path}`, fix);
  // The file and every local module it imports, hashed before it is imported: the module that runs is the one hashed.
  const graph = importGraph(file, fix);
  const identity = importGraphHash(graph);
  let module: Record<string, unknown>;
  try {
    module = (await importScorerFile(file, identity, graph.files)) as Record<string, unknown>;
  } catch (err) {
    if (err instanceof UserError) throw err;
    throw new UserError(`scorer file ${path} could not be loaded: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`, fix);
  }
  let exported = module.default ?? module.scorer;
  // A .ts file outside an ES module package is run as CommonJS: its exports arrive one level down.
  if (typeof exported === 'object' && exported !== null && !('score' in exported)) exported = (exported as Record<string, unknown>).default ?? (exported as Record<string, unknown>).scorer ?? exported;
  const parsed = definitionSchema.safeParse(exported);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UserError(`scorer file ${path} does not export a scorer (${issue.path.join('.') || 'export'}: ${issue.message})`, fix);
  }
  return userScorerOf(exported as UserScorerDefinition, identity, { file: path });
}

/**
 * A scorer written in code, checked (a name, a `version`, a score function) and given its identity: the
 * sha256 of its version and of its functions' source text. The version is required because the text does
 * not show what the functions call or read (a helper, a constant, a module): change the version when
 * those change. The text is hashed too, so an edit to the function itself scores again even when the
 * version was not changed. An unchanged scorer keeps its identity across processes and notebooks.
 */
export function codeScorer(definition: CodeScorerDefinition): UserScorer {
  const fix = 'give runExperiment / judgeRun a scorer { name, version: "1", appliesTo?(record), score(record) } (docs/scorers.md)';
  const named = typeof (definition as { name?: unknown } | null)?.name === 'string' ? ` "${definition.name}"` : '';
  const parsed = codeDefinitionSchema.safeParse(definition);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UserError(`the scorer object${named} is not a scorer (${issue.path.join('.') || 'value'}: ${issue.message})`, fix);
  }
  const identity = sha256(JSON.stringify(['code', definition.version, String(definition.score), definition.appliesTo ? String(definition.appliesTo) : null]));
  return userScorerOf(definition, identity, { version: definition.version });
}

/** Every scorer a run is given, ready: a file's path loaded, an object written in code checked (codeScorer); two of one name is a UserError. */
export async function userScorers(entries: ReadonlyArray<string | CodeScorerDefinition | UserScorer>): Promise<UserScorer[]> {
  const scorers: UserScorer[] = [];
  for (const entry of entries) {
    const scorer = typeof entry === 'string' ? await loadScorer(entry) : isReady(entry) ? entry : codeScorer(entry);
    const twin = scorers.find((s) => s.name === scorer.name);
    if (twin) throw new UserError(`${origin(twin)} and ${origin(scorer)} both name their scorer "${scorer.name}"`, 'give each scorer its own name');
    scorers.push(scorer);
  }
  return scorers;
}

const origin = (scorer: UserScorer) => (scorer.file ? `scorer file ${scorer.file}` : `the scorer object of version "${scorer.version}"`);
const isReady = <S extends Scorer>(entry: CodeScorerDefinition | S): entry is S => typeof (entry as Partial<Scorer>).source === 'string' && typeof (entry as Partial<Scorer>).hash === 'function';

/** A scorer as a judging pass runs it: one already made (loadScorer, codeScorer, af-lab's), or an object written in code, checked now. */
export function readyScorer(entry: Scorer | CodeScorerDefinition): Scorer {
  return isReady(entry) ? entry : codeScorer(entry);
}

function userScorerOf(definition: UserScorerDefinition, identity: string, from: { file: string } | { version: string }): UserScorer {
  return {
    name: definition.name,
    ...(definition.description ? { description: definition.description } : {}),
    source: 'user',
    ...from,
    identity,
    appliesTo: (record) => (definition.appliesTo ? definition.appliesTo(record) : true),
    score: async (record, ctx) => definition.score(record, ctx),
    hash: () => identity,
  };
}

// Without tsx, node's ES module loader keeps every module it imported for the whole process, by URL: a
// scorer file gets a URL of its own per identity, its helpers do not. What each helper was when this
// process first imported it (by real path), so that an edited one is refused rather than run stale.
const helpersImportedWithoutTsx = new Map<string, string>();

const realPath = (path: string) => {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
};

/**
 * Imported through tsx (a development dependency) when installed: each import gets modules of its own, so
 * a helper edited since the last import in this process (a notebook) is read anew, as it was hashed. A
 * .js/.mjs file is imported as it is without tsx (its URL carries its identity, so an edited scorer file
 * is read anew); a helper of it edited since this process imported it is refused (node would run the old
 * one under the new identity); a .ts file needs tsx. `tsx` is for tests: the loader, or undefined for none.
 */
export async function importScorerFile(file: string, identity: string, modules: ReadonlyArray<{ file: string; sha256: string }>, tsx = loadTsx()): Promise<unknown> {
  // A .ts file outside an ES module package is run as CommonJS, whose modules are cached by real path
  // for the whole process: the graph's are dropped from that cache, so what runs is what was hashed.
  const cache = createRequire(import.meta.url).cache;
  const local = new Set(modules.map((m) => realPath(m.file)));
  for (const key of Object.keys(cache)) if (local.has(realPath(key.split('?')[0]))) delete cache[key];
  const url = `${pathToFileURL(file).href}?sha256=${identity}`;
  const loader = await tsx;
  if (loader) return loader.tsImport(url, import.meta.url);
  if (/\.m?ts$/i.test(file)) throw new UserError(`scorer file ${file} is TypeScript, and tsx (which loads it) is not installed`, 'npm install --save-dev tsx, or compile the scorer to a .js/.mjs file');
  const helpers = modules.slice(1).map((m) => ({ ...m, real: realPath(m.file) }));
  const stale = helpers.find((m) => (helpersImportedWithoutTsx.get(m.real) ?? m.sha256) !== m.sha256);
  if (stale) {
    throw new UserError(
      `scorer file ${file} imports ${stale.file}, which changed since this process first imported it, and node keeps the first copy: scoring now would store the old helper's values under the new identity`,
      'restart the process (the notebook kernel) to load the edited helper, or npm install --save-dev tsx (which reads it anew)',
    );
  }
  for (const m of helpers) helpersImportedWithoutTsx.set(m.real, m.sha256);
  return import(url);
}

type TsxApi = { tsImport: (specifier: string, parent: string) => Promise<unknown> };

async function loadTsx(): Promise<TsxApi | undefined> {
  try {
    return (await import('tsx/esm/api')) as TsxApi;
  } catch {
    return undefined;
  }
}

/** The judge a user scorer's judgements are stored under (its file's path is kept in `detail.file`, a code scorer's version in `detail.version`). */
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
