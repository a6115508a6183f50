// The whole pipeline `npm start` runs: sample every condition, judge and label each record, summarise,
// and write everything to the run folder. Records flow one at a time from records.jsonl through the
// judge into the consumers (summary, figures, report, digest): no stage holds the whole run, so a
// million-sample run needs no more memory than a thousand-sample one.
import { join } from 'node:path';
import { judgeFor, NO_JUDGE_LINE, type ExperimentConfig } from '../core/config.js';
import { writeFiguresFromInputs, type WriteFiguresOptions, type WriteFiguresResult } from '../plots/export.js';
import { FigureAccumulator } from '../plots/figureAccumulator.js';
import { ReportWriter } from '../report/write.js';
import { judgementLines } from '../label/judgements.js';
import { labelRecord } from '../label/labelRecord.js';
import { RunJudging, type JudgeRunOptions, type JudgeRunResult, type RecordJudgements } from '../label/judgeRun.js';
import { userScorers, type CodeScorerDefinition } from '../label/userScorer.js';
import { runDirFor } from '../core/runStore.js';
import { replicateLine, SummaryAccumulator, writeSummary, type Summary } from '../summary/index.js';
import type { ChatModel, SampleRecord, SampledRecord } from '../core/types.js';
import { RecordsDigest } from '../core/inputsHash.js';
import { resolveModel } from '../models/index.js';
import { settingLine } from '../settings/index.js';
import { parseModelSpec } from '../models/spec.js';
import { checkWritableDir } from '../core/files.js';
import { checkFolderTarget } from '../core/safeIo.js';
import { refuseIfLocked } from '../core/runLock.js';
import { existsSync } from 'node:fs';
import { runRecords, sampleRun, type RunOptions, type RunProgress, type SampledRun } from '../run/runner.js';
import { errorKindOf, PERMANENT_ERROR_KINDS } from '../run/resume.js';
import { preparePlan } from '../run/plan.js';
import { refuseDesignOverBudget } from './designBudget.js';
import { forgetOutputsStamp, readOutputsStamp, writeOutputsStamp, outputsStampKey, type OutputsStamp } from './outputsStamp.js';

/** What a run did and wrote, without its records (`keepRecords: false`: what the CLI asks for, for runs of any size). */
export interface ExperimentOutcome {
  runDir: string;
  /** How many records the run has (finished planned samples). */
  recordCount: number;
  /** Errors among those records, by kind (describeErrors words them). */
  errorKinds: Record<string, number>;
  summary: Summary;
  progress: RunProgress;
  stopped: boolean;
  /** Why sampling stopped early, when not the budget or a signal (a disk too full for the next paid answer). */
  stopReason?: string;
  /** Errors kept from earlier runs because retrying cannot fix them, by kind. */
  keptErrors: Record<string, number>;
  /** Sampled responses that could not be written to the cache (they are in the records). */
  cacheWriteErrors?: SampledRun['cacheWriteErrors'];
  /** What the judging step did (judge spec, counts, unparseable, calls, cost); absent when no judge ran. */
  judging?: JudgeRunResult;
  /** Set when no LLM judge ran (real models and no judge given): the line saying how to add one. */
  noJudge?: string;
  /** Figures written to <figuresDir>/<run name>/ (absent with `figures: false`). */
  figures?: WriteFiguresResult;
  /** The transcript browser, <runDir>/report.html (absent with `report: false`). */
  reportFile?: string;
  /** Request texts given more than once, merged into their first copy (mergedRequestsLine words it). */
  mergedRequests?: number;
  /** True when nothing changed since the last run of this folder: no record was read, every output was already current. */
  upToDate?: boolean;
}

export interface ExperimentResult extends ExperimentOutcome {
  /** The labelled records, in the order records.jsonl holds them (plan order, but for samples finished out of turn). */
  records: SampleRecord[];
}

