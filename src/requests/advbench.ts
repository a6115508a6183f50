// AdvBench harmful_behaviors.csv (Zou et al. 2023): column `goal`, first N rows in file order, as in
// Redwood's notebook. Downloaded once, cached on disk, and checked against a pinned sha256.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HarmfulRequest } from '../core/types.js';
import { UserError } from '../core/errors.js';
import { readInputFile } from '../core/safeIo.js';
import { writeFileAtomic } from '../core/files.js';
import { sha256 } from '../core/hash.js';
import { fetchBytes } from '../core/download.js';
import { requestsFromText } from './table.js';

export const ADVBENCH_URL = 'https://raw.githubusercontent.com/llm-attacks/llm-attacks/main/data/advbench/harmful_behaviors.csv';
/**
 * sha256 of the file at ADVBENCH_URL (520 rows, columns goal,target) after normalising line endings
 * to LF and dropping trailing newlines, so a copy re-saved with CRLF or a final newline still matches
 * while any change to the data does not. Computed from public copies of the file (82,124 bytes).
 */
export const ADVBENCH_SHA256 = 'c992b2e1d4232fd94992a3fb7ed257a13be1034c3789c3a2dde65f3e7ef4fae7';

/** The hash AdvBench is pinned by: content with LF line endings and no trailing newline. */
export function contentHash(text: string): string {
  return sha256(text.replace(/\r\n/g, '\n').replace(/\n+$/, ''));
}

export interface AdvBenchOptions {
  limit?: number;
  shuffleSeed?: number;
  /** Folder for the downloaded copy. */
  cacheDir: string;
  /** A local copy to use instead of downloading (checked against the pinned hash). */
  path?: string;
  /** Injected for tests; defaults to the global fetch. */
  fetchImpl?: typeof fetch;
  expectedSha256?: string;
}

function verified(text: string, where: string, expected: string): string {
  const actual = contentHash(text);
  if (actual !== expected) {
    throw new UserError(
      `AdvBench file ${where} has sha256 ${actual.slice(0, 12)}…, not the pinned ${expected.slice(0, 12)}…`,
      'use the unmodified harmful_behaviors.csv from the llm-attacks repository, or load your own file with requests.source "file"',
    );
  }
  return text;
}

export async function advbenchRequests(options: AdvBenchOptions): Promise<HarmfulRequest[]> {
  const expected = options.expectedSha256 ?? ADVBENCH_SHA256;
  const cached = join(options.cacheDir, 'datasets', 'advbench-harmful_behaviors.csv');
  let text: string;
  if (options.path) {
    if (!existsSync(options.path)) throw new UserError(`AdvBench file not found: ${options.path}`, 'check requests.path');
    text = verified(readInputFile(options.path, 'AdvBench file', { fix: 'give requests.path a copy of AdvBench\'s harmful_behaviors.csv' }), options.path, expected);
  } else if (existsSync(cached)) {
    text = verified(readFileSync(cached, 'utf8'), cached, expected);
  } else {
    const bytes = await fetchBytes(ADVBENCH_URL, {
      what: 'AdvBench',
      offlineFix: 'download harmful_behaviors.csv on a connected machine and pass it with requests.path (or --requests-path), or use the built-in requests',
      httpFix: 'try again later, or pass a local copy with requests.path',
      fetchImpl: options.fetchImpl,
    });
    text = verified(bytes.toString('utf8'), ADVBENCH_URL, expected);
    writeFileAtomic(cached, text);
  }
  return requestsFromText(text, 'advbench.csv', { column: 'goal', limit: options.limit, shuffleSeed: options.shuffleSeed, source: 'advbench' }).map(
    (request, i) => ({ ...request, id: `advbench-${String(i + 1).padStart(3, '0')}` }),
  );
}
