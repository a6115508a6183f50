// Runs written before the label stage had scorers named the compliance judge's judgements `judge`, and
// the compliance label and its summary rows `judge` too (test/fixtures/runs/old-judge-kind: a run made
// by that version, AF votes 3, with the summary.csv it wrote). They are read under today's name,
// `compliance`: the same labels, the same summary but for the label's name, and a judging pass with the
// same judge and prompts finds them settled and calls nothing. The old name given by a user (a label
// source in a notebook, `--kinds judge`) is read as `compliance` by every public function that takes a
// label source.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { currentRecords } from '../src/core/runStore.js';
import { openRun } from '../src/pipeline/openRun.js';
import { summaryCsv } from '../src/summary/index.js';
import { judgeRun, readJudgements, labelRecords, selectJudgements } from '../src/label/index.js';
import { buildSummary, compliedBy, formatMitigation, labelSimulated, mitigationMarkdown } from '../src/summary/index.js';
import { agreementTables, gapRows, outcomeCounts, outcomeOf } from '../src/plots/index.js';
import { UserError } from '../src/core/errors.js';
import { AblationAccumulator } from '../src/summary/index.js';
import { sampleRecord } from './helpers/records.js';
import { mitigationTable } from '../src/notebook/mitigation.js';
import { summaryHtml } from '../src/notebook/html.js';
import { parseKinds } from '../src/cli/rejudge.js';
import { tempDir } from './helpers/tmp.js';

const FIXTURE = 'test/fixtures/runs/old-judge-kind';

function copyOfFixture(): string {
  const dir = join(tempDir('af-label-old-'), 'old-judge-kind');
  cpSync(FIXTURE, dir, { recursive: true });
  return dir;
}

test('an old run\'s `judge` judgements are read as `compliance`, and its summary is what that version wrote', () => {
  const runDir = copyOfFixture();
  const raw = readFileSync(join(runDir, 'judgements.jsonl'), 'utf8');
  assert.ok(raw.includes('"kind":"judge"') && !raw.includes('"kind":"compliance"'), 'the fixture is in the old format');
  const judgements = readJudgements(runDir);
  assert.deepEqual([...new Set(judgements.map((j) => j.kind))].sort(), ['af', 'compliance', 'partial']);

  const records = [...currentRecords(runDir)];
  const answered = records.filter((r) => r.status === 'answered');
  const labelled = labelRecords(records, runDir);
  assert.ok(answered.length > 0);
  for (const record of labelled.filter((r) => r.status === 'answered')) {
    assert.equal(record.labels.compliance?.judge, 'sim/judge');
    assert.ok(!('judge' in record.labels), 'the label is under its new name only');
  }
  // Asked for by the old name, the compliance judge's selection is the same.
  assert.deepEqual(selectJudgements(judgements, { judge: { judge: 'sim/judge' } }), selectJudgements(judgements, { judge: { compliance: 'sim/judge' } }));
  // openRun's streamed labels give the summary the old version wrote, but for the label's name: its
  // `judge` rows are `compliance` rows with the same numbers, and no other cell differs.
  const old = readFileSync(join(FIXTURE, 'summary.csv'), 'utf8').split('\n');
  const now = summaryCsv(openRun(runDir).summary()).split('\n');
  const label = old[0].split(',').indexOf('label');
  assert.ok(old.some((line) => line.split(',')[label] === 'judge'), 'the old summary has judge rows');
  const renamed = old.map((line, i) => (i === 0 ? line : line.split(',').map((cell, j) => (j === label && cell === 'judge' ? 'compliance' : cell)).join(',')));
  assert.deepEqual(now, renamed);
});

test('the old name of the compliance label source, `judge`, picks the compliance label wherever a user names a source', () => {
  const runDir = copyOfFixture();
  const run = openRun(runDir);
  const summary = run.summary();
  for (const record of run.records()) assert.equal(compliedBy(record, 'judge'), compliedBy(record, 'compliance'));
  assert.ok([...run.records()].some((r) => compliedBy(r, 'judge') !== null), 'the fixture has compliance labels');
  // A notebook cell written before the rename.
  assert.equal(summaryHtml(summary, { labels: ['judge'] }), summaryHtml(summary, { labels: ['compliance'] }));
  assert.match(summaryHtml(summary, { labels: ['judge'] }), /<td/);
  const table = mitigationTable(summary, 'judge');
  assert.equal(table.label, 'compliance');
  assert.deepEqual(table, mitigationTable(summary, 'compliance'));
});

test('`--kinds judge` is read as compliance, with one line saying so', (t) => {
  const notes: string[] = [];
  t.mock.method(console, 'error', (line: string) => notes.push(line));
  assert.deepEqual(parseKinds(['judge', 'af']), ['compliance', 'af']);
  assert.equal(notes.length, 1);
  assert.match(notes[0], /--kinds judge is now --kinds compliance/);
  assert.deepEqual(parseKinds(['compliance']), ['compliance']);
  assert.equal(notes.length, 1, 'the new name prints nothing');
});

