// `af-lab repair <runDir>`: move the bad lines of a run folder aside so that every command reads it again.
import type { Command } from 'commander';

export function register(program: Command): void {
  program
    .command('repair')
    .description('move bad lines of records.jsonl, judgements.jsonl and calls.jsonl to <file>.bad, and a bad run.json to run.json.bad')
    .argument('<runDir>', 'the run folder, e.g. data/results/default')
    .action(async (runDir: string) => {
      // Loaded on use: registering the command must not load the validators (`af-lab --help` stays light).
      const { repairRun } = await import('../pipeline/repairRun.js');
      for (const { file, kept, moved, firstProblem } of repairRun(runDir)) {
        console.log(moved ? `${file}: ${moved} bad moved to ${file}.bad (${firstProblem}), ${kept} kept` : `${file}: fine (${kept} kept)`);
      }
      console.log('Re-run the experiment to sample again the samples whose records were moved aside.');
    });
}
