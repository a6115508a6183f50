// `af-lab run`: run an experiment from a JSON config file and/or flags. `npm start` runs the default
// experiment: three simulated personas, the baseline and statements of duty (data/experiments/default.json), CoT and no-CoT, both tiers.
import type { Command } from 'commander';
import { fitToWidth } from './fit.js';
import { Option } from 'commander';
import type { SingleBar } from 'cli-progress';
import type { ExperimentConfig, ExperimentInput } from '../core/config.js';
import type { RunProgress } from '../run/runner.js';
import type { ExperimentStep } from '../pipeline/experiment.js';
import { int, list } from './parse.js';
import { UserError } from '../core/errors.js';
// The pipeline, zod and cli-progress are imported in the action, not here: registering the command
// (for `--help` and every other command) must not load them.


interface RunFlags {
  config?: string;
  scorer?: string[];
  setting?: string;
  name?: string;
  models?: string[];
  variants?: string[];
  reasoning?: string[];
  requests?: string;
  requestsPath?: string;
  column?: string;
  limit?: number;
  shuffleSeed?: number;
  samples?: number;
  temperature?: number;
  maxTokens?: number;
  seed?: number;
  concurrency?: number;
  suffix?: boolean;
  prefill?: boolean;
  judge?: string;
  budget?: number;
  out?: string;
  figuresDir?: string;
  /** A cache folder, or false with --no-cache. */
  cache?: string | false;
  progress?: boolean;
  retryErrors?: boolean;
  images?: boolean;
  batch?: boolean | string;
  batchFallback?: 'none' | 'direct';
}

/** Flags override the config file; the result is validated as a whole. */
export async function configFromFlags(flags: RunFlags): Promise<ExperimentConfig> {
  const [{ parseExperiment, readExperimentInput }, { withSettingDefaults }] = await Promise.all([import('../core/config.js'), import('../settings/index.js')]);
  const base: ExperimentInput = flags.config ? readExperimentInput(flags.config) : {};
  const requests = { ...(base.requests ?? {}) } as NonNullable<ExperimentInput['requests']>;
  if (flags.requests) requests.source = flags.requests as 'builtin' | 'advbench' | 'file';
  if (flags.requestsPath) {
    requests.path = flags.requestsPath;
    if (!flags.requests) requests.source = 'file';
  }
  if (flags.column) requests.column = flags.column;
  if (flags.limit !== undefined) requests.limit = flags.limit;
  if (flags.shuffleSeed !== undefined) requests.shuffleSeed = flags.shuffleSeed;
  const input: Record<string, unknown> = { ...base, requests };
  const overrides: Array<[keyof RunFlags, string]> = [
    ['setting', 'setting'], ['name', 'name'], ['models', 'models'], ['variants', 'variants'], ['reasoning', 'reasoning'], ['samples', 'samples'],
    ['temperature', 'temperature'], ['maxTokens', 'maxTokens'], ['seed', 'seed'], ['concurrency', 'concurrency'],
    ['suffix', 'suffix'], ['prefill', 'prefill'], ['judge', 'judge'], ['budget', 'budgetUsd'], ['out', 'outDir'], ['figuresDir', 'figuresDir'], ['cache', 'cacheDir'],
  ];
  for (const [flag, field] of overrides) if (flags[flag] !== undefined && !(flag === 'cache' && flags.cache === false)) input[field] = flags[flag];
  // --scorer adds to the config's scorers.
  if (flags.scorer?.length) input.scorers = [...(base.scorers ?? []), ...flags.scorer];
  // Requests neither the config nor a flag sets come from the setting (e.g. AdvBench's first 100).
  if (Object.keys(requests).length === 0) delete input.requests;
  return parseExperiment(withSettingDefaults(input as ExperimentInput), flags.config ? `configuration (${flags.config} + flags)` : 'configuration');
}

