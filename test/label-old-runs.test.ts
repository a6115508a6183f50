// Runs written before the label stage had scorers named the compliance judge's judgements `judge`, and
// the compliance label and its summary rows `judge` too (test/fixtures/runs/old-judge-kind: a run made
// by that version, AF votes 3, with the summary.csv it wrote). They are read under today's name,
// `compliance`: the same labels, the same summary but for the label's name, and a judging pass with the
// same judge and prompts finds them settled and calls nothing. The old name given by a user (a label
// source in a notebook, `--kinds judge`) is read as `compliance`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { currentRecords } from '../src/core/runStore.js';
import { openRun } from '../src/pipeline/openRun.js';
import { summaryCsv } from '../src/summary/index.js';
import { judgeRun, readJudgements, labelRecords, selectJudgements } from '../src/label/index.js';
import { compliedBy } from '../src/summary/index.js';
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
