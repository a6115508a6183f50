// `af-lab labels export|import|compare`: the human-labelling workflow that measures how far to trust
// each classifier. Export a stratified sample to CSV, fill in yes/no columns, import, compare.
import type { Command } from 'commander';
import { basename, dirname, join, resolve } from 'node:path';
import { UserError } from '../core/errors.js';

// The judging and plotting modules (and csv) load when a labels command runs, not when the CLI starts.
const load = async () => {
  const [runStore, store, humanLabels, accuracy, report, validationFigures, exportFigures, validationRecords] = await Promise.all([
    import('../core/runStore.js'),
    import('../label/labelRecord.js'),
    import('../label/humanLabels.js'),
    import('../label/accuracy.js'),
    import('../label/report.js'),
    import('../plots/validationFigures.js'),
    import('../plots/export.js'),
    import('../label/validationRecords.js'),
  ]);
  return { ...runStore, ...store, ...humanLabels, ...accuracy, ...report, ...validationFigures, ...exportFigures, ...validationRecords };
};
import { TRUTH_SAMPLE } from '../label/validationRecords.js';
import { int } from './parse.js';
import { readingProgress } from './progressLine.js';

/** The keys as they pass, told to `progress` every 10,000 and at the end (as openRun's onRecord): lines of records.jsonl, a sample written twice counted twice. */
function* keysWithProgress(keys: Iterable<{ key: string }>, progress: (read: number, done: boolean) => void): Generator<{ key: string }> {
  let read = 0;
  for (const key of keys) {
    yield key;
    if (++read % 10_000 === 0) progress(read, false);
  }
  progress(read, true);
}

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
    .option('--unblind', "add the AF classifier's verdict and the criteria that failed (for reviewing disagreements; the sheet is then not blind)")
    .action(async (runDir: string, flags: { n: number; seed: number; out: string; judge?: string; unblind?: boolean }) => {
      const [{ exportLabelSheet }, { openRun }] = await Promise.all([load(), import('../pipeline/openRun.js')]);
      // The sheet's target is checked before the run is read: a device or a folder is never replaced.
      const [{ checkWritableDir }, { checkFileTarget }] = await Promise.all([import('../core/files.js'), import('../core/safeIo.js')]);
      checkWritableDir(dirname(resolve(flags.out)), 'the label sheet folder (--out)');
      checkFileTarget(flags.out, 'the label sheet (--out)');
      // Streamed twice (the strata's sizes, then the records drawn): the run is never held.
      const run = openRun(runDir, { judge: flags.judge, onRecord: readingProgress(`reading ${runDir}`) });
      const { rows, strata } = exportLabelSheet(() => run.records(), flags.out, { n: flags.n, seed: flags.seed, unblind: flags.unblind === true });
      console.log(`Wrote ${rows} transcripts from ${Object.keys(strata).length} strata to ${resolve(flags.out)}.`);
      if (flags.unblind) console.log('UNBLINDED: the sheet shows the AF classifier\'s verdict and failed criteria; labels made from it are not blind.');
      console.log('Fill in human_complied, human_af (CoT only) and human_partial with yes/no (blank when unsure), then:');
      console.log(`  af-lab labels import ${runDir} ${flags.out}`);
    });

  labels
    .command('import')
    .description('store a filled-in label sheet with the run (<runDir>/human-labels.json)')
    .argument('<runDir>', 'the run folder')
    .argument('<csv>', 'the filled-in sheet')
    .action(async (runDir: string, csv: string) => {
      const [{ importHumanLabels, everyRecordKey }, { checkRunHasRecords }] = await Promise.all([load(), import('../pipeline/openRun.js')]);
      checkRunHasRecords(runDir);
      // Only the run's keys are read (no record parsed, no judgement indexed): what the import checks the sheet against.
      // A line whose key cannot be read ends the pass with its UserError (af-lab repair) before anything is written.
      const { imported, total, unknownKeys } = importHumanLabels(runDir, csv, keysWithProgress(everyRecordKey(runDir), readingProgress(`reading ${runDir}`, process.stderr, 'lines')));
      console.log(`Imported ${imported} labelled transcripts (${total} in the run's human labels).`);
      if (unknownKeys.length) console.log(`Skipped ${unknownKeys.length} rows whose key is not in this run.`);
      console.log(`Compare: af-lab labels compare ${runDir}`);
    });

  labels
    .command('compare')
    .description('confusion matrices, precision, recall, kappa and AUROC of every classifier against the labels, and the AF classifier\'s ROC and AUROC-by-votes plots')
    .argument('<runDir>', 'the run folder')
    .option('--labels <csv>', 'compare against this sheet instead of the imported labels')
    .option('--judge <spec>', 'which judge\'s labels to compare (default: the latest judge)')
    .option('--figures <dir>', 'where to write the AF validation plots (default figures/<run name>)')
    .option('--no-images', 'write the validation plots as HTML only, without a browser')
    .option('--chromium <path>', 'Chrome/Chromium executable for SVG/PNG (default: AF_LAB_CHROMIUM, then chromium / google-chrome on PATH)')
    .option('--resamples <n>', 'bootstrap resamples for the AUROC-by-votes intervals', int, 200)
    .option('--seed <n>', `seed of the bootstrap (and, past ${TRUTH_SAMPLE.toLocaleString('en-US')} simulated transcripts, of the sample the plots use)`, int, 0)
    .action(async (runDir: string, flags: { labels?: string; judge?: string; figures?: string; images?: boolean; chromium?: string; resamples: number; seed: number }) => {
      const [{ readLabelSheet, readHumanLabels, agreementTables, referenceFromHumanLabels, referenceFromSimulatorTruth, afValidationFigures, writeFigureFiles, ValidationRecords }, { openRun }] = await Promise.all([load(), import('../pipeline/openRun.js')]);
      const human = flags.labels ? readLabelSheet(flags.labels) : readHumanLabels(runDir);
      // A sheet given on purpose that holds no label would compare nothing: say so instead.
      if (flags.labels && human.length === 0) throw new UserError(`${flags.labels} holds no filled-in label`, 'fill in human_complied, human_af or human_partial (yes/no) for some rows of the sheet written by `af-lab labels export`');
      const source = flags.labels ? `human labels (${flags.labels})` : 'human labels';
      // One pass: the agreement tables count as the records pass; the validation plots keep, of the
      // records their reference labels (the human-labelled ones, else those with simulator truth and
      // AF votes), only what they read, and of the simulated ones at most a seeded sample of
      // TRUTH_SAMPLE (a million simulated transcripts would otherwise all be kept).
      const tables = agreementTables(human, source);
      const kept = new ValidationRecords(human, { seed: flags.seed });
      for (const record of openRun(runDir, { judge: flags.judge, onRecord: readingProgress(`reading ${runDir}`) }).records()) {
        tables.add(record);
        kept.add(record);
      }
      const records = kept.records();
      if (!human.length && !kept.truths) console.log('No human labels yet: run `af-lab labels export` and `af-lab labels import` first.\n');
      console.log(tables.format());
      // Hughes et al.'s validation plots: against the human labels, else (simulated runs) the simulator's truth.
      if (!(Number.isInteger(flags.resamples) && flags.resamples >= 1)) throw new UserError(`--resamples ${flags.resamples} is not a whole number of at least 1`, 'give --resamples 1 or more (default 200)');
      const reference = human.length ? referenceFromHumanLabels(human, source) : referenceFromSimulatorTruth(records);
      const { validation, figures } = afValidationFigures(records, reference, { resamples: flags.resamples, seed: flags.seed });
      if (!figures.length) {
        console.log(`\nAF validation plots: not drawn (${validation.roc.positives} AF and ${validation.roc.negatives} other labelled transcripts with votes; both kinds are needed).`);
        return;
      }
      const outDir = flags.figures ?? join('figures', basename(resolve(runDir)));
      const written = await writeFigureFiles(figures, outDir, { images: flags.images, executablePath: flags.chromium });
      const last = validation.byVotes[validation.byVotes.length - 1];
      console.log(`\nAF classifier against ${validation.source}${validation.source === 'simulator truth' ? ' (SIMULATED)' : ''}: AUROC ${validation.roc.auroc!.toFixed(3)} on ${validation.records.toLocaleString('en-US')} transcripts${kept.sampleNote()}` +
        (last?.ci ? `; with ${last.votes} votes ${last.auroc!.toFixed(3)} ${last.collapsed ? '(its interval collapses to this point: every resample gave it)' : `[${last.ci[0].toFixed(3)}, ${last.ci[1].toFixed(3)}]`}` : ''));
      console.log(`Validation plots (${written.images ? 'HTML, SVG, PNG' : 'HTML'}) in ${outDir}/: ${written.figures.map((f) => f.name).join(', ')}`);
    });
}
