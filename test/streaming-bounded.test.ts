// Every command streams (issue 25, part 1): resume, rejudge, figures and report never hold more than
// a window of records. Counted, not timed: the run readers count the records they yield
// (recordReads), the consumers (the summary, figure and report accumulators, the records digest, the
// judge) are instrumented to count the records they have taken, and at every take the difference (the
// records read and not yet consumed) must stay under a bound far below the run's size. A path that
// read the run into an array first would reach the run's size.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Command } from 'commander';
import { parseExperiment, type ExperimentConfig } from '../src/core/config.js';
import { recordReads } from '../src/core/runStore.js';
import { RecordsDigest } from '../src/core/inputsHash.js';
import { RunJudging } from '../src/label/judgeRun.js';
import { FigureAccumulator } from '../src/plots/figureAccumulator.js';
import { CHUNK_SIZE, INLINE_LIMIT, ReportWriter, reportPaging } from '../src/report/write.js';
import { SummaryAccumulator } from '../src/summary/index.js';
import { runExperiment } from '../src/pipeline/experiment.js';
import { OUTPUTS_STAMP } from '../src/pipeline/outputsStamp.js';
import { register as registerFigures } from '../src/cli/figures.js';
import { register as registerReport } from '../src/cli/report.js';
import { register as registerRejudge } from '../src/cli/rejudge.js';
import { register as registerLabels } from '../src/cli/labels.js';
import { AgreementAccumulator } from '../src/label/agreementAccumulator.js';
import { tempDir } from './helpers/tmp.js';

/** At most this many records read and not yet consumed: the judging window (256) and a little. */
const BOUND = 300;

/** Patches the consumers' prototypes; `measure` gives the largest number of records held between read and consumed. */
function instrument() {
  const consumed = new WeakSet<object>();
  let count = 0;
  let peak = 0;
  /** Whether the judge is a consumer: it is for rejudge's judging pass; in a run it hands the record on to the accumulators. */
  let judgeConsumes = false;
  /** Whether the agreement tables are a consumer: they are for labels compare; in rejudge the summary takes each record read. */
  let agreementConsumes = false;
  const take = (record: object) => {
    if (consumed.has(record)) return;
    consumed.add(record);
    count++;
    peak = Math.max(peak, recordReads.yielded - count);
  };
  const restore: Array<() => void> = [];
  const wrap = <T extends object>(proto: T, name: keyof T, after = false, when = () => true) => {
    const original = proto[name] as unknown as (this: unknown, record: object, ...rest: unknown[]) => unknown;
    (proto as Record<keyof T, unknown>)[name] = function (this: unknown, record: object, ...rest: unknown[]) {
      if (!after) {
        if (when()) take(record);
        return original.call(this, record, ...rest);
      }
      // The judge holds a record until its judgements are written: it is consumed when they are.
      return (original.call(this, record, ...rest) as Promise<unknown>).finally(() => judgeConsumes && take(record));
    };
    restore.push(() => ((proto as Record<keyof T, unknown>)[name] = original));
  };
  wrap(SummaryAccumulator.prototype, 'add');
  wrap(FigureAccumulator.prototype, 'add');
  wrap(ReportWriter.prototype, 'add');
  wrap(RecordsDigest.prototype, 'add');
  wrap(AgreementAccumulator.prototype, 'add', false, () => agreementConsumes);
  wrap(RunJudging.prototype, 'judge', true);
  return {
    /** Start counting now. */
    reset(judge = false, agreement = false) {
      judgeConsumes = judge;
      agreementConsumes = agreement;
      recordReads.yielded = 0;
      count = 0;
      peak = 0;
    },
    measure: () => ({ read: recordReads.yielded, consumed: count, peak }),
    restore: () => restore.forEach((undo) => undo()),
  };
}

async function cli(register: (program: Command) => void, args: string[]): Promise<void> {
  const program = new Command('af-lab').exitOverride();
  register(program);
  const log = console.log;
  console.log = () => {};
  try {
    await program.parseAsync(['node', 'af-lab', ...args]);
  } finally {
    console.log = log;
  }
}