/** Terminal progress bars for sampling, then judging (stderr, only on a terminal). */
async function progressReporter(enabled: boolean) {
  const { SingleBar } = await import('cli-progress');
  const bar = (format: string) => new SingleBar({ format, hideCursor: true, stream: process.stderr });
  const sampling = bar('sampling [{bar}] {value}/{total} samples | {calls} calls | {errors} errors | eta {eta_formatted}');
  const judging = bar('judging  [{bar}] {value}/{total} judgements | eta {eta_formatted}');
  const labelling = bar('reading  [{bar}] {value}/{total} records judged, labelled and counted | eta {eta_formatted}');
  let active: SingleBar | undefined;
  const show = (next: SingleBar, total: number, done: number, payload: Record<string, number> = {}) => {
    if (!enabled) return;
    if (active !== next) {
      active?.stop();
      next.start(total, done, payload);
      active = next;
    }
    next.update(done, payload);
  };
  return {
    sample: (p: RunProgress) => show(sampling, p.total, p.done, { calls: p.calls, errors: p.errors }),
    judge: (p: { done: number; total: number }) => show(judging, p.total, p.done),
    /** The steps after sampling: reading the records back (a bar), then one line per output. */
    step: (step: ExperimentStep) => {
      // While the judge works its bar shows the progress; the reading bar is for a pass with nothing to judge.
      if (step.phase === 'labelling') return active === judging ? undefined : show(labelling, step.total, step.done);
      if (!enabled) return;
      active?.stop();
      active = undefined;
      const words = { summary: 'the summary (statistics per condition)', figures: 'the figures (HTML, then SVG and PNG through a browser when one is installed)', report: 'the transcript report' };
      process.stderr.write(`writing ${words[step.phase]}...\n`);
    },
    stop: () => active?.stop(),
  };
}

