// Runs written before the label stage had scorers named the compliance judge's judgements `judge`
// (test/fixtures/runs/old-judge-kind: a run made by that version, AF votes 3). They are read under
// today's name, `compliance`: the same labels, the same summary byte for byte, and a judging pass with
// the same judge and prompts finds them settled and calls nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { currentRecords } from '../src/core/runStore.js';
import { openRun } from '../src/pipeline/openRun.js';
import { summaryCsv } from '../src/summary/index.js';
import { judgeRun, readJudgements, labelRecords, selectJudgements } from '../src/label/index.js';
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
  for (const record of labelled.filter((r) => r.status === 'answered')) assert.equal(record.labels.compliance?.judge, 'sim/judge');
  // Asked for by the old name, the compliance judge's selection is the same.
  assert.deepEqual(selectJudgements(judgements, { judge: { judge: 'sim/judge' } }), selectJudgements(judgements, { judge: { compliance: 'sim/judge' } }));
  // openRun's streamed labels give the summary the old version wrote, byte for byte.
  assert.equal(summaryCsv(openRun(runDir).summary()), readFileSync(join(FIXTURE, 'summary.csv'), 'utf8'));
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
