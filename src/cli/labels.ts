// `af-lab labels export|import|compare`: the human-labelling workflow that measures how far to trust
// each classifier. Export a stratified sample to CSV, fill in yes/no columns, import, compare.
import type { Command } from 'commander';
import { UserError } from '../core/errors.js';
import { resolve } from 'node:path';
import { readRecords } from '../core/runStore.js';
import { labelRecords } from '../judge/store.js';
import { exportLabelSheet, importHumanLabels, readHumanLabels, readLabelSheet } from '../judge/humanLabels.js';
import { formatAgreement } from '../judge/report.js';
import { int } from './parse.js';


export function register(program: Command): void {
  const labels = program.command('labels').description('label transcripts by hand and measure every classifier against those labels');

  labels
    .command('export')
    .description('write a stratified sample of transcripts to a CSV for a person to label (blind to all classifiers)')
    .argument('<runDir>', 'the run folder')
    .option('--n <n>', 'how many transcripts', int, 100)
    .option('--seed <n>', 'sampling seed', int, 0)
    .option('--out <file>', 'CSV to write', 'labels.csv')
    .option('--judge <spec>', 'whose judge labels define the strata (default: the latest judge)')
    .action((runDir: string, flags: { n: number; seed: number; out: string; judge?: string }) => {
      const records = labelRecords(readRecords(runDir), runDir, { judge: flags.judge });
      const { rows, strata } = exportLabelSheet(records, flags.out, { n: flags.n, seed: flags.seed });
      console.log(`Wrote ${rows} transcripts from ${Object.keys(strata).length} strata to ${resolve(flags.out)}.`);
      console.log('Fill in human_complied, human_af (CoT only) and human_partial with yes/no (blank when unsure), then:');
      console.log(`  af-lab labels import ${runDir} ${flags.out}`);
    });

  labels
    .command('import')
    .description('store a filled-in label sheet with the run (<runDir>/human-labels.json)')
    .argument('<runDir>', 'the run folder')
    .argument('<csv>', 'the filled-in sheet')
    .action((runDir: string, csv: string) => {
      const { imported, total, unknownKeys } = importHumanLabels(runDir, csv, readRecords(runDir));
      console.log(`Imported ${imported} labelled transcripts (${total} in the run's human labels).`);
      if (unknownKeys.length) console.log(`Skipped ${unknownKeys.length} rows whose key is not in this run.`);
      console.log(`Compare: af-lab labels compare ${runDir}`);
    });

  labels
    .command('compare')
    .description('confusion matrices, precision, recall, kappa and AUROC of every classifier against the labels')
    .argument('<runDir>', 'the run folder')
    .option('--labels <csv>', 'compare against this sheet instead of the imported labels')
    .option('--judge <spec>', 'which judge\'s labels to compare (default: the latest judge)')
    .action((runDir: string, flags: { labels?: string; judge?: string }) => {
      const records = labelRecords(readRecords(runDir), runDir, { judge: flags.judge });
      const human = flags.labels ? readLabelSheet(flags.labels) : readHumanLabels(runDir);
      // A sheet given on purpose that holds no label would compare nothing: say so instead.
      if (flags.labels && human.length === 0) throw new UserError(`${flags.labels} holds no filled-in label`, 'fill in human_complied, human_af or human_partial (yes/no) for some rows of the sheet written by `af-lab labels export`');
      const source = flags.labels ? `human labels (${flags.labels})` : 'human labels';
      if (!human.length && !records.some((r) => r.truth)) console.log('No human labels yet: run `af-lab labels export` and `af-lab labels import` first.\n');
      console.log(formatAgreement(records, human, source));
    });
}
