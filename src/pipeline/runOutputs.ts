// A run's figures and report written from an opened run (openRun), its records streamed through the
// accumulators: what `af-lab figures` and `af-lab report` do, at any size. The files and their
// inputs hashes are those runExperiment writes for the same records, so each finds the other's
// outputs current.
import { RecordsDigest } from '../core/inputsHash.js';
import type { SampleRecord } from '../core/types.js';
import { writeFiguresFromInputs, type WriteFiguresOptions, type WriteFiguresResult } from '../plots/export.js';
import { FigureAccumulator } from '../plots/figureAccumulator.js';
import { isReportCurrent, ReportWriter, type WriteReportOptions } from '../report/write.js';
import { SummaryAccumulator } from '../summary/index.js';
import type { OpenedRun } from './openRun.js';

/** What a pass over the run gathered for the figures: their inputs' accumulators and the records' digest. */
export interface FigurePass {
  figures: FigureAccumulator;
  summary: SummaryAccumulator;
  digest: string;
  records: number;
}

/** One pass over the run's records into the figure and summary accumulators and the records' digest. */
export function figurePass(records: Iterable<SampleRecord>): FigurePass {
  const figures = new FigureAccumulator();
  const summary = new SummaryAccumulator();
  const digest = new RecordsDigest();
  for (const record of records) {
    figures.add(record);
    summary.add(record);
    digest.add(record);
  }
  return { figures, summary, digest: digest.digest(), records: summary.count };
}

/** Draw a run's figures into `outDir` (unchanged files are left as they are, as writeFigures leaves them). */
export async function writeRunFigures(pass: FigurePass, outDir: string, options: WriteFiguresOptions = {}): Promise<WriteFiguresResult> {
  const inputs = pass.figures.inputs({ summary: pass.summary.summary(), ...(options.power ? { power: options.power } : {}) });
  return writeFiguresFromInputs(inputs, pass.digest, outDir, options);
}

/**
 * Write a run's report to `outFile`: one pass hashes the labelled records; when the report is not
 * current, a second pass feeds a ReportWriter (which holds at most one chunk of rows).
 */
export function writeRunReport(run: Pick<OpenedRun, 'records' | 'count'>, outFile: string, opts: WriteReportOptions = {}): { file: string; records: number; unchanged: boolean } {
  let counted: number;
  if (!opts.force) {
    const digest = new RecordsDigest();
    let records = 0;
    for (const record of run.records()) {
      digest.add(record);
      records++;
    }
    if (isReportCurrent(outFile, opts, digest.digest(), records)) return { file: outFile, records, unchanged: true };
    counted = records;
  } else counted = run.count();
  // Told the count, the writer of a paged report holds no records (see ReportWriter).
  let pass = reportPass(run, outFile, opts, counted);
  // The count no longer holds when records.jsonl changed since it was counted (cut short by a
  // concurrent `af-lab repair`): the records are written again, the writer told the count this pass
  // read. A writer told at most its inline limit takes any count, so a second pass always finishes;
  // the first one's files are removed by the second's (no marker was written: nothing reads as current).
  if (!pass.writer.countHolds) {
    pass.writer.close();
    pass = reportPass(run, outFile, opts, pass.records);
  }
  return { file: pass.writer.finish(pass.digest.digest()), records: pass.records, unchanged: false };
}

/** The run's records into a ReportWriter told `counted`, digested as they pass; finish left to the caller. */
function reportPass(run: Pick<OpenedRun, 'records'>, outFile: string, opts: WriteReportOptions, counted: number): { writer: ReportWriter; digest: RecordsDigest; records: number } {
  const writer = new ReportWriter(outFile, opts, counted);
  const digest = new RecordsDigest();
  let records = 0;
  try {
    for (const record of run.records()) {
      writer.add(record);
      digest.add(record);
      records++;
    }
  } catch (err) {
    writer.close();
    throw err;
  }
  return { writer, digest, records };
}
