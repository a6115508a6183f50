// Folding superseded judgement lines away (`af-lab compact <run>`): judgements.jsonl is append-only,
// and a run judged again and again (new prompts, more votes, retried call errors) keeps every line.
// Compaction keeps every line that some reader can still choose, and drops the rest:
//   - per record key, kind, judge and prompt hash, the latest line (what labels the record: selectInto);
//   - and the latest completed line (no call error) of that group, per AF vote count (what a later
//     judging pass with that vote count reuses instead of calling the judge: RunJudging's settled rule).
// Lines keep their order. The new file is written beside the old and takes its place in one rename,
// under the run's lock: a kill at any moment leaves the old file whole (and a stale .tmp that the next
// writer removes), and compacting again simply starts over. Compacting a compacted file changes nothing.
import { closeSync, fsyncSync, openSync, renameSync, statSync, writeSync } from 'node:fs';
import { textLines } from '../core/files.js';
import { judgementEntries, judgementsPath } from './judgements.js';
import type { Judgement } from './types.js';

export interface CompactResult {
  file: string;
  /** Judgement lines before and after. */
  before: number;
  after: number;
  /** File sizes in bytes, before and after. */
  bytesBefore: number;
  bytesAfter: number;
}

const votesOf = (line: Judgement) => (line.kind === 'af' && 'votes' in line.label ? line.label.votes.length : -1);

/** The byte offsets of the lines compaction keeps (one pass over the file, every line checked). */
export function linesToKeep(runDir: string): Set<number> {
  const latest = new Map<string, number>();
  const latestCompleted = new Map<string, number>();
  for (const { value: line, offset } of judgementEntries(runDir)) {
    const group = JSON.stringify([line.key, line.kind, line.judge, line.promptHash]);
    latest.set(group, offset);
    if (!line.callError) latestCompleted.set(`${group}${votesOf(line)}`, offset);
  }
  return new Set([...latest.values(), ...latestCompleted.values()]);
}

/** Rewrite judgements.jsonl with only the lines that linesToKeep keeps. The caller holds the run's lock. */
export function compactJudgements(runDir: string): CompactResult {
  const file = judgementsPath(runDir);
  const bytesBefore = statSync(file, { throwIfNoEntry: false })?.size;
  if (bytesBefore === undefined) return { file, before: 0, after: 0, bytesBefore: 0, bytesAfter: 0 };
  const keep = linesToKeep(runDir);
  let before = 0;
  let after = 0;
  let bytesAfter = 0;
  // Named as writeFileAtomic names its temporary files, so the next writer removes one left by a kill.
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  const fd = openSync(tmp, 'w');
  try {
    let batch: string[] = [];
    const flush = () => {
      const text = batch.join('');
      bytesAfter += writeSync(fd, text);
      batch = [];
    };
    for (const { text, offset } of textLines(file)) {
      before++;
      if (!keep.has(offset)) continue;
      after++;
      batch.push(`${text}\n`);
      if (batch.length >= 1000) flush();
    }
    flush();
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
  return { file, before, after, bytesBefore, bytesAfter };
}