describe('no command holds the run', () => {
  const dir = tempDir();
  let config: ExperimentConfig;
  let runDir: string;
  let probe: ReturnType<typeof instrument>;
  let records = 0;
  before(async () => {
    // 1,440 records: 60 requests x CoT and no-CoT x 2 tiers x 6 samples, judged (2 AF votes).
    config = parseExperiment({
      name: 'bounded', models: ['sim/faker?seed=9'], variants: ['baseline'], reasoning: ['cot', 'no-cot'], requests: { source: 'builtin' },
      samples: 6, afVotes: 2, judge: 'sim/judge', concurrency: 8, outDir: join(dir, 'results'), cacheDir: join(dir, 'cache'), figuresDir: join(dir, 'figures'),
    });
    const first = await runExperiment(config, { figures: false, report: false, keepRecords: false });
    runDir = first.runDir;
    records = first.recordCount;
    probe = instrument();
  });
  after(() => {
    probe?.restore();
    rmSync(dir, { recursive: true, force: true });
  });

  const check = (what: string) => {
    const { read, consumed, peak } = probe.measure();
    assert.ok(read >= records, `${what} read every record (${read} of ${records})`);
    assert.equal(consumed, read, `${what}: every record read was consumed`);
    assert.ok(peak <= BOUND, `${what} held at most ${BOUND} records between reading and consuming them, not ${peak} (of ${records})`);
  };

  it('a run of this size, far above the bound', () => {
    assert.equal(records, 1440);
    assert.ok(records > 4 * BOUND);
  });

  it('resume: a re-run whose outputs stamp no longer matches', async () => {
    rmSync(join(runDir, OUTPUTS_STAMP));
    probe.reset();
    const steps: string[] = [];
    const again = await runExperiment(config, { figures: { images: false, log: () => {} }, keepRecords: false, onStep: (step) => steps.push(step.phase === 'labelling' ? `labelling ${step.done}/${step.total}` : step.phase) });
    assert.equal(again.recordCount, records);
    check('resume');
    // No silent step: the records read back are counted as they pass, then each output says it starts.
    assert.deepEqual(steps, ['labelling 1000/1440', 'labelling 1440/1440', 'summary', 'figures', 'report']);
  });

  it("a run's report above the inline limit is paged from its first record: the writer holds at most a chunk, never the first inline-limit records", async () => {
    // Inline limit 1,000 (a chunk is 100): a writer not told how many records will pass would hold
    // the first 1,000 of these 1,440 until the 1,001st showed the report is paged.
    rmSync(join(runDir, OUTPUTS_STAMP));
    const add = ReportWriter.prototype.add;
    let held = 0;
    ReportWriter.prototype.add = function (this: ReportWriter, record) {
      add.call(this, record);
      held = Math.max(held, this.bufferedRows);
    };
    reportPaging.inlineLimit = 1_000;
    try {
      const again = await runExperiment(config, { figures: false, keepRecords: false });
      assert.equal(again.recordCount, records);
      assert.ok(existsSync(join(runDir, 'report.data', 'index.js')), 'the report is paged');
    } finally {
      ReportWriter.prototype.add = add;
      reportPaging.inlineLimit = INLINE_LIMIT;
    }
    assert.ok(held > 0 && held <= CHUNK_SIZE, `the writer held at most a chunk (${CHUNK_SIZE} rows), not ${held}`);
  });

  it('rejudge, with another judge prompt: every record judged again', async () => {
    probe.reset(true);
    await cli(registerRejudge, ['rejudge', runDir, '--votes', '3', '--cache', join(dir, 'cache')]);
    check('rejudge');
  });

  it('figures', async () => {
    probe.reset();
    await cli(registerFigures, ['figures', runDir, '--no-images', '--out', join(dir, 'figs')]);
    check('figures');
  });

  it('labels import reads only the keys; labels compare: the agreement tables count as records pass; the validation plots keep only the labelled records', async () => {
    const sheet = join(dir, 'labels.csv');
    await cli(registerLabels, ['labels', 'export', runDir, '--n', '40', '--out', sheet]);
    // Fill in the sheet: every row labelled, so its 40 records are referenced.
    const rows = parse(readFileSync(sheet, 'utf8'), { columns: true }) as Array<Record<string, string>>;
    writeFileSync(sheet, stringify(rows.map((row) => ({ ...row, human_complied: 'yes' })), { header: true }));
    probe.reset();
    await cli(registerLabels, ['labels', 'import', runDir, sheet]);
    // The import checks the sheet's keys against the run's: it reads records.jsonl's keys, no record.
    assert.equal(probe.measure().read, 0, 'labels import read no record');
    assert.equal(JSON.parse(readFileSync(join(runDir, 'human-labels.json'), 'utf8')).length, 40);
    probe.reset(false, true);
    await cli(registerLabels, ['labels', 'compare', runDir, '--no-images', '--resamples', '2', '--figures', join(dir, 'validation')]);
    check('labels compare');
  });

  it('report (paged, so the writer holds at most a chunk)', async () => {
    probe.reset();
    await cli(registerReport, ['report', runDir, '--out', join(dir, 'report', 'report.html')]);
    check('report');
  });
});
