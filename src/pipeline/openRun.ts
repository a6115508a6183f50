// The one way through a finished (or interrupted) run folder: openRun(dir) reads its manifest and
// indexes judgements.jsonl once (offsets by record key), and records() yields the run's current records
// one at a time, each labelled as it passes (labelRecord: offline labels and one judge's labels). Every
// reader of a run (figures, report, rejudge's summary, labels, loadRun, the notebooks) goes through
// it into accumulators, so none holds the run: memory grows with conditions and the keys, not samples.
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { countCurrentRecords, currentRecords, readManifest, RECORDS_FILE, RUN_FILE, type RunManifest } from '../core/runStore.js';
import { UserError } from '../core/errors.js';
import type { SampleRecord } from '../core/types.js';
import { judgementsPath } from '../label/judgements.js';
import { labelRecord } from '../label/labelRecord.js';
import { currentKeys, judgeForKinds, type SelectOptions } from '../label/select.js';
import { JudgementIndex } from '../label/judgementIndex.js';
import type { AfThresholds } from '../judge/types.js';
import { SummaryAccumulator, type Summary, type SummaryOptions } from '../summary/index.js';

export interface OpenRunOptions extends SelectOptions {
  /** Re-label AF vote shares with these thresholds (no new calls needed). */
  afThresholds?: AfThresholds;
  /** Told after every `every` records read (default 10,000), and once at the end: long reads show progress. */
  onRecord?: (read: number, done: boolean) => void;
  every?: number;
}

export interface OpenedRun {
  runDir: string;
  /** run.json: the configuration the run was started with (absent in a folder that has only records). */
  manifest?: RunManifest;
  /** Per scorer, the judge whose judgements label the records. */
  judgeFor: Partial<Record<string, string>>;
  /**
   * The run's current records, labelled, one at a time, in the order records.jsonl holds them (the
   * latest line of a sample written twice, at its place). Each call reads the files again.
   */
  records(): Generator<SampleRecord>;
  /** How many records records() yields, counted from records.jsonl's keys (nothing parsed or labelled). */
  count(): number;
  /** The per-condition summary, its records streamed through a SummaryAccumulator (none held). */
  summary(options?: SummaryOptions): Summary;
}

/** A missing folder, or one without records, is a UserError (what openRun checks first). */
export function checkRunHasRecords(runDir: string): void {
  if (!existsSync(runDir)) throw new UserError(`run folder not found: ${runDir}`, 'run the experiment first, or check the path');
  if (!(statSync(join(runDir, RECORDS_FILE), { throwIfNoEntry: false })?.size ?? 0)) throw new UserError(`no records in ${runDir}`, 'run the experiment first (af-lab run), or check the folder');
}

/** Open a run folder for reading: a folder without records, or a judge asked for that judged nothing here, is a UserError now. */
export function openRun(runDir: string, options: OpenRunOptions = {}): OpenedRun {
  checkRunHasRecords(runDir);
  const manifest = existsSync(join(runDir, RUN_FILE)) ? readManifest(runDir) : undefined;
  const wanted = options.promptHash && currentKeys(options.promptHash);
  const index = JudgementIndex.read(runDir, wanted ? { accept: (line) => !wanted[line.kind] || line.promptHash === wanted[line.kind] } : {});
  const judges = index.judges();
  const asked = typeof options.judge === 'string' ? [options.judge] : Object.values(options.judge ?? {});
  for (const judge of asked) {
    if (judge && judges.length && !judges.includes(judge)) {
      throw new UserError(`no judgements by "${judge}" in ${judgementsPath(runDir)}`, `judge the run first (af-lab rejudge ${runDir} --judge ${judge}) or pick one of: ${judges.join(', ')}`);
    }
  }
  const judgeFor = judgeForKinds(index.latestJudge, options.judge);
  const every = options.every ?? 10_000;
  return {
    runDir,
    manifest,
    judgeFor,
    *records() {
      let read = 0;
      try {
        for (const record of currentRecords(runDir)) {
          yield labelRecord(record, index.labelling(record.key, judgeFor), options.afThresholds);
          if (++read % every === 0) options.onRecord?.(read, false);
        }
        options.onRecord?.(read, true);
      } finally {
        index.close();
      }
    },
    count: () => countCurrentRecords(runDir),
    summary(summaryOptions) {
      const accumulator = new SummaryAccumulator();
      for (const record of this.records()) accumulator.add(record);
      return accumulator.summary(summaryOptions);
    },
  };
}
