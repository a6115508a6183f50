// The whole pipeline `npm start` runs: sample every condition, label, summarise, and write
// everything to the run folder. Judges, figures and the transcript report plug in here.
import { join } from 'node:path';
import { judgeFor, NO_JUDGE_LINE, type ExperimentConfig } from '../core/config.js';
import { writeFigures, type WriteFiguresOptions, type WriteFiguresResult } from '../plots/export.js';
import { writeReport } from '../report/write.js';
import { attachSelected, labelRecords, judgeRun, type JudgeRunOptions, type JudgeRunResult } from '../judge/index.js';
import { readJudgements } from '../judge/store.js';
import { runDirFor } from '../core/runStore.js';
import { buildSummary, writeSummary, type Summary } from '../summary/index.js';
import type { SampleRecord } from '../core/types.js';
import { resolveModel } from '../models/index.js';
import { readSetting, settingLine } from '../settings/index.js';
import { parseModelSpec } from '../models/spec.js';
import { checkWritableDir } from '../core/files.js';
import { runSamples, type RunOptions, type RunProgress, type RunResult } from '../run/runner.js';

export interface ExperimentResult {
  runDir: string;
  records: SampleRecord[];
  summary: Summary;
  progress: RunProgress;
  stopped: boolean;
  /** Errors kept from earlier runs because retrying cannot fix them, by kind. */
  keptErrors: Record<string, number>;
  /** Sampled responses that could not be written to the cache (they are in the records). */
  cacheWriteErrors?: RunResult['cacheWriteErrors'];
  /** What the judging step did (judge spec, counts, unparseable, calls, cost); absent when no judge ran. */
  judging?: JudgeRunResult;
  /** Set when no LLM judge ran (real models and no judge given): the line saying how to add one. */
  noJudge?: string;
  /** Figures written to <figuresDir>/<run name>/ (absent with `figures: false`). */
  figures?: WriteFiguresResult;
  /** The transcript browser, <runDir>/report.html (absent with `report: false`). */
  reportFile?: string;
}

export interface ExperimentOptions extends RunOptions {
  /** Figure export: false skips it; `{ images: false }` writes HTML only, without launching a browser. */
  figures?: false | WriteFiguresOptions;
  /** false skips the transcript report. */
  report?: boolean;
  /** Progress of the judging step (notebooks show it live). */
  onJudgeProgress?: JudgeRunOptions['onProgress'];
}

export async function runExperiment(config: ExperimentConfig, options: ExperimentOptions = {}): Promise<ExperimentResult> {
  // Every output folder is checked before anything is paid for (the results and cache folders by
  // runSamples): a bad --figures-dir fails first, not after sampling and judging.
  if (options.figures !== false) checkWritableDir(join(config.figuresDir, config.name), 'the figures folder (--figures-dir)');
  // A corrupt judgements.jsonl stops the run now, not after the sampling it would pay for.
  readJudgements(runDirFor(config));
  // A real model with no judge given gets no judge at all (never the simulated one): offline labels only.
  const judgeSpec = judgeFor(config);
  // The judge is resolved before any sample is paid for, so a bad judge spec fails first.
  const judge = judgeSpec ? await resolveModel(judgeSpec, { limits: config.limits[parseModelSpec(judgeSpec).provider] }) : undefined;
  let run: RunResult | undefined;
  let judging: JudgeRunResult | undefined;
  try {
    // The run folder stays locked through judging: judgements.jsonl has one writer too.
    run = await runSamples(config, { ...options, keepLock: true });
    // Judge every record (compliance, AF votes, partial); labels are stored in judgements.jsonl
    // beside the records and attached here for the summary.
    if (judge) judging = await judgeRun(run.runDir, run.records, { model: judge, afVotes: config.afVotes, afThresholds: config.afThresholds, cacheDir: config.cacheDir, concurrency: config.concurrency, costMeter: options.costMeter, signal: options.signal, onProgress: options.onJudgeProgress });
  } finally {
    run?.releaseLock?.();
    await judge?.close?.();
  }
  // Without a judge, judgements.jsonl may still hold an earlier judge's labels: none is attached.
  const records = judging
    ? labelRecords(run.records, run.runDir, { judge: judging.judge, promptHash: judging.promptHashes, afThresholds: config.afThresholds, judgements: judging.judgements })
    : attachSelected(run.records, new Map());
  const summary = buildSummary(records);
  // One line on the run's setting: which, and whether any of it is af-lab's wording rather than the source's.
  summary.settingLine = settingLine(readSetting(config.setting).setting);
  writeSummary(run.runDir, summary);
  // Figures (HTML; SVG and PNG when a Chrome/Chromium is installed) and the transcript report.
  const figures = options.figures === false ? undefined : await writeFigures(records, join(config.figuresDir, config.name), { ...options.figures, summary });
  const reportFile = options.report === false ? undefined : writeReport(records, join(run.runDir, 'report.html'));
  return { runDir: run.runDir, records, summary, progress: run.progress, stopped: run.stopped, keptErrors: run.keptErrors, cacheWriteErrors: run.cacheWriteErrors, judging, ...(judging ? {} : { noJudge: NO_JUDGE_LINE }), figures, reportFile };
}