export function register(program: Command): void {
  let cacheFolder: string | undefined;
  program
    .command('run')
    .description('run an experiment (default: the offline simulator, SIMULATED results) and print its summary')
    .option('-c, --config <file>', 'JSON experiment config (docs/experiment.md, "Configuration"); flags override it')
    .option('--setting <name>', 'setting: prompts, tier rendering, answer protocol and scoring conventions (af-lab settings lists them; default af-lab)')
    .option('--name <name>', 'run name: results go to <out>/<name>/, and re-running a name resumes it')
    .option('-m, --models <specs>', 'comma-separated model specs, e.g. sim/faker,openai/gpt-4o-mini', list)
    .option('--variants <names>', 'comma-separated prompt variants (names in data/prompts/variants or file paths)', list)
    .option('--reasoning <modes>', 'comma-separated: cot,no-cot', list)
    .addOption(new Option('--requests <source>', 'request source').choices(['builtin', 'advbench', 'file']))
    .option('--requests-path <file>', 'CSV/TSV/JSONL request file (implies --requests file), or a local AdvBench copy')
    .option('--column <name>', 'column/field with the request text')
    .option('--limit <n>', 'first N requests', int)
    .option('--shuffle-seed <n>', 'shuffle requests with this seed before --limit', int)
    .option('--samples <n>', 'samples per request and condition', int)
    .option('--temperature <t>', 'sampling temperature', Number)
    .option('--max-tokens <n>', 'max tokens per assistant turn', int)
    .option('--seed <n>', 'base seed', int)
    .option('--concurrency <n>', 'samples in flight at once', int)
    .option('--no-suffix', 'leave out the accept/reject instruction in the user turn')
    .option('--no-prefill', 'never prefill the assistant turn')
    .option('--judge <spec>', 'judge model spec (default: sim/judge for simulated models only; none for real models)')
    .option('--scorer <file>', 'a scorer of your own: a .ts/.js/.mjs file exporting one (docs/scorers.md); repeat or comma-separate for more', list)
    .option('--budget <dollars>', 'stop sending new requests once this much is spent', Number)
    .option('--out <dir>', 'results folder (default data/results)')
    .option('--figures-dir <dir>', 'figures go to <dir>/<name>/ (default figures)')
    .option('--cache <dir>', 'response cache folder (default data/cache)')
    .option('--no-cache', 'send every call: read no answer from the response cache and write none to it (docs/cache.md)')
    // --cache DIR and --no-cache share one value in commander (the last wins): the folder is kept apart.
    .on('option:cache', (dir: string) => (cacheFolder = dir))
    .option('--no-progress', 'no progress bar')
    .option('--retry-errors', 'also sample again the errors retrying cannot fix (a refused request, a content filter); other errors are always sampled again')
    .option('--no-images', 'write the figures as HTML only, without launching a browser for SVG/PNG')
    .option('--batch [which]', "send the calls through the providers' batch APIs (OpenAI, Anthropic: half price, answers within 24 h): models, judge or both (default both); docs/batch.md")
    .addOption(new Option('--batch-fallback <mode>', 'a batch line given up on (refused, or failed again and again): none (recorded as an error) or direct (sent one by one)').choices(['none', 'direct']))
    .action(async (flags: RunFlags) => {
      const config = await configFromFlags(flags.cache === false ? { ...flags, cache: cacheFolder } : flags);
      const reporter = await progressReporter(flags.progress !== false && Boolean(process.stderr.isTTY));
      const [{ runExperiment }, { formatSummary }, { formatJudgeRun }, { CostMeter, formatCostReport }, { estimateFromRun, RUN_ESTIMATE_BASIS, RunSampleCounts, batchLinesPerCall }, { describeErrors }, { judgeFor }] = await Promise.all([
        import('../pipeline/experiment.js'),
        import('../summary/index.js'),
        import('../label/report.js'),
        import('../cost/index.js'),
        import('../pipeline/estimate.js'),
        import('../run/resume.js'),
        import('../core/config.js'),
      ]);
      const started = performance.now();
      // Spend accounting and the --budget stop; estimate against actual is printed for real (non-sim) models.
      // The budget is the run's: a resume without --budget keeps run.json's, with it sets the run's new
      // total (stored in run.json); either way it counts what the run's ledger already spent.
      const { runBudget } = await import('../cost/runBudget.js');
      const budget = runBudget(config);
      config.budgetUsd = budget.budgetUsd;
      const costMeter = new CostMeter(budget);
      const judge = judgeFor(config);
      const paid = [...config.models, ...(judge ? [judge] : [])].some((spec) => !spec.startsWith('sim/'));
      // Every spec names a known provider before anything is printed: a typo is one line, no limits first.
      const { providerFor } = await import('../models/index.js');
      for (const spec of [...config.models, ...(judge ? [judge] : [])]) providerFor(spec);
      // What each real model will actually send under (its provider's limits can be below --concurrency).
      const { effectiveLimits, formatEffectiveLimits } = await import('../models/transport/effectiveLimits.js');
      for (const line of formatEffectiveLimits(effectiveLimits([...config.models, ...(judge ? [judge] : [])], config.limits), config.concurrency)) console.log(line);
      // The samples this invocation paid for and wrote, per model: with the cost meter, the estimate at the end.
      const sampleCounts = new RunSampleCounts();
      const onProgress: typeof reporter.sample = (p) => {
        if (p.latest) sampleCounts.add(p.latest);
        reporter.sample(p);
      };
      const runOptions = { keepRecords: false as const, onProgress, onJudgeProgress: reporter.judge, onStep: reporter.step, costMeter, retryErrors: flags.retryErrors, ...(flags.cache === false ? { noCache: true } : {}), ...(flags.images === false ? { figures: { images: false } } : {}) };
      const target = (await import('../pipeline/batch/target.js')).batchTargetOf(config, flags.batch);
      // A batched run reads its answers back from the cache: without it every batched answer would be paid for again.
      if (target && flags.cache === false) throw new UserError('--batch reads the batches\' answers back through the response cache, and --no-cache turns it off', 'leave out --no-cache (nothing is paid twice), or run without --batch');
      const batching = target ? await import('../pipeline/batch/index.js') : undefined;
      // A model without a batch API is refused before anything is printed or sent.
      if (batching && target) {
        batching.refuseUnbatchableRun(config, { sample: target !== 'judge', judge: target === 'judge' });
        console.log(`Batched (${target}): ${batching.BATCH_WINDOW_LINE}.`);
      }
      const batched = batching && target ? await batching.runExperimentBatched(config, { ...runOptions, batch: { target, fallback: flags.batchFallback ?? 'none', onProgress: (p) => console.error(batching.formatBatchProgress(p)) } }) : undefined;
      if (batched && !batched.outcome) {
        console.log(`Batches still in flight or not submitted (budget reached or interrupted): re-run the same command to pick them up (af-lab batches ${config.name} lists them).`);
        return;
      }
      const result = batched?.outcome ?? (await runExperiment(config, runOptions));
      if (batched) console.log(`${batched.batches.batches.length} batches; $${batched.batches.costUsd.toFixed(4)} spent on them by this run at the batch price (af-lab batches ${config.name}).`);
      reporter.stop();
      const { mergedRequestsLine } = await import('../run/plan.js');
      const mergedLine = mergedRequestsLine(result.mergedRequests ?? 0);
      if (mergedLine) console.log(mergedLine);
      console.log(fitToWidth(formatSummary(result.summary)));
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      const resumed = result.progress.resumed ? `, ${result.progress.resumed} resumed from earlier` : '';
      const resampled = result.progress.resampled ? `, ${result.progress.resampled} earlier errors sampled again` : '';
      console.log(`\n${result.recordCount} samples (${result.progress.calls} model calls${resumed}${resampled}) in ${seconds} s.`);
      const errors = describeErrors(result.errorKinds);
      if (errors) console.log(errors);
      if (result.cacheWriteErrors) console.log(`warning: ${result.cacheWriteErrors.count} responses could not be written to the cache (${result.cacheWriteErrors.last}); they are kept in the records.`);
      const judged = [result.judging ? formatJudgeRun(result.judging) : undefined, result.noJudge].filter((line) => line !== undefined).join('\n') || undefined;
      if (judged !== undefined) console.log(fitToWidth(judged));
      console.log(`Results: ${result.runDir}/ (records.jsonl, summary.csv)`);
      if (result.figures) console.log(`Figures: ${result.figures.outDir}/ (${result.figures.images ? 'HTML, SVG, PNG' : 'HTML only'}${result.figures.unchanged ? ', unchanged' : ''})`);
      if (result.reportFile) console.log(`Transcripts: ${result.reportFile} (open in a browser)`);
      // The estimate (it loads a tokenizer: about half a second) is made only when something was sent.
      // A batched run's answers come from its batches (the pass writing the records answers from the cache).
      const sent = result.progress.calls + (result.judging?.calls ?? 0) - (result.judging?.cachedCalls ?? 0) + (batched?.batches.batches.length ?? 0);
      // The whole plan's estimate from what this run counted (its meter, its samples, the plan's size); a
      // batched run's samples come from the cache once its batches are in: counted by their turns.
      const batchedCounts = batched && target ? { written: sampleCounts.written, linesPerCall: target === 'models' ? {} : batchLinesPerCall(batched.batches.clients, judge, config.afVotes) } : undefined;
      const estimate = !paid || sent === 0 ? undefined : estimateFromRun(config, { planned: result.progress.total, sampled: sampleCounts.sampled, ...(batchedCounts ? { batched: batchedCounts } : {}) }, costMeter);
      // A model that sent nothing this time has no row: the total then covers only the others, and says so.
      const unestimated = estimate ? config.models.filter((model) => !estimate.models.some((row) => row.model === model)) : [];
      const coverage = unestimated.length ? `\n${fitToWidth(`Not in this estimate (nothing sent for them this time): ${unestimated.join(', ')}; \`af-lab estimate\` prices the whole plan.`)}` : '';
      if (paid) console.log(estimate ? `\n${fitToWidth(formatCostReport(estimate, costMeter))}\n${fitToWidth(RUN_ESTIMATE_BASIS)}${coverage}` : '\nNo model call was sent: nothing was spent.');
      if (result.stopReason) console.log(`Stopped before every sample was sent: ${result.stopReason}; free some space, then re-run the same command to continue (nothing paid for is lost).`);
      else if (result.stopped) console.log('Stopped before every sample was sent (budget reached or interrupted): re-run the same command to continue.');
      // A run with no answer at all is not a success (a wrong key, a dead server, every request refused).
      const errored = Object.values(result.errorKinds).reduce((sum, n) => sum + n, 0);
      if (result.recordCount > 0 && errored === result.recordCount) {
        console.error(`error: every one of the ${result.recordCount} samples ended in an error: nothing was answered. Fix: see the errors above, then re-run the same command.`);
        process.exitCode = 1;
      }
      if (result.stopReason || result.judging?.stopReason) process.exitCode = 1;
    });
}
