// `af-lab score --setting NAME <transcripts.jsonl> [--out DIR]`: transcripts made elsewhere, scored
// under a setting's conventions with af-lab's beside (pipeline/score.ts; docs/score.md).
import type { Command } from 'commander';

export function register(program: Command): void {
  program
    .command('score')
    .description("score transcripts made elsewhere under a setting's own conventions, with af-lab's beside: one JSON line each")
    .argument('<transcripts>', 'a JSONL file, one transcript a line: {"id", "reasoning", "model", "tier", "request", "turns": [{"text", "finish"?} | {"error"}]}')
    .option('--setting <name>', 'the setting whose conventions score them (af-lab settings lists them)', 'af-lab')
    .option('--out <dir>', 'also write a run folder (records.jsonl, summary) that af-lab figures and af-lab report read')
    .action(async (path: string, flags: { setting: string; out?: string }) => {
      const { scoreFile } = await import('../pipeline/score.js');
      const { lines } = await scoreFile(path, flags.setting, { out: flags.out });
      for (const line of lines) console.log(JSON.stringify(line));
      if (flags.out) console.error(`${lines.length} transcripts scored under ${flags.setting}: run folder ${flags.out}`);
    });
}
