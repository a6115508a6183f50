// A finished (or interrupted) run folder as one handle: its manifest, its records labelled in one
// stage (offline labels and one judge's labels), and its summary. Notebooks and scripts use this
// instead of passing (runDir, records) pairs around.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readManifest, readRecords, RUN_FILE, type RunManifest } from '../core/runStore.js';
import { UserError } from '../core/errors.js';
import type { SampleRecord } from '../core/types.js';
import { labelRecords, type AttachOptions } from '../judge/store.js';
import { buildSummary, type Summary, type SummaryOptions } from '../summary/index.js';

export interface LoadedRun {
  runDir: string;
  /** run.json: the configuration the run was started with (absent in a folder that has only records). */
  manifest?: RunManifest;
  /** Every record of the folder, labelled. */
  records: SampleRecord[];
  /** The per-condition summary of these records (computed on first use). */
  summary(options?: SummaryOptions): Summary;
}

export function loadRun(runDir: string, options: AttachOptions = {}): LoadedRun {
  const stored = readRecords(runDir);
  if (stored.length === 0) throw new UserError(`no records in ${runDir}`, 'run the experiment first (af-lab run), or check the folder');
  const manifest = existsSync(join(runDir, RUN_FILE)) ? readManifest(runDir) : undefined;
  const records = labelRecords(stored, runDir, options);
  return { runDir, manifest, records, summary: (summaryOptions) => buildSummary(records, summaryOptions) };
}
