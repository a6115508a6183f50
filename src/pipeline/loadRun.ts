// A finished (or interrupted) run folder as one handle holding its labelled records: openRun's records
// gathered into an array, for notebooks and scripts that want them all at once. Commands and anything
// that must work at any size use openRun (./openRun.ts) and accumulators instead.
import type { RunManifest } from '../core/runStore.js';
import type { SampleRecord } from '../core/types.js';
import type { AttachOptions } from '../label/labelRecord.js';
import { buildSummary, type Summary, type SummaryOptions } from '../summary/index.js';
import { openRun } from './openRun.js';

export interface LoadedRun {
  runDir: string;
  /** run.json: the configuration the run was started with (absent in a folder that has only records). */
  manifest?: RunManifest;
  /** Every current record of the folder, labelled, in the order records.jsonl holds them. */
  records: SampleRecord[];
  /** The per-condition summary of these records (computed on use). */
  summary(options?: SummaryOptions): Summary;
}

export function loadRun(runDir: string, options: Omit<AttachOptions, 'judgements'> = {}): LoadedRun {
  const run = openRun(runDir, options);
  const records = [...run.records()];
  return { runDir, manifest: run.manifest, records, summary: (summaryOptions) => buildSummary(records, summaryOptions) };
}
