// `af-lab batches <runDir>`: a run's provider batches with their state, counts and cost; `--cancel`
// cancels those still in flight (their answered lines are kept; a re-run sends the others again).
import type { Command } from 'commander';

export function register(program: Command): void {
  program
    .command('batches')
    .description("list a run's provider batches (state, counts, cost at the batch price); --cancel cancels those in flight")
    .argument('<runDir>', 'the run folder, e.g. data/results/default')
    .option('--cancel', 'cancel every batch of the run still in flight')
    .option('--json', 'print the batches as JSON (one object each, with matchedBy and refusedIds)')
    .action(async (runDir: string, flags: { cancel?: boolean; json?: boolean }) => {
      const { existsSync } = await import('node:fs');
      const { UserError } = await import('../core/errors.js');
      if (!existsSync(runDir)) throw new UserError(`run folder ${runDir} does not exist`, 'give the folder a run wrote, e.g. data/results/<name>');
      const { batchesJson, cancelBatches, formatBatches, readBatchRecords, BATCH_WINDOW_LINE } = await import('../pipeline/batch/index.js');
      const cancelled = flags.cancel ? await cancelBatches(runDir) : [];
      if (flags.json) {
        console.log(JSON.stringify({ batches: batchesJson(readBatchRecords(runDir)), ...(flags.cancel ? { cancelled } : {}) }, null, 2));
        return;
      }
      for (const line of cancelled) console.log(line);
      console.log(formatBatches(readBatchRecords(runDir)));
      console.log(`Note: ${BATCH_WINDOW_LINE}.`);
    });
}
