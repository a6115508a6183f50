// What `af-lab cache stats` and `af-lab cache clear` do with a cache folder's responses.lmdb: count its
// entries (by purpose, votes requests apart, their age) and remove entries, all or those older than a
// duration. Clear removes them in bounded transactions, each all or nothing and deciding inside itself
// (clearCache): safe while a run uses the folder, and a clear cut short is finished by running it again.
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
  // Units in lower case only: `6M` (months?) is refused, never read as six minutes.
  const match = /^\s*(\d+(?:\.\d+)?)\s*([smhdw])\s*$/.exec(text);
  if (!match) throw new UserError(`duration "${text}" is not a number with a unit`, 'give one like 90m, 12h, 30d or 2w (s, m, h, d, w, in lower case)');
  const ms = Number(match[1]) * UNITS[match[2]];
  // Further back than dates go (about 270,000 years) is no duration a cache entry can be older than.
  if (!(ms <= 8.64e15)) throw new UserError(`duration "${text}" is longer than dates reach`, 'give a shorter one, such as 365d');
  return ms;
}

/**
 * Remove every entry (or those created before `olderThanMs` ago); how many were removed and how many
 * are left. The entries are removed in transactions of up to 10,000 keys, each deciding inside itself
 * (an entry a run rewrote since the clear began is judged by its new time, so `--older-than` never
 * removes an answer just written) and committing all its removals or none: a clear cut short (a kill)
 * has removed whole batches, and running it again removes the rest. A run may use the folder
 * meanwhile: what it writes after a batch's commit stays.
 */
export async function clearCache(dir: string, options: { olderThanMs?: number; now?: Date } = {}): Promise<{ removed: number; kept: number }> {
  const store = new LmdbResponseStore(dir);
  const cutoff = options.olderThanMs === undefined ? undefined : new Date((options.now ?? new Date()).getTime() - options.olderThanMs).toISOString();
  // An entry with no readable time is as old as can be.
  const result = await store.removeWhere((entry) => cutoff === undefined || !(typeof entry?.createdAt === 'string' && entry.createdAt >= cutoff));
  await store.flushed();
  return result;
}
