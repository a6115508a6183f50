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
import { DATA_DIR, readLock, writeLock } from './files.js';
import type { PromptSource } from './schema.js';

export interface LoadedText {
  /** The text itself (a header in af-lab's own files is dropped; trailing newlines trimmed). */
  text: string;
  /** sha256 of the file's bytes as loaded (for a URL: as downloaded). */
  sha256: string;
  /** Where it came from: af-lab's file, a local path, a fresh download, or the cached download. */
  origin: 'builtin' | 'path' | 'url' | 'cache';
  /** The path or URL. */
  location: string;
  wording: 'source' | 'af-lab';
  /** The developer the file's header names (`developer:`), which fills a statement's {{developer}}. */
  developer?: string;
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

/** The text (a header in af-lab's own files is dropped) and the developer its header names, if any. */
function parsed(bytes: Buffer, location: string): Pick<LoadedText, 'text' | 'developer'> {
  const file = parsePromptFile(bytes.toString('utf8'), location);
  return { text: file.body, ...(file.developer ? { developer: file.developer } : {}) };
}

/** The cached copy of a URL's download. */
export function cachedCopyPath(cacheDir: string, url: string): string {
  return join(cacheDir, 'settings', `${sha256(url).slice(0, 32)}.txt`);
}

function checkPin(what: string, pinned: string | undefined, actual: string, fix: string): void {
  if (pinned && pinned !== actual) throw new UserError(`${what} has sha256 ${actual}, but ${pinned} is pinned`, fix);
}

export async function loadSource(source: PromptSource, element: string, ctx: SourceContext): Promise<LoadedText> {
  if (source.builtin) {
    const path = join(DATA_DIR, source.builtin);
    if (!existsSync(path)) throw new UserError(`${element} of setting ${ctx.setting}: af-lab file not found: ${path}`, 'restore data/ from the repository');
    const bytes = readFileSync(path);
    checkPin(`${element} (${path})`, source.sha256, sha256(bytes), 'restore the file from the repository, or update the pinned sha256');
    return { ...parsed(bytes, path), sha256: sha256(bytes), origin: 'builtin', location: path, wording: source.wording };
  }
  const lock = source.url ? readLock(ctx.lockPath, ctx.setting) : undefined;
  const pinned = source.sha256 ?? (source.url ? lock!.files[source.url]?.sha256 : undefined);
  if (source.path) {
    // A local copy (of the URL's file, or a user's own text): the pin still applies.
    const path = resolve(source.path);
    if (!existsSync(path)) throw new UserError(`${element} of setting ${ctx.setting}: file not found: ${source.path}`, `check the path (${ctx.overrideHint})`);
    const bytes = readInputBytes(path, `${element} of setting ${ctx.setting}`, { fix: `give a regular text file (${ctx.overrideHint})` });
    checkPin(`${element} ${source.path}`, pinned, sha256(bytes), `use the file the setting was pinned to${source.url ? ` (${source.url})` : ''}, or remove the pinned sha256 to use this one`);
    return { ...parsed(bytes, path), sha256: sha256(bytes), origin: 'path', location: path, wording: source.wording };
  }
  const url = source.url!;
  const cached = cachedCopyPath(ctx.cacheDir, url);
  if (existsSync(cached)) {
    const bytes = readFileSync(cached);
    checkPin(`the cached copy of ${url} (${cached})`, pinned, sha256(bytes), `delete ${cached} to download it again, or pass a local copy (${ctx.overrideHint})`);
    // A copy cached by another setting (or before the lock was committed): record its hash now.
    if (!pinned) recordInLock(ctx, url, bytes);
    return { ...parsed(bytes, url), sha256: sha256(bytes), origin: 'cache', location: url, wording: source.wording };
  }
  const bytes = await fetchBytes(url, {
    what: `${element} of setting ${ctx.setting}`,
    offlineFix: `on a machine without internet, download the file elsewhere and pass a local copy (${ctx.overrideHint})`,
    httpFix: `find the file in its repository and pass a local copy (${ctx.overrideHint})`,
    timeoutMs: ctx.timeoutMs,
  });
  checkPin(`${url} (just downloaded)`, pinned, sha256(bytes), `the file changed at its source: check it, then update the pinned sha256 (or the lock file ${ctx.lockPath}), or pass the pinned copy (${ctx.overrideHint})`);
  writeFileAtomic(cached, bytes);
  if (!pinned || !lock!.files[url]) recordInLock(ctx, url, bytes);
  return { ...parsed(bytes, url), sha256: sha256(bytes), origin: 'url', location: url, wording: source.wording };
}

function recordInLock(ctx: SourceContext, url: string, bytes: Buffer): void {
  const lock = readLock(ctx.lockPath, ctx.setting);
  lock.files[url] = { sha256: sha256(bytes), bytes: bytes.length, fetchedAt: new Date().toISOString() };
  writeLock(ctx.lockPath, lock);
}
