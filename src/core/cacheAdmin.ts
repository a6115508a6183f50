// What `af-lab cache stats` and `af-lab cache clear` do with a cache folder's responses.lmdb: count its
// entries (by purpose, votes requests apart, their age) and remove entries, all or those older than a
// duration. The cache is read and changed through LMDB's transactions, so a run using the same folder
// meanwhile keeps every answer it committed after the clear began.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from './errors.js';
import { LmdbResponseStore, RESPONSES_FILE } from './lmdbCache.js';

export interface CachePurposeStats {
  entries: number;
  /** Entries holding the votes of one request (one entry per request: core/cache.ts). */
  voteSets: number;
  /** Votes in those entries. */
  votes: number;
}

export interface CacheFolderStats {
  dir: string;
  entries: number;
  /** Size of responses.lmdb on disk (LMDB reuses freed pages; the file does not shrink). */
  bytes: number;
  byPurpose: Record<string, CachePurposeStats>;
  oldest?: string;
  newest?: string;
}

export function cacheStats(dir: string): CacheFolderStats {
  const store = new LmdbResponseStore(dir);
  const byPurpose: Record<string, CachePurposeStats> = {};
  let entries = 0;
  let oldest: string | undefined;
  let newest: string | undefined;
  for (const { entry } of store.entries()) {
    entries++;
    const purpose = (byPurpose[entry.purpose] ??= { entries: 0, voteSets: 0, votes: 0 });
    purpose.entries++;
    const votes = (entry.response as { votes?: unknown }).votes;
    if (Array.isArray(votes)) {
      purpose.voteSets++;
      purpose.votes += votes.length;
    }
    if (oldest === undefined || entry.createdAt < oldest) oldest = entry.createdAt;
    if (newest === undefined || entry.createdAt > newest) newest = entry.createdAt;
  }
  const bytes = statSync(join(dir, RESPONSES_FILE), { throwIfNoEntry: false })?.size ?? 0;
  return { dir, entries, bytes, byPurpose, ...(oldest ? { oldest } : {}), ...(newest ? { newest } : {}) };
}

const UNITS: Record<string, number> = { s: 1e3, m: 60e3, h: 3600e3, d: 86400e3, w: 7 * 86400e3 };

/** A duration such as `90m`, `12h`, `30d` or `2w`, in milliseconds. */
export function parseDuration(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([smhdw])\s*$/i.exec(text);
  if (!match) throw new UserError(`duration "${text}" is not a number with a unit`, 'give one like 90m, 12h, 30d or 2w (s, m, h, d, w)');
  return Number(match[1]) * UNITS[match[2].toLowerCase()];
}

/** Remove every entry (or those created before `olderThanMs` ago); how many were removed and how many are left. */
export async function clearCache(dir: string, options: { olderThanMs?: number; now?: Date } = {}): Promise<{ removed: number; kept: number }> {
  const store = new LmdbResponseStore(dir);
  const cutoff = options.olderThanMs === undefined ? undefined : new Date((options.now ?? new Date()).getTime() - options.olderThanMs).toISOString();
  const doomed: string[] = [];
  let kept = 0;
  for (const { key, entry } of store.entries()) {
    // An entry with no readable time is as old as can be.
    if (cutoff === undefined || !(typeof entry.createdAt === 'string' && entry.createdAt >= cutoff)) doomed.push(key);
    else kept++;
  }
  await Promise.all(doomed.map((key) => store.remove(key)));
  await store.flushed();
  return { removed: doomed.length, kept };
}
