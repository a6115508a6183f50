// `af-lab paraphrase --model SPEC --n 8 STATEMENT`: other wordings of a statement, each checked by a
// second call that it keeps the meaning, written into a run folder for a paraphrase design.
import { join } from 'node:path';
import type { Command } from 'commander';
import { int } from './parse.js';

export function register(program: Command): void {
  program
    .command('paraphrase')
    .description('write other wordings of a statement with a model, each checked by a second call that it keeps the meaning (docs/ablations.md)')
    .argument('<statement>', 'a built-in variant name (koorndijk-a) or a variant file')
    .requiredOption('-m, --model <spec>', 'the model that writes the wordings, e.g. openai/gpt-4o')
    .option('--judge <spec>', 'the model that checks each wording (default: the same model)')
    .option('--n <count>', 'wordings to write', int, 8)
    .option('--name <run>', 'run folder the file goes to', 'paraphrases')
    .option('-o, --out <dir>', 'results folder', 'data/results')
    .action(async (statement: string, flags: { model: string; judge?: string; n: number; name: string; out: string }) => {
      const [{ paraphraseStatement }, { loadVariant }] = await Promise.all([import('../pipeline/paraphrase.js'), import('../prompts/index.js')]);
      const outFile = join(flags.out, flags.name, `paraphrases-${loadVariant(statement).name}.json`);
      const result = await paraphraseStatement(statement, { model: flags.model, judge: flags.judge, n: flags.n, outFile, onWording: (done, total) => process.stderr.write(`\rwording ${done}/${total}`) });
      process.stderr.write('\n');
      console.log(`${result.file.wordings.length} wordings of ${result.file.statement} (${result.written} new), ${result.kept} judged to keep the meaning: ${result.path}`);
      console.log(`use it with "ablation": { "design": "paraphrases", "paraphrases": { "${result.file.statement}": "${result.path}" } }`);
    });
}
