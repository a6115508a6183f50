// judgements.jsonl read once, indexed by record key: for each key, kind and judge, the byte offset of
// the line that labels the record (selectInto's rule: the latest line, except that a failed call
// never hides a completed judgement) and, for a judging pass, of the line that settles it. Only
// offsets are held (a few numbers per record, not the judgements with their votes), and a record's
// judgements are read back from the file when the record passes. The keys and offsets are PagedArrays
// (core/pagedArray.ts): past a fixed budget they go to a scratch file, so reading a run with its labels
// costs the same memory at a million records as at ten thousand.
import { closeSync, openSync } from 'node:fs';
import { UserError } from '../core/errors.js';
import { KeyTable } from '../core/keyTable.js';
import { PagedArray } from '../core/pagedArray.js';
import { lineAt } from '../core/files.js';
import { judgementEntries, judgementsPath } from './judgements.js';
import { currentNames } from './schema.js';
import type { RecordJudgements } from './select.js';
import type { Judgement } from './types.js';

/** Offsets per slot of one judge and scorer (-1: none), with a flag: the chosen line completed (no call error). */
class Column {
  readonly offsets = new PagedArray(Float64Array, { fill: -1 });
  readonly completed = new PagedArray(Uint8Array);
  close(): void {
    this.offsets.close();
    this.completed.close();
  }
}

export interface JudgementIndexOptions {
  /** Only lines for which this is true are indexed (a judging pass: its judge, kinds and prompts). */
  accept?: (line: Judgement) => boolean;
  /** Also index, per kind, the latest line for which this is true (a judging pass: what needs no new call). */
  settles?: (line: Judgement) => boolean;
  /** Cut a torn last line off the file (a writer is about to append). */
  repair?: boolean;
}

/** What the index holds for one record: the judgements that label it, per judge and kind, and those that settle it. */
export class JudgementIndex {
  /** Record keys, numbered: packed (25 bytes a key), so the index costs little more than its offsets. */
  private readonly slots = new KeyTable();
  /** Per judge spec, then per scorer: the chosen line of each slot. */
  private readonly byJudge = new Map<string, Map<string, Column>>();
  /** Per scorer: the line that settles each slot. */
  private readonly settledColumns = new Map<string, Column>();
  /** Per scorer, the judge of the most recent line of that scorer (the default choice). */
  readonly latestJudge: Partial<Record<string, string>> = {};
  private fd: number | undefined;

  private constructor(private readonly runDir: string) {}

  /** Read judgements.jsonl once (checked line by line, as judgementLines checks it). */
  static read(runDir: string, options: JudgementIndexOptions = {}): JudgementIndex {
    const index = new JudgementIndex(runDir);
    for (const { value: line, offset } of judgementEntries(runDir, { repair: options.repair })) {
      if (options.accept && !options.accept(line)) continue;
      index.add(line, offset, options.settles?.(line) ?? false);
    }
    return index;
  }

  /** Records with at least one indexed line. */
  get keys(): number {
    return this.slots.size;
  }

  /** The judges with at least one indexed line. */
  judges(): string[] {
    return [...this.byJudge.keys()];
  }

  private add(line: Judgement, offset: number, settles: boolean): void {
    const slot = this.slots.add(line.key);
    this.latestJudge[line.kind] = line.judge;
    let kinds = this.byJudge.get(line.judge);
    if (!kinds) this.byJudge.set(line.judge, (kinds = new Map()));
    const column = columnOf(kinds, line.kind);
    // selectInto's rule: a failed call never hides a completed judgement.
    if (!(column.offsets.get(slot) >= 0 && column.completed.get(slot) && line.callError)) {
      column.offsets.set(slot, offset);
      column.completed.set(slot, line.callError ? 0 : 1);
    }
    if (settles) columnOf(this.settledColumns, line.kind).offsets.set(slot, offset);
  }

  /**
   * The judgements that label record `key`: per kind, the chosen line of `judgeFor[kind]` (default:
   * the judge of the latest line of that kind). Read from the file now.
   */
  labelling(key: string, judgeFor: Partial<Record<string, string>> = this.latestJudge): RecordJudgements {
    return this.record(key, judgeFor).labelling;
  }

  /**
   * For record `key`, read once from the file: the judgements that label it (see labelling) and, per
   * kind, the latest line that settles it (JudgementIndexOptions.settles).
   */
  record(key: string, judgeFor: Partial<Record<string, string>> = this.latestJudge): { labelling: RecordJudgements; settled: RecordJudgements } {
    const labelling: RecordJudgements = {};
    const settled: RecordJudgements = {};
    const slot = this.slots.slotOf(key);
    if (slot < 0) return { labelling, settled };
    const read = new Map<number, Judgement>();
    const at = (offset: number) => {
      let line = read.get(offset);
      if (!line) read.set(offset, (line = this.lineAt(offset)));
      return line;
    };
    const offsetIn = (column: Column | undefined) => column?.offsets.get(slot) ?? -1;
    for (const [kind, judge] of Object.entries(judgeFor)) {
      const chosen = judge === undefined ? -1 : offsetIn(this.byJudge.get(judge)?.get(kind));
      if (chosen >= 0) labelling[kind] = at(chosen);
    }
    for (const [kind, column] of this.settledColumns) {
      const settles = offsetIn(column);
      if (settles >= 0) settled[kind] = at(settles);
    }
    return { labelling, settled };
  }

  private lineAt(offset: number): Judgement {
    this.fd ??= openSync(judgementsPath(this.runDir), 'r');
    const text = lineAt(this.fd, offset);
    try {
      return currentNames(JSON.parse(text) as Judgement);
    } catch {
      throw new UserError(`${judgementsPath(this.runDir)} changed while it was read (the line at byte ${offset} is no longer a judgement)`, 'run the command again; do not edit judgements.jsonl while af-lab reads it');
    }
  }

  /** Closes the file the judgements are read from (opened again on the next one read); the index stays usable. */
  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  /** close(), and frees the index's memory and scratch files: for an index read for the last time (it answers nothing afterwards). */
  release(): void {
    this.close();
    this.slots.close();
    for (const kinds of this.byJudge.values()) for (const column of kinds.values()) column.close();
    for (const column of this.settledColumns.values()) column.close();
    this.byJudge.clear();
    this.settledColumns.clear();
  }
}

function columnOf(columns: Map<string, Column>, kind: string): Column {
  let column = columns.get(kind);
  if (!column) columns.set(kind, (column = new Column()));
  return column;
}