export interface ExperimentOptions extends RunOptions {
  /** Figure export: false skips it; `{ images: false }` writes HTML only, without launching a browser. */
  figures?: false | WriteFiguresOptions;
  /** false skips the transcript report. */
  report?: boolean;
  /** Progress of the judging step (notebooks show it live). */
  onJudgeProgress?: JudgeRunOptions['onProgress'];
  /** Return the labelled records (default true). false holds none: what the CLI does, for runs of any size. */
  keepRecords?: boolean;
  /**
   * The steps after sampling, so none is silent: `labelling` (records read, judged and labelled, of
   * `total`; told every 1,000 records and at the end), then `summary`, `figures` and `report` as each starts.
   */
  onStep?: (step: ExperimentStep) => void;
  /** An already resolved judge (a batched run's answers it from the batches' results); the caller closes it. */
  judgeModel?: ChatModel;
}

export type ExperimentStep = { phase: 'labelling'; done: number; total: number } | { phase: 'summary' | 'figures' | 'report' };

/** Records being judged at once, at most: enough to keep every judge slot busy, few enough to hold. */
const windowFor = (concurrency: number) => Math.max(256, 4 * concurrency);

// (The overload keeping records is last: ReturnType<typeof runExperiment> is what notebooks and tests get.)
export function runExperiment(config: ExperimentConfig, options: ExperimentOptions & { keepRecords: false }): Promise<ExperimentOutcome>;
export function runExperiment(config: ExperimentConfig, options?: ExperimentOptions & { keepRecords?: true }): Promise<ExperimentResult>;
export async function runExperiment(config: ExperimentConfig, options: ExperimentOptions = {}): Promise<ExperimentOutcome | ExperimentResult> {
  // Every output folder is checked before anything is paid for (the results and cache folders by
  // sampleRun): a bad --figures-dir fails first, not after sampling and judging.
  await refuseDesignOverBudget(config);
  const figuresDir = join(config.figuresDir, config.name);
  if (options.figures !== false) {
    checkFolderTarget(figuresDir, 'the figures folder (--figures-dir)');
    checkWritableDir(figuresDir, 'the figures folder (--figures-dir)');
  }
  const runDir = runDirFor(config);
  // A real model with no judge given gets no judge at all (never the simulated one): offline labels only.
  const judgeSpec = judgeFor(config);
  // The judge is resolved before any sample is paid for, so a bad judge spec fails first.
  const judge = options.judgeModel ?? (judgeSpec ? await resolveModel(judgeSpec, { limits: config.limits[parseModelSpec(judgeSpec).provider] }) : undefined);
  // A user's own scorers (files, or objects written in code) are loaded and checked before any sample is paid for, too.
  const scorers = config.scorers?.length ? await userScorers(config.scorers as Array<string | CodeScorerDefinition>) : [];
  const keepRecords = options.keepRecords !== false;
  let run: SampledRun | undefined;
  let judging: RunJudging | undefined;
  try {
    // Opened first: its prompts' hashes are part of what the outputs were made from.
    if (judge || scorers.length) judging = await RunJudging.open(runDir, { ...(judge ? { model: judge } : { kinds: [] }), scorers, afVotes: config.afVotes, afThresholds: config.afThresholds, cacheDir: config.cacheDir, ...(options.noCache ? { noCache: true } : {}), concurrency: config.concurrency, costMeter: options.costMeter, signal: options.signal, onProgress: options.onJudgeProgress });
    const plan = await preparePlan(config, options);
    const line = settingLine(plan.setting.setting, { resolved: plan.setting, config });
    const stampKey = () =>
      outputsStampKey(runDir, { config, plan: plan.identity, judging: judging?.result, setting: line, figures: options.figures === false ? null : options.figures ?? {}, report: options.report !== false });
    // The folder as the last complete pass left it (same records, judgements, plan and options), with
    // nothing left to sample: every output is current, and no record is read.
    // A folder another process is writing is refused here too, not read as it stands.
    if (existsSync(runDir)) refuseIfLocked(runDir);
    const previous = !keepRecords && !options.retryErrors ? readOutputsStamp(runDir, stampKey()) : undefined;
    const merged = plan.mergedRequests ? { mergedRequests: plan.mergedRequests } : {};
    if (previous) return { ...fromStamp(runDir, plan.total, previous, judging?.result, judgeSpec), ...merged };
    // A corrupt judgements.jsonl stops the run now, not after the sampling it would pay for (a run
    // answered from the stamp has the file its last complete pass read).
    for (const _ of judgementLines(runDir));
    // The run folder stays locked through judging: judgements.jsonl has one writer too.
    // Judging overlaps sampling: each record is judged as soon as it is written (within the judge's own
    // concurrency, at most a window of records at once); the label pass finds those judgements in the file.
    const window = windowFor(config.concurrency);
    const onProgress = (progress: RunProgress) => {
      if (judging && progress.latest) judging.judgeEarly(progress.latest, window);
      options.onProgress?.(progress);
    };
    run = await sampleRun(config, { ...options, plan, keepLock: true, onProgress });
    await judging?.settleEarly();
    judging?.expect(run.progress.done);
    return { ...(await labelAndWrite(config, run, judging, { ...options, keepRecords, figuresDir, settingLine: line, stampKey })), ...merged };
  } finally {
    // Judgements started while sampling finish (and are written) before the files close.
    await judging?.settleEarly().catch(() => {});
    run?.releaseLock?.();
    await judging?.close();
    if (!options.judgeModel) await judge?.close?.();
  }
}

