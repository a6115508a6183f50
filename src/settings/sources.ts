// Loading one prompt text of a setting: af-lab's own file, a local file, or a URL downloaded once into
// the cache. A URL's sha256 is recorded in the setting's lock file the first time (trust on first
// use) and checked on every later load; a pinned sha256 (in the setting or its lock) that does not
// match is an error naming both. Nothing is written (cache or lock) unless the text checks out.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UserError } from '../core/errors.js';
import { readInputBytes } from '../core/safeIo.js';
import { writeFileAtomic } from '../core/files.js';
import { sha256 } from '../core/hash.js';
import { fetchBytes } from '../core/download.js';
import { parsePromptFile } from '../prompts/files.js';
import { fromNotebook } from './notebookCell.js';
import { hasElementMarkers, stripElements } from '../prompts/elements.js';
import { DATA_DIR, readLock, writeLock } from './files.js';
import type { PromptSource } from './schema.js';

/**
 * What is known of a loaded text's identity:
 * - `af-lab file`: one of af-lab's own files;
 * - `pinned`: a URL's file (downloaded or cached) or a local copy of it, equal to the sha256 pinned in the setting or its lock;
 * - `recorded on first use`: a URL's file downloaded (or found cached) with no pin yet: its sha256 is recorded in the lock now;
 * - `unverified local copy`: a local file given for a URL's file when no pin exists to check it against;
 * - `local file`: a user's own text (no URL behind it).
 */
export type TextIdentity = 'af-lab file' | 'pinned' | 'recorded on first use' | 'unverified local copy' | 'local file';

export interface LoadedText {
  /** The text itself: a source's own text byte for byte; af-lab's files without their header and trailing newlines. */
  text: string;
  /** sha256 of the file's bytes as loaded (for a URL: as downloaded); of a file naming prompt elements, without their markers (they are not text: marking an element changes no hash). */
  sha256: string;
  /** The text with its element markers, when it names elements (`text` is it with every element on). */
  marked?: string;
  /** Where it came from: af-lab's file, a local path, a fresh download, or the cached download. */
  origin: 'builtin' | 'path' | 'url' | 'cache';
  /** The path or URL. */
  location: string;
  wording: 'source' | 'af-lab';
  /** The developer the file's header names (`developer:`), which fills a statement's {{developer}}. */
  developer?: string;
  identity: TextIdentity;
}

export interface SourceContext {
  /** The setting's name and lock file (for URLs). */
  setting: string;
  lockPath: string;
  /** The response cache folder: downloads go to <cacheDir>/settings/. */
  cacheDir: string;
  /** Download timeout (default 30 s). */
  timeoutMs?: number;
  /** The override a user passes for this element, e.g. `systemPrompts.cot.path in data/settings/NAME.json`. */
  overrideHint: string;
}

/**
 * The text: a source's own file (by URL, or a local copy of it) byte for byte, or the part of a
 * notebook the source names; af-lab's files and a user's own (no URL) without their header and
 * trailing newlines, with the developer the header names, if any, and their element markers kept apart.
 */
function parsed(bytes: Buffer, location: string, source: PromptSource): Pick<LoadedText, 'text' | 'developer' | 'marked'> {
  if (source.extract) return { text: fromNotebook(bytes.toString('utf8'), source.extract, location) };
  if (source.wording === 'source' && source.url) return { text: bytes.toString('utf8') };
  const file = parsePromptFile(bytes.toString('utf8'), location);
  return { text: file.body, ...(file.marked ? { marked: file.marked } : {}), ...(file.developer ? { developer: file.developer } : {}) };
}

/** The sha256 a loaded text is known by: of its bytes, with element markers (if any) taken out. */
function textHash(bytes: Buffer, location: string): string {
  const text = bytes.toString('utf8');
  return hasElementMarkers(text) ? sha256(stripElements(text, location)) : sha256(bytes);
}

/** The cached copy of a URL's download. */
export function cachedCopyPath(cacheDir: string, url: string): string {
  return join(cacheDir, 'settings', `${sha256(url).slice(0, 32)}.txt`);
}

function checkPin(what: string, pinned: string | undefined, actual: string, fix: string): void {
  if (pinned && pinned !== actual) throw new UserError(`${what} has sha256 ${actual}, but ${pinned} is pinned`, fix);
}

/**
 * A source's text: the file as loaded, and with `includeBase` (a Jinja template), rendered as Jinja's
 * default environment renders a template with includes and no variables: each `{% include %}` replaced
 * by the included file, and every file's one trailing newline dropped. Any other Jinja syntax left is
 * an error, never sent as it stands. The sha256 covers the template and every included file.
 */
export async function loadSource(source: PromptSource, element: string, ctx: SourceContext): Promise<LoadedText> {
  const loaded = await loadOne(source, element, ctx);
  if (!source.includeBase) return loaded;
  const bytes = rawBytes(source, loaded, ctx);
  const rendered = await renderIncludes(dropOneNewline(bytes.toString('utf8')), source.includeBase, element, ctx, [loaded.location]);
  return { ...loaded, text: rendered.text, sha256: sha256([loaded.sha256, ...rendered.hashes].join('\n')) };
}

