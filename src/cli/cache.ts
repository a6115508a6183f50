// `af-lab cache stats` and `af-lab cache clear [--older-than DURATION]`: what the response cache holds,
// and removing answers from it (docs/cache.md). A run that wants no cache at all passes --no-cache.
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../core/errors.js';

const DEFAULT_CACHE = 'data/cache';

function checkCacheDir(dir: string): void {
  if (!existsSync(join(dir, 'responses.lmdb'))) throw new UserError(`no response cache in ${dir}`, 'pass the folder a run used (--cache DIR; default data/cache)');
}

export function register(program: Command): void {
  const cache = program.command('cache').description('what the response cache holds, and clearing it (docs/cache.md)');
  cache
    .command('stats')
    .description('entries by purpose (votes kept one entry per request), their age, and the file size')
    .option('--cache <dir>', `response cache folder (default ${DEFAULT_CACHE})`)
    .action(async (flags: { cache?: string }) => {
      const dir = flags.cache ?? DEFAULT_CACHE;
      checkCacheDir(dir);
      const { cacheStats } = await import('../core/cacheAdmin.js');
      const stats = cacheStats(dir);
      console.log(`${dir}: ${stats.entries} entries, ${(stats.bytes / 1e6).toFixed(1)} MB on disk${stats.oldest ? `, written ${stats.oldest} to ${stats.newest}` : ''}`);
      for (const [purpose, p] of Object.entries(stats.byPurpose).sort(([a], [b]) => a.localeCompare(b))) {
        console.log(`  ${purpose}: ${p.entries} entries${p.voteSets ? ` (${p.voteSets} requests holding ${p.votes} votes)` : ''}`);
      }
    });
  cache
    .command('clear')
    .description('remove cached answers: all of them, or those written before --older-than (the next run pays for them again)')
    .option('--cache <dir>', `response cache folder (default ${DEFAULT_CACHE})`)
    .option('--older-than <duration>', 'only answers written longer ago than this: 90m, 12h, 30d, 2w')
    .action(async (flags: { cache?: string; olderThan?: string }) => {
      const dir = flags.cache ?? DEFAULT_CACHE;
      const { clearCache, parseDuration } = await import('../core/cacheAdmin.js');
      const olderThanMs = flags.olderThan === undefined ? undefined : parseDuration(flags.olderThan);
      checkCacheDir(dir);
      const { removed, kept } = await clearCache(dir, olderThanMs === undefined ? {} : { olderThanMs });
      console.log(`${dir}: ${removed} entries removed, ${kept} kept${olderThanMs === undefined ? '' : ` (written in the last ${flags.olderThan})`}; the file keeps its size, and LMDB reuses the freed pages`);
    });
}