/** The result of a run whose outputs were all current: read from the stamp, nothing sampled, judged or recomputed. */
function fromStamp(runDir: string, planned: number, stamp: OutputsStamp, judging: JudgeRunResult | undefined, judgeSpec: string | undefined): ExperimentOutcome {
  const labelled = Object.fromEntries(Object.entries(stamp.labelled).flatMap(([kind, n]) => (n === undefined ? [] : [[kind, n]])));
  const judged = judging ? { ...judging, reused: { ...judging.reused, ...labelled } } : undefined;
  return {
    runDir,
    recordCount: stamp.records,
    errorKinds: stamp.errorKinds,
    summary: stamp.summary,
    progress: { total: planned, done: stamp.records, resumed: stamp.records, resampled: 0, errors: 0, calls: 0 },
    stopped: false,
    keptErrors: stamp.errorKinds,
    judging: judged,
    ...(judgeSpec ? {} : { noJudge: NO_JUDGE_LINE }),
    ...(stamp.figures ? { figures: { ...stamp.figures, unchanged: true } } : {}),
    ...(stamp.reportFile ? { reportFile: stamp.reportFile } : {}),
    upToDate: true,
  };
}

async function labelAndWrite(
  config: ExperimentConfig,
  run: SampledRun,
  judging: RunJudging | undefined,
  options: ExperimentOptions & { keepRecords: boolean; figuresDir: string; settingLine: string; stampKey: () => string },
): Promise<ExperimentOutcome | ExperimentResult> {
  // Outputs are about to be rewritten: the stamp of the last pass no longer vouches for them.
  forgetOutputsStamp(run.runDir);
  const summaryAcc = new SummaryAccumulator();
  const figureAcc = options.figures === false ? undefined : new FigureAccumulator();
  const digest = new RecordsDigest();
  // Told how many records at least will pass (each finished sample has its current line; a sample a
  // stopped resume left to retry adds its earlier one), the writer of a paged report pages from the
  // first record rather than holding the first INLINE_LIMIT (tens of MB, held to the end of a run).
  const report = options.report === false ? undefined : new ReportWriter(join(run.runDir, 'report.html'), {}, run.progress.done);
  const kept: SampleRecord[] = [];
  const errorKinds: Record<string, number> = {};
  const consume = (record: SampleRecord) => {
    summaryAcc.add(record);
    figureAcc?.add(record);
    digest.add(record);
    report?.add(record);
    if (record.status === 'error') errorKinds[errorKindOf(record)] = (errorKinds[errorKindOf(record)] ?? 0) + 1;
    if (options.keepRecords) kept.push(record);
    if (summaryAcc.count % 1_000 === 0) options.onStep?.({ phase: 'labelling', done: summaryAcc.count, total: run.progress.done });
  };
  // Judged records come back in any order; they are consumed in file order, through a bounded window.
  const label = async (record: SampledRecord): Promise<SampleRecord> => {
    const byKind: RecordJudgements = judging ? await judging.judge(record) : {};
    return labelRecord(record, byKind, config.afThresholds);
  };
  const window: Array<Promise<SampleRecord>> = [];
  const size = windowFor(config.concurrency);
  try {
    for (const record of runRecords(run)) {
      const next = label(record);
      next.catch(() => {}); // awaited in order below; a failure surfaces there
      window.push(next);
      if (window.length >= size) consume(await window.shift()!);
    }
    while (window.length) consume(await window.shift()!);
    options.onStep?.({ phase: 'labelling', done: summaryAcc.count, total: summaryAcc.count });
  } catch (err) {
    // Judgements under way finish (and are written) before the error goes up.
    await Promise.allSettled(window);
    report?.close();
    throw err;
  }

  options.onStep?.({ phase: 'summary' });
  const summary = summaryAcc.summary();
  // One line on the run's setting: which, and whether any of it is af-lab's wording rather than the source's.
  summary.settingLine = options.settingLine;
  const replicates = replicateLine(config.temperature, config.samples);
  if (replicates) summary.replicateLine = replicates;
  writeSummary(run.runDir, summary);
  const recordsDigest = digest.digest();
  // Figures (HTML; SVG and PNG when a Chrome/Chromium is installed) and the transcript report.
  if (figureAcc) options.onStep?.({ phase: 'figures' });
  const figures = figureAcc && options.figures !== false ? await writeFiguresFromInputs(figureAcc.inputs({ summary, ...(options.figures && options.figures.power ? { power: options.figures.power } : {}) }), recordsDigest, options.figuresDir, { ...options.figures }) : undefined;
  if (report) options.onStep?.({ phase: 'report' });
  const reportFile = report?.finish(recordsDigest);
  const result: ExperimentOutcome | ExperimentResult = {
    runDir: run.runDir,
    ...(options.keepRecords ? { records: kept } : {}),
    recordCount: summaryAcc.count,
    errorKinds,
    summary,
    progress: run.progress,
    stopped: run.stopped,
    ...(run.stopReason ? { stopReason: run.stopReason } : {}),
    keptErrors: run.keptErrors,
    ...(run.cacheWriteErrors ? { cacheWriteErrors: run.cacheWriteErrors } : {}),
    judging: judging?.result,
    ...(judging && judging.result.judge !== 'none' ? {} : { noJudge: NO_JUDGE_LINE }),
    figures,
    reportFile,
  };
  // Stamped only when a re-run would find nothing to do: every planned sample finished with no error
  // a re-run samples again, every judgement made.
  const complete =
    !run.stopped &&
    summaryAcc.count === run.planned &&
    Object.keys(errorKinds).every((kind) => PERMANENT_ERROR_KINDS.has(kind)) &&
    (!judging || (judging.result.unjudged.length === 0 && Object.values(judging.result.callErrors).every((n) => n === 0)));
  if (complete) writeOutputsStamp(run.runDir, options.stampKey(), { records: summaryAcc.count, errorKinds, summary, labelled: judging ? labelledCounts(judging.result) : {}, ...(figures ? { figures } : {}), ...(reportFile ? { reportFile } : {}) });
  return result;
}

/** Judgements that label the run's records, per kind (what a re-run reuses). */
function labelledCounts(result: JudgeRunResult): Partial<Record<string, number>> {
  return Object.fromEntries(Object.keys(result.judged).map((kind) => [kind, result.judged[kind] + result.reused[kind]]));
}