// A plain include only: whitespace control (`{%-`, `-%}`) and `ignore missing` are left as syntax af-lab does not render.
const INCLUDE = /\{%\s*include\s+(['"])([^'"]+)\1\s*%\}/g;

function dropOneNewline(text: string): string {
  return text.endsWith('\n') ? text.slice(0, -1) : text;
}

/** The file's bytes as loaded (af-lab's parsed text drops more than Jinja does). */
function rawBytes(source: PromptSource, loaded: LoadedText, ctx: SourceContext): Buffer {
  if (loaded.origin === 'builtin' || loaded.origin === 'path') return readFileSync(loaded.location);
  return readFileSync(cachedCopyPath(ctx.cacheDir, source.url!));
}

async function renderIncludes(template: string, base: string, element: string, ctx: SourceContext, seen: string[]): Promise<{ text: string; hashes: string[] }> {
  const hashes: string[] = [];
  const parts: string[] = [];
  let last = 0;
  for (const match of template.matchAll(INCLUDE)) {
    const url = new URL(match[2], base.endsWith('/') ? base : `${base}/`).toString();
    if (seen.includes(url)) throw new UserError(`${element} of setting ${ctx.setting}: ${url} includes itself`, 'pass the rendered prompt as a local file (the path override)');
    const included = await loadOne({ url, wording: 'source' }, `${element} (included ${match[2]})`, ctx);
    const inner = await renderIncludes(dropOneNewline(readFileSync(cachedCopyPath(ctx.cacheDir, url)).toString('utf8')), base, element, ctx, [...seen, url]);
    parts.push(template.slice(last, match.index), inner.text);
    hashes.push(included.sha256, ...inner.hashes);
    last = match.index + match[0].length;
  }
  const text = [...parts, template.slice(last)].join('');
  const left = /\{\{|\{%|\{#/.exec(text);
  if (left) {
    throw new UserError(
      `${element} of setting ${ctx.setting}: the Jinja template has syntax af-lab does not render ("${text.slice(left.index, left.index + 30)}")`,
      `render it with Jinja yourself and pass the result as a local file (${ctx.overrideHint})`,
    );
  }
  return { text, hashes };
}

async function loadOne(source: PromptSource, element: string, ctx: SourceContext): Promise<LoadedText> {
  if (source.builtin) {
    const path = join(DATA_DIR, source.builtin);
    if (!existsSync(path)) throw new UserError(`${element} of setting ${ctx.setting}: af-lab file not found: ${path}`, 'restore data/ from the repository');
    const bytes = readFileSync(path);
    checkPin(`${element} (${path})`, source.sha256, textHash(bytes, path), 'restore the file from the repository, or update the pinned sha256');
    return { ...parsed(bytes, path, source), sha256: textHash(bytes, path), origin: 'builtin', location: path, wording: source.wording, identity: 'af-lab file' };
  }
  const lock = source.url ? readLock(ctx.lockPath, ctx.setting) : undefined;
  const pinned = source.sha256 ?? (source.url ? lock!.files[source.url]?.sha256 : undefined);
  if (source.path) {
    // A local copy (of the URL's file, or a user's own text): the pin still applies.
    const path = resolve(source.path);
    if (!existsSync(path)) throw new UserError(`${element} of setting ${ctx.setting}: file not found: ${source.path}`, `check the path (${ctx.overrideHint})`);
    const bytes = readInputBytes(path, `${element} of setting ${ctx.setting}`, { fix: `give a regular text file (${ctx.overrideHint})` });
    checkPin(
      `${element} ${source.path}`,
      pinned,
      textHash(bytes, path),
      `use the file the setting was pinned to${source.url ? ` (${source.url}; its sha256 is in ${ctx.lockPath})` : ''}, or remove the pinned sha256 to use this one`,
    );
    const identity: TextIdentity = pinned ? 'pinned' : source.url ? 'unverified local copy' : 'local file';
    return { ...parsed(bytes, path, source), sha256: textHash(bytes, path), origin: 'path', location: path, wording: source.wording, identity };
  }
  const url = source.url!;
  const cached = cachedCopyPath(ctx.cacheDir, url);
  if (existsSync(cached)) {
    const bytes = readFileSync(cached);
    checkPin(`the cached copy of ${url} (${cached})`, pinned, sha256(bytes), `delete ${cached} to download it again, or pass a local copy (${ctx.overrideHint})`);
    // A copy cached by another setting (or before the lock was committed): record its hash now.
    if (!pinned) recordInLock(ctx, url, bytes);
    return { ...parsed(bytes, url, source), sha256: sha256(bytes), origin: 'cache', location: url, wording: source.wording, identity: pinned ? 'pinned' : 'recorded on first use' };
  }
  const bytes = await fetchBytes(url, {
    what: `${element} of setting ${ctx.setting}`,
    offlineFix: `on a machine without internet, download the file elsewhere and pass a local copy (${ctx.overrideHint})`,
    httpFix: `find the file in its repository and pass a local copy (${ctx.overrideHint})`,
    timeoutMs: ctx.timeoutMs,
  });
  checkPin(`${url} (just downloaded)`, pinned, sha256(bytes), `the file changed at its source: check it, then update the pinned sha256 (or the lock file ${ctx.lockPath}), or pass the pinned copy (${ctx.overrideHint})`);
  // Read before anything is kept: a notebook without its template is refused with nothing written.
  const text = parsed(bytes, url, source);
  writeFileAtomic(cached, bytes);
  if (!pinned || !lock!.files[url]) recordInLock(ctx, url, bytes);
  return { ...text, sha256: sha256(bytes), origin: 'url', location: url, wording: source.wording, identity: pinned ? 'pinned' : 'recorded on first use' };
}

function recordInLock(ctx: SourceContext, url: string, bytes: Buffer): void {
  const lock = readLock(ctx.lockPath, ctx.setting);
  lock.files[url] = { sha256: sha256(bytes), bytes: bytes.length, fetchedAt: new Date().toISOString() };
  writeLock(ctx.lockPath, lock);
}
