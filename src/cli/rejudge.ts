// `af-lab rejudge <runDir>`: classify an existing run again, with another judge or prompt, without
// sampling the model again. Judgements already made by this judge and prompt are reused.
import type { Command } from 'commander';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { SampleRecord, SampledRecord } from '../core/types.js';
import { UserError } from '../core/errors.js';
import { DEFAULT_AF_THRESHOLDS, JUDGE_KINDS, judgeKindOf, type JudgeKind } from '../judge/types.js';
import { int, list } from './parse.js';

interface RejudgeFlags {
  judge?: string;
  scorer?: string[];
  prompt?: string;
  afPrompt?: string;
  partialPrompt?: string;
  kinds?: string[];
  votes?: number;
  afThreshold?: number;
  maybeThreshold?: number;
  /** A cache folder, or false with --no-cache. */
  cache?: string | false;
  concurrency?: number;
  attempts?: number;
  budget?: number;
}


/** Records being judged at once, at most: enough to keep every judge slot busy, few enough to hold. */
const windowFor = (concurrency: number) => Math.max(256, 4 * concurrency);

/** Judge every record, at most `window` records in flight; judgements under way finish before an error goes up. */
export async function judgeAll(records: Iterable<SampledRecord>, judge: (record: SampledRecord) => Promise<unknown>, window: number, onRead?: (read: number, done: boolean) => void): Promise<number> {
  const inFlight = new Set<Promise<unknown>>();
  let read = 0;
  let failure: { error: unknown } | undefined;
  for (const record of records) {
    const next: Promise<unknown> = judge(record).then(
      (): void => void inFlight.delete(next),
      (error: unknown): void => {
        inFlight.delete(next);
        failure ??= { error };
      },
    );
    inFlight.add(next);
    if (++read % 10_000 === 0) onRead?.(read, false);
    if (inFlight.size >= window) await Promise.race(inFlight);
    if (failure) break;
  }
  await Promise.allSettled(inFlight);
  if (failure) throw failure.error;
  onRead?.(read, true);
  return read;
}

/** The judging's progress on stderr: one line per 1,000 judgements (rewritten on a terminal). */
function judgingProgress(stream: NodeJS.WriteStream = process.stderr) {
  let last = 0;
  let shown = false;
  const write = (line: string) => {
    shown = true;
    if (stream.isTTY) stream.write(`\r${line}`);
    else stream.write(`${line}\n`);
  };
  return {
    judged: (p: { done: number; total: number }) => {
      if (p.done - last < 1_000 && p.done !== p.total) return;
      last = p.done;
      write(`judging: ${p.done.toLocaleString('en-US')} / ~${p.total.toLocaleString('en-US')} judgements`);
    },
    read: (read: number, done: boolean) => {
      if (!done) write(`judging: ${read.toLocaleString('en-US')} records read`);
    },
    end: () => {
      if (shown && stream.isTTY) stream.write('\n');
    },
  };
}

/** The LLM judges --kinds names (`judge` is read as `compliance`, its older name). */
export function parseKinds(values: string[] | undefined): JudgeKind[] {
  if (!values) return [...JUDGE_KINDS];
  if (values.length === 0) throw new UserError('--kinds names no judgement kind', `list one or more of ${JUDGE_KINDS.join(', ')}, e.g. --kinds compliance,af`);
  if (values.includes('judge')) console.error('note: --kinds judge is now --kinds compliance (the compliance label\'s name); read as compliance');
  return values.map((value) => {
    const kind = judgeKindOf(value);
    if (!kind) throw new UserError(`unknown judgement kind "${value}"`, `use ${JUDGE_KINDS.join(', ')}`);
    return kind;
  });
}

