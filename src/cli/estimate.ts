// `af-lab estimate`: tokens and dollars per model for an experiment, before any call is made.
// Takes the same config file and flags as `af-lab run`.
import type { Command } from 'commander';
import { configFromFlags } from './run.js';
import { int, list } from './parse.js';
import { fitToWidth } from './fit.js';


export function register(program: Command): void {
  program
    .command('estimate')
    .description('print input/output tokens and dollars per model for an experiment, before any model is called')
    .option('-c, --config <file>', 'experiment config (JSON)')
    .option('--setting <name>', 'setting: prompts, requests and sampling of a published setting (af-lab settings lists them; default af-lab)')
    .option('-m, --models <specs>', 'comma-separated model specs', list)
    .option('--variants <names>', 'comma-separated prompt variants', list)
    .option('--reasoning <modes>', 'cot,no-cot', list)
    .option('--requests <source>', 'builtin | advbench | file')
    .option('--requests-path <file>', 'CSV or JSONL of requests')
    .option('--limit <n>', 'first n requests', int)
    .option('--samples <n>', 'samples per prompt', int)
    .option('--max-tokens <n>', 'max tokens per turn', int)
    .option('--judge <spec>', 'judge model spec')
    .option('--json', 'print the estimate as JSON')
    .option('--batch [which]', "also price the calls sent through the providers' batch APIs (models, judge or both; default both)")
    .action(async (flags: { json?: boolean; batch?: boolean | string } & Parameters<typeof configFromFlags>[0]) => {
      const config = await configFromFlags(flags);
      const [{ estimateExperiment }, { formatEstimate }, { batchTargetOf }] = await Promise.all([import('../pipeline/estimate.js'), import('../cost/report.js'), import('../pipeline/batch/target.js')]);
      const batch = batchTargetOf(config, flags.batch);
      const estimate = await estimateExperiment(config, batch ? { batch } : {});
      console.log(flags.json ? JSON.stringify(estimate, null, 2) : fitToWidth(formatEstimate(estimate)));
    });
}
