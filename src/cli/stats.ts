// `af-lab stats`: a calculator for people checking a paper's numbers, and for planning a run.
//   af-lab stats fisher 15/98 4/95 [--alpha 0.05] [--json]
//   af-lab stats fisher --tables tables.csv [--out results.csv|.json|.jsonl] [--alpha 0.05] [--json]
//   af-lab stats mitigation 15/98 4/95 17/100 9/100 [--alpha 0.05] [--json]
//   af-lab stats power --gap 0.1 --base 0.05 [--power 0.8] [--alpha 0.05] [--n 100] [--json]
import type { Command } from 'commander';
import { fitToWidth } from './fit.js';
import { UserError } from '../core/errors.js';

// The statistics load when a stats command runs: `af-lab --help` does not pay for them.
const load = () => import('./statsReport.js');

export function register(program: Command): void {
  const stats = program.command('stats').description('Exact statistics calculator: Fisher test, intervals, odds ratios, power');

  stats
    .command('fisher')
    .description("Compare two tiers' counts: rates with Wilson and Clopper-Pearson intervals, gap with Newcombe interval, odds ratios, Fisher p-values")
    .argument('[free]', 'free-tier complied/samples, e.g. 15/98')
    .argument('[paid]', 'paid-tier complied/samples, e.g. 4/95')
    .option('--alpha <alpha>', 'significance level; intervals are at 1 - alpha', '0.05')
    .option('--json', 'print the results as JSON')
    .option('--tables <file>', 'many tables at once: a CSV/TSV/JSONL file, one row per table (free, paid as 15/98; or free_complied, free_n, paid_complied, paid_n)')
    .option('--out <file>', 'with --tables: write the results here (.csv, .json or .jsonl) instead of printing CSV')
    .action(async (freeText: string | undefined, paidText: string | undefined, options: { alpha: string; json?: boolean; tables?: string; out?: string }) => {
      const { parseRate, fisherReport, parseCount, formatFisherReport, statsJson } = await load();
      const alpha = parseRate(options.alpha, 'alpha');
      if (alpha >= 1) throw new UserError('--alpha must be below 1', 'pass e.g. --alpha 0.05');
      if (options.tables !== undefined) {
        if (freeText !== undefined) throw new UserError('stats fisher got both counts and --tables', 'give either two counts (15/98 4/95) or --tables <file>');
        const { runFisherBatch } = await import('./statsBatch.js');
        const rows = runFisherBatch(options.tables, { alpha, out: options.out, json: options.json });
        if (options.out) console.log(`${rows.length} tables: results in ${options.out}`);
        return;
      }
      if (options.out !== undefined) throw new UserError('--out is for --tables', 'add --tables <file>, or drop --out');
      if (freeText === undefined || paidText === undefined) throw new UserError('stats fisher needs the free and the paid tier counts', 'write e.g. af-lab stats fisher 15/98 4/95, or pass --tables <file>');
      const report = fisherReport(parseCount(freeText, 'free'), parseCount(paidText, 'paid'), alpha);
      console.log(options.json ? statsJson(report) : fitToWidth(formatFisherReport(report)));
    });

  stats
    .command('mitigation')
    .description("A statement against its baseline: each tier's change, the change of the compliance gap (MOVER interval), Breslow-Day and likelihood-ratio interaction tests")
    .argument('<baselineFree>', 'baseline free-tier complied/samples, e.g. 15/98')
    .argument('<baselinePaid>', 'baseline paid-tier complied/samples, e.g. 4/95')
    .argument('<statementFree>', 'free-tier complied/samples with the statement, e.g. 17/100')
    .argument('<statementPaid>', 'paid-tier complied/samples with the statement, e.g. 9/100')
    .option('--alpha <alpha>', 'significance level; intervals are at 1 - alpha', '0.05')
    .option('--json', 'print the results as JSON')
    .action(async (baselineFree: string, baselinePaid: string, statementFree: string, statementPaid: string, options: { alpha: string; json?: boolean }) => {
      const { parseRate, parseCount, mitigationEffect, describeGapChange, formatMitigationReport, statsJson } = await load();
      const alpha = parseRate(options.alpha, 'alpha');
      if (alpha >= 1) throw new UserError('--alpha must be below 1', 'pass e.g. --alpha 0.05');
      const report = mitigationEffect(
        {
          baseline: { free: parseCount(baselineFree, 'baseline free'), paid: parseCount(baselinePaid, 'baseline paid') },
          statement: { free: parseCount(statementFree, 'statement free'), paid: parseCount(statementPaid, 'statement paid') },
        },
        { alpha },
      );
      console.log(options.json ? statsJson({ ...report, sentence: describeGapChange(report) }) : fitToWidth(formatMitigationReport(report)));
    });

  stats
    .command('power')
    .description("Samples per tier needed to detect a compliance gap with Fisher's exact test (exact and normal approximation)")
    .requiredOption('--gap <gap>', 'compliance gap to detect: free rate minus paid rate, e.g. 0.1')
    .requiredOption('--base <rate>', 'paid-tier compliance rate, e.g. 0.05')
    .option('--power <power>', 'target power', '0.8')
    .option('--alpha <alpha>', 'significance level', '0.05')
    .option('--alternative <alt>', 'two-sided, or greater (free tier complies more)', 'two-sided')
    .option('--n <perTier>', 'also report the power at this many samples per tier and the smallest gap it detects')
    .option('--json', 'print the results as JSON')
    .action(async (options: { gap: string; base: string; power: string; alpha: string; alternative?: string; n?: string; json?: boolean }) => {
      const { parseRate, powerReport, parseAlternative, formatPowerReport, statsJson } = await load();
      const gap = parseRate(options.gap, 'gap', undefined, { allowNegative: true });
      const base = parseRate(options.base, 'base', undefined, { allowZero: true });
      const power = parseRate(options.power, 'power');
      const alpha = parseRate(options.alpha, 'alpha');
      let n: number | undefined;
      if (options.n !== undefined) {
        n = Number(options.n);
        if (!Number.isSafeInteger(n) || n < 1) throw new UserError(`--n ${options.n} is not a positive whole number (up to 2^53)`, 'pass e.g. --n 100');
      }
      const report = powerReport({ gap, base, power, alpha, alternative: parseAlternative(options.alternative), n });
      console.log(options.json ? statsJson(report) : fitToWidth(formatPowerReport(report)));
    });
}