export function register(program: Command): void {
  let cacheFolder: string | undefined;
  program
    .command('rejudge')
    .description('classify an existing run again (another judge or prompt) without sampling the model again')
    .argument('<runDir>', 'the run folder, e.g. data/results/default')
    .option('--judge <spec>', 'judge model spec (default: the run\'s configured judge, else sim/judge)')
    .option('--prompt <file>', 'custom compliance-judge prompt template (see data/prompts/judge/compliance.txt), or a .json declaration of a published prompt (data/prompts/judge/published/)')
    .option('--af-prompt <file>', 'custom AF vote prompt template (see data/prompts/judge/af-vote.txt), or a .json declaration of a published prompt')
    .option('--partial-prompt <file>', 'custom partial-compliance prompt template (see data/prompts/judge/partial.txt), or a .json declaration of a published prompt')
    .option('--kinds <list>', `which classifiers to run: ${JUDGE_KINDS.join(',')} (default all)`, list)
    .option('--scorer <file>', "a scorer of your own: a .ts/.js/.mjs file exporting one (docs/scorers.md), besides the run's configured ones; repeat or comma-separate for more", list)
    .option('--votes <n>', 'AF votes per scratchpad (default: the run\'s afVotes, else 20)', int)
    .option('--af-threshold <share>', 'vote share labelled AF (default: the run\'s afThresholds.af, else 0.4)', Number)
    .option('--maybe-threshold <share>', 'vote share labelled maybe (default: the run\'s afThresholds.maybe, else 0.2)', Number)
    .option('--cache <dir>', 'response cache folder (default: the run\'s cacheDir)')
    .option('--no-cache', 'send every judge call: read no answer from the response cache and write none to it (docs/cache.md)')
    // --cache DIR and --no-cache share one value in commander (the last wins): the folder is kept apart.
    .on('option:cache', (dir: string) => (cacheFolder = dir))
    .option('--concurrency <n>', 'judge calls in flight at once (default: the run\'s concurrency, else 4)', int)
    .option('--budget <dollars>', 'stop sending judge calls once this much is spent (the rest stays unjudged)', Number)
    .option('--attempts <n>', 'attempts per judgement before it is recorded unparseable (default 3)', int)
    .action(async (runDir: string, flags: RejudgeFlags) => {
      if (!existsSync(runDir)) throw new UserError(`run folder not found: ${runDir}`, 'pass a folder under data/results/ (af-lab run writes them)');
      // Loaded here, not at start-up: only this command needs the judges, summary and cost meter.
      const [{ readManifest, currentRecords }, { acquireRunLock }, { judgeFor }, { DEFAULT_JUDGE, RunJudging }, { labelRecord }, { judgeForKinds }, { JudgementIndex }, { agreementTables, formatJudgeRun }, { readHumanLabels }, { CostMeter }, { SummaryAccumulator, formatSummary, writeSummary }, { readingProgress }] = await Promise.all([
        import('../core/runStore.js'),
        import('../core/runLock.js'),
        import('../core/config.js'),
        import('../label/judgeRun.js'),
        import('../label/labelRecord.js'),
        import('../label/select.js'),
        import('../label/judgementIndex.js'),
        import('../label/report.js'),
        import('../label/humanLabels.js'),
        import('../cost/meter.js'),
        import('../summary/index.js'),
        import('./progressLine.js'),
      ]);
      const config = existsSync(`${runDir}/run.json`) ? readManifest(runDir).config : undefined;
      if (!(statSync(join(runDir, 'records.jsonl'), { throwIfNoEntry: false })?.size ?? 0)) throw new UserError(`${runDir} has no records`, 'run the experiment first (af-lab run)');
      // The run's budget (run.json's unless --budget sets a new total), counted against all its ledger has spent.
      const { runBudget } = await import('../cost/runBudget.js');
      const judge = flags.judge ?? (config ? judgeFor(config) : DEFAULT_JUDGE);
      // The run's own scorers (run.json) and those given here, loaded before any judge call is paid for;
      // one given here replaces the run's of the same name (a changed file scores again).
      // A scorer the run was given in code is in run.json by name and version only: its stored scores stay
      // (the summary shows them); scoring again needs its code (judgeRun in a script or notebook).
      const { userScorers } = await import('../label/userScorer.js');
      const given = await userScorers(flags.scorer ?? []);
      const runFiles = (config?.scorers ?? []).filter((entry): entry is string => typeof entry === 'string');
      const inCode = (config?.scorers ?? []).filter((entry) => typeof entry !== 'string').map((entry) => `${(entry as { name?: unknown }).name} (version ${(entry as { version?: unknown }).version})`);
      if (inCode.length) console.log(`Scorers given in code, kept as stored (rejudge them from code with judgeRun): ${inCode.join(', ')}`);
      const runScorers = (await userScorers(runFiles)).filter((scorer) => !given.some((g) => g.name === scorer.name));
      const scorers = [...runScorers, ...given];
      // A run of real models with no judge can still be scored by a user's scorers alone.
      if (!judge && !scorers.length) throw new UserError(`${runDir} sampled real models and names no judge`, 'give one: af-lab rejudge <run> --judge openai/gpt-4o (sim/judge only labels simulated runs unless asked for by name)');
      if (!judge && flags.kinds !== undefined) throw new UserError(`--kinds ${flags.kinds} asks for LLM judges, and ${runDir} names no judge`, 'give one with --judge (e.g. --judge openai/gpt-4o), or leave out --kinds to run only your scorers');
      const kinds = judge ? parseKinds(flags.kinds) : [];
      const configured = config?.afThresholds ?? DEFAULT_AF_THRESHOLDS;
      const afThresholds = { af: flags.afThreshold ?? configured.af, maybe: flags.maybeThreshold ?? configured.maybe };
      // The cache is checked before any judge call is paid for: a read-only one would keep nothing.
      const cacheDir = (flags.cache || cacheFolder) ?? config?.cacheDir ?? 'data/cache';
      const [{ checkWritableDir }, { checkFolderTarget }] = await Promise.all([import('../core/files.js'), import('../core/safeIo.js')]);
      checkFolderTarget(cacheDir, 'the cache folder (--cache)');
      checkWritableDir(cacheDir, 'the cache folder (--cache)');
      // One writer per run folder: a run still sampling (or another rejudge) is refused here.
      const release = acquireRunLock(runDir);
      const concurrency = flags.concurrency ?? config?.concurrency ?? 4;
      const progress = judgingProgress();
      let result;
      try {
        const judging = await RunJudging.open(runDir, {
          judge,
          kinds,
          scorers,
          prompts: { compliance: flags.prompt, af: flags.afPrompt, partial: flags.partialPrompt },
          afVotes: flags.votes ?? config?.afVotes,
          afThresholds,
          cacheDir,
          ...(flags.cache === false ? { noCache: true } : {}),
          limits: config?.limits,
          // As `run` judges: the run's concurrency (the judge's own provider limits apply on top).
          concurrency,
          maxAttempts: flags.attempts,
          costMeter: new CostMeter(runBudget({ ...(config ?? {}), budgetUsd: flags.budget }, runDir)),
          onProgress: progress.judged,
        });
        try {
          // The records pass one at a time through a bounded window of judgements in flight.
          await judgeAll(currentRecords(runDir, { repair: true }), (record) => judging.judge(record), windowFor(concurrency), progress.read);
          result = judging.result;
        } finally {
          await judging.close();
        }
      } finally {
        progress.end();
        release();
      }
      console.log(formatJudgeRun(result));
      if (result.stopReason) process.exitCode = 1;
      // One more pass, judgements.jsonl indexed twice (offsets only): the agreement view (this judge
      // and prompts for every kind; not labelRecords' rule, which refuses a judge with no judgements,
      // and a pass that judged nothing is not an error) and the run's summary (this judge for the kinds
      // it just judged, and each other kind's latest judge).
      const hashes = result.promptHashes;
      const agreeIndex = JudgementIndex.read(runDir, { accept: (line) => !Object.hasOwn(hashes, line.kind) || line.promptHash === hashes[line.kind] });
      const summaryIndex = JudgementIndex.read(runDir);
      const summaryJudges = { ...summaryIndex.latestJudge, ...Object.fromEntries(kinds.map((k) => [k, result.judge])) };
      const agreeJudges = judgeForKinds(summaryIndex.latestJudge, kinds.length ? result.judge : undefined);
      // Counts only (confusion matrices, AF score tallies): no view per record is kept.
      const agreement = agreementTables(readHumanLabels(runDir));
      const summaryAcc = new SummaryAccumulator();
      const reading = readingProgress(`labelling ${runDir}`);
      try {
        for (const record of currentRecords(runDir)) {
          agreement.add(labelRecord(record, agreeIndex.labelling(record.key, agreeJudges), afThresholds));
          summaryAcc.add(labelRecord(record, summaryIndex.labelling(record.key, summaryJudges), afThresholds));
          if (summaryAcc.count % 10_000 === 0) reading(summaryAcc.count, false);
        }
        reading(summaryAcc.count, true);
      } finally {
        agreeIndex.release();
        summaryIndex.release();
      }
      console.log(`\n${agreement.format()}`);
      const summary = summaryAcc.summary();
      writeSummary(runDir, summary);
      console.log(`\n${formatSummary(summary)}`);
      console.log(`\nJudgements: ${runDir}/judgements.jsonl (records.jsonl unchanged); summary rewritten in ${runDir}/`);
    });
}