test('judging an old run again with its judge and prompts finds every judgement settled and calls nothing', async () => {
  const runDir = copyOfFixture();
  const records = [...currentRecords(runDir)];
  const before = readJudgements(runDir).length;
  const result = await judgeRun(runDir, records, { judge: 'sim/judge', afVotes: 3, cacheDir: join(runDir, 'cache') });
  assert.deepEqual(result.judged, { compliance: 0, af: 0, partial: 0 });
  assert.equal(result.reused.compliance, records.filter((r) => r.status === 'answered').length);
  assert.equal(result.calls, 0);
  assert.equal(readJudgements(runDir).length, before, 'nothing appended');
});

// Real samples labelled by the offline judge (sim/judge): a statement beside its baseline, so the
// summary has compliance rows, a gap and a mitigation row.
function judgedRecords() {
  const condition = (variant: string, free: number, paid: number) =>
    (['free', 'paid'] as const).flatMap((tier) =>
      Array.from({ length: 20 }, (_, i) => sampleRecord({ model: 'real/model', simulated: false, variant, tier, judge: i < (tier === 'free' ? free : paid), requestId: `r${i}` })),
    );
  const records = [...condition('baseline', 12, 2), ...condition('statement', 6, 5)];
  return { records, summary: buildSummary(records) };
}

test('a sim/judge compliance label on a real sample is SIMULATED when an older notebook asks by the name `judge`', () => {
  const { records } = judgedRecords();
  assert.equal(labelSimulated(records[0], 'compliance'), true);
  assert.equal(labelSimulated(records[0], 'judge'), true);
});

test('the figures\' inputs read the source `judge` as `compliance`: the same gap rows, bars and agreement tables', () => {
  const { records, summary } = judgedRecords();
  // From JavaScript, or a notebook written before the rename (the type says 'compliance' | 'proxy').
  const old = 'judge' as never;
  assert.ok(gapRows(records, 'compliance', summary).length > 0);
  assert.deepEqual(gapRows(records, old, summary), gapRows(records, 'compliance', summary));
  assert.deepEqual(outcomeCounts(records, old), outcomeCounts(records, 'compliance'));
  assert.deepEqual(agreementTables(records, old), agreementTables(records, 'compliance'));
  assert.equal(agreementTables(records, old)[0].colClassifier, 'LLM judge');
  assert.equal(outcomeOf(records[0], old), outcomeOf(records[0], 'compliance'));
});

test('the mitigation text for the label source `judge` is the compliance block, in the terminal and in Markdown', () => {
  const { summary } = judgedRecords();
  assert.ok(summary.mitigation.some((row) => row.label === 'compliance'));
  assert.notEqual(formatMitigation(summary.mitigation, 'compliance', summary.confLevel), '');
  assert.equal(formatMitigation(summary.mitigation, 'judge', summary.confLevel), formatMitigation(summary.mitigation, 'compliance', summary.confLevel));
  assert.match(mitigationMarkdown(summary.mitigation, ['judge'], summary.confLevel), /### compliance labels/);
  assert.equal(mitigationMarkdown(summary.mitigation, ['judge'], summary.confLevel), mitigationMarkdown(summary.mitigation, ['compliance'], summary.confLevel));
});

test('a label source that is neither af-lab\'s nor a scorer the summary counted is a UserError, not an empty result', () => {
  const { records, summary } = judgedRecords();
  const misspelt = 'complience';
  for (const call of [
    () => gapRows(records, misspelt as never, summary),
    () => outcomeCounts(records, misspelt as never),
    () => agreementTables(records, misspelt as never),
    () => mitigationTable(summary, misspelt),
    () => summaryHtml(summary, { labels: [misspelt] }),
    () => new AblationAccumulator().result({ label: misspelt }),
  ])
    assert.throws(call, (error: unknown) => error instanceof UserError && /unknown (compliance|label) source "complience"/.test(error.message));
  // A figure draws the proxy or the compliance judge only.
  assert.throws(() => outcomeCounts(records, 'heuristic' as never), UserError);
});

test('judging with the kind `judge` (and a prompt keyed `judge`) from JavaScript judges the compliance kind; a misspelt kind is a UserError', async () => {
  const runDir = copyOfFixture();
  const records = [...currentRecords(runDir)];
  const options = { judge: 'sim/judge', afVotes: 3, cacheDir: join(runDir, 'cache') };
  const result = await judgeRun(runDir, records, { ...options, kinds: ['judge' as never] });
  // Only the compliance kind was asked for (no AF or partial prompt), and its judgements were found settled.
  assert.deepEqual(Object.keys(result.promptHashes), ['compliance']);
  assert.equal(result.reused.compliance, records.filter((r) => r.status === 'answered').length);
  assert.equal(result.reused.af, 0);
  assert.equal(result.calls, 0);
  // A prompt given under the old key is the compliance judge's prompt: a path that is not there is reported, not ignored.
  const missing = join(runDir, 'no-such-prompt.json');
  await assert.rejects(judgeRun(runDir, records, { ...options, kinds: ['compliance'], prompts: { judge: missing } as never }), (error: unknown) => String((error as Error).message).includes('no-such-prompt.json'));
  await assert.rejects(judgeRun(runDir, records, { ...options, kinds: ['complience' as never] }), (error: unknown) => error instanceof UserError && /unknown judgement kind "complience"/.test(error.message));
});
