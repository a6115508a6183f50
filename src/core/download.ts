// Text that comes from a path or a URL (a published judge prompt, a settings file): a URL is
// downloaded once into the cache folder with its sha256 recorded beside it, and every later run reads
// that copy, so a run never depends on the network twice and always on the same bytes. A pinned
// sha256 is checked on every read, of a path, a download or a cached copy.
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { z } from 'zod';
import { UserError } from './errors.js';
import { writeFileAtomic } from './files.js';
import { sha256 } from './hash.js';

export interface TextSourceOptions {
  /** Cache folder; downloads go to <cacheDir>/downloads/. */
  cacheDir: string;
  /** Pinned sha256 (hex) of the exact bytes; a mismatch is an error naming both hashes. */
  sha256?: string;
  /** What the text is, for messages ("judge prompt"). */
  what: string;
  /** Injected for tests; defaults to the global fetch. */
  fetchImpl?: typeof fetch;
}

export interface TextSource {
  text: string;
  sha256: string;
  /** The path or URL as given. */
  source: string;
  /** The cached copy a URL was read from (absent for a path). */
  cachedPath?: string;
  /** True when this call downloaded it (false: read from a path or the cache). */
  downloaded: boolean;
}

const CacheMeta = z.object({ url: z.string(), sha256: z.string(), fetchedAt: z.string() });

function safeJsonParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export function isUrl(source: string): boolean {
  return /^https?:\/\//i.test(source);
}

/** Where a URL's copy lives in the cache: one folder per URL, the file keeping its own name. */
export function cachedCopyPath(cacheDir: string, url: string): string {
  const name = basename(new URL(url).pathname) || 'download.txt';
  return join(cacheDir, 'downloads', sha256(url).slice(0, 16), name.replace(/[^\w.-]/g, '_'));
}

function checkPinned(text: string, where: string, options: TextSourceOptions): string {
  const actual = sha256(text);
  if (options.sha256 && actual !== options.sha256.toLowerCase()) {
    throw new UserError(
      `${options.what} ${where} has sha256 ${actual}, not the pinned ${options.sha256.toLowerCase()}`,
      'use the unchanged file the pin was made from, or update the pinned sha256 if the change is intended',
    );
  }
  return actual;
}

export interface FetchOptions {
  /** What is downloaded, for messages ("AdvBench", "the cot system prompt of setting x"). */
  what: string;
  /** How to do without the network: the fix of the offline error. */
  offlineFix: string;
  /** The fix of an HTTP error (default: the offline fix). */
  httpFix?: string;
  timeoutMs?: number;
  /** Injected for tests; defaults to the global fetch. */
  fetchImpl?: typeof fetch;
}

/**
 * The bytes a URL serves, for a caller that caches them: offline (or unreachable) and HTTP errors are
 * one line each, naming what was wanted and how to pass a local copy. Writes nothing: the caller checks
 * the bytes (a pinned hash) before it keeps them.
 */
export async function fetchBytes(url: string, options: FetchOptions): Promise<Buffer> {
  let response: Response;
  try {
    response = await (options.fetchImpl ?? fetch)(url, { signal: AbortSignal.timeout(options.timeoutMs ?? 30_000), redirect: 'follow' });
  } catch (err) {
    const reason = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message ?? (err as Error).name;
    throw new UserError(`could not download ${options.what} from ${url} (${reason}): offline or unreachable, and there is no cached copy`, options.offlineFix);
  }
  if (!response.ok) {
    const notFound = response.status === 404 ? ' (not found: the file moved or was renamed)' : '';
    throw new UserError(`${url} answered HTTP ${response.status}${notFound} for ${options.what}`, options.httpFix ?? options.offlineFix);
  }
  return Buffer.from(await response.arrayBuffer());
}

export async function loadTextSource(source: string, options: TextSourceOptions): Promise<TextSource> {
  if (!isUrl(source)) {
    if (!existsSync(source)) throw new UserError(`${options.what} not found: ${source}`, 'check the path (or give an http(s) URL)');
    const text = readFileSync(source, 'utf8');
    return { text, sha256: checkPinned(text, source, options), source, downloaded: false };
  }
  const cachedPath = cachedCopyPath(options.cacheDir, source);
  const metaPath = `${cachedPath}.json`;
  if (existsSync(cachedPath)) {
    const text = readFileSync(cachedPath, 'utf8');
    const meta = existsSync(metaPath) ? CacheMeta.safeParse(safeJsonParse(readFileSync(metaPath, 'utf8'))) : undefined;
    // A cached copy changed after download is not the file the URL served: refuse it rather than guess.
    if (meta?.success && meta.data.sha256 !== sha256(text)) {
      throw new UserError(`cached copy ${cachedPath} of ${source} has changed since it was downloaded (sha256 ${sha256(text)}, recorded ${meta.data.sha256})`, `delete ${cachedPath} to download it again`);
    }
    return { text, sha256: checkPinned(text, cachedPath, options), source, cachedPath, downloaded: false };
  }
  const bytes = await fetchBytes(source, {
    what: options.what,
    offlineFix: `download it on a connected machine and give its path instead, or copy it to ${cachedPath}`,
    httpFix: 'check the URL, or give a local copy by path',
    fetchImpl: options.fetchImpl,
  });
  const text = bytes.toString('utf8');
  const hash = checkPinned(text, source, options);
  writeFileAtomic(cachedPath, text);
  writeFileAtomic(metaPath, `${JSON.stringify({ url: source, sha256: hash, fetchedAt: new Date().toISOString() }, null, 1)}\n`);
  return { text, sha256: hash, source, cachedPath, downloaded: true };
}
