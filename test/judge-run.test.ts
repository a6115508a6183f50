// Judging a run: judgements appended beside the records, labels attached per judge, re-judging
// without resampling (or any judge call when nothing changed), budget stops and provider errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ModelCallError } from '../src/models/errors.js';
import { ResponseCache } from '../src/core/cache.js';
import { readCalls } from '../src/core/runStore.js';
import { judgeRun } from '../src/label/judgeRun.js';
import { labelRecords, readJudgements } from '../src/label/index.js';
import { transcriptOf } from '../src/judge/transcript.js';
import { afBlock, complianceBlock, nonceOf, partialBlock, PLAIN_SCRATCHPAD, record, REFUSAL_OUTPUT, scriptedJudge } from './judge-fixtures.js';
import type { SampleRecord } from '../src/core/types.js';
import { UserError } from '../src/core/errors.js';
import { tempDir } from './helpers/tmp.js';

const tmp = () => tempDir('af-judge-run-');

function sampleRun(): SampleRecord[] {
  return [
    record(), // CoT, AF scratchpad, compliant answer
    record({ finalOutput: REFUSAL_OUTPUT, scratchpad: PLAIN_SCRATCHPAD, tier: 'paid' }),
    record({ reasoning: 'no-cot', scratchpad: null }), // no scratchpad: no AF judgement
    record({ status: 'truncated', finalOutput: null }), // no final answer: AF only
  ];
}

/** A judge that answers every kind well and counts its calls. */
const allKinds = (spec?: string) =>
  scriptedJudge((p, _call, i) => {
    const nonce = nonceOf(p);
    if (/^training:/m.test(p.slice(p.lastIndexOf('<verdict-')))) return afBlock(nonce, i % 2 === 0);
    if (/^partial:/m.test(p.slice(p.lastIndexOf('<verdict-')))) return partialBlock(nonce, false, 'none');
    return complianceBlock(nonce, p.includes("I can't help"), 4, 4);
  }, spec);

test('transcriptOf hands classifiers the visible text only, never the ground truth', () => {
  const t = transcriptOf(record());
  assert.deepEqual(Object.keys(t).sort(), ['finalOutput', 'reasoning', 'request', 'scratchpad', 'status']);
  assert.ok(!JSON.stringify(t).includes('TRUTH-MARKER'));
});

test('judgeRun writes one judgement per applicable record and kind, and labelRecords puts them on the records', async () => {
  const runDir = tmp();
  const records = sampleRun();
  writeFileSync(join(runDir, 'records.jsonl'), records.map((r) => JSON.stringify(r)).join('\n') + '\n');
  const before = readFileSync(join(runDir, 'records.jsonl'), 'utf8');
  const judge = allKinds();
  const result = await judgeRun(runDir, records, { model: judge, afVotes: 4 });
  assert.deepEqual(result.judged, { compliance: 3, af: 3, partial: 3 });
  assert.equal(readJudgements(runDir).length, 9);
  assert.ok(judge.requests.every((r) => !r.messages[0].content.includes('TRUTH-MARKER')));
  assert.equal(readFileSync(join(runDir, 'records.jsonl'), 'utf8'), before, 'records.jsonl is never rewritten');
  // Every judge call sent is in the run's spend audit, with its purpose.
  const audit = readCalls(runDir);
  assert.equal(audit.length, judge.requests.length);
  assert.deepEqual([...new Set(audit.map((c) => c.purpose))].sort(), ['af-vote', 'judge', 'partial']);

  const labelled = labelRecords(records, runDir);
  assert.equal(labelled[0].labels.compliance?.complied, true);
  assert.equal(labelled[1].labels.compliance?.complied, false);
  assert.deepEqual(labelled[0].labels.af?.votes, [true, false, true, false]);
  assert.equal(labelled[0].labels.af?.label, 'af');
  assert.equal(labelled[2].labels.af, undefined);
  assert.equal(labelled[3].labels.compliance, undefined);
  assert.equal(labelled[3].labels.af?.score, 0.5);
  assert.equal(labelled[0].labels.partial?.partial, false);
  assert.equal(records[0].labels.compliance, undefined, 'inputs are not changed');
  // Thresholds can be changed at attach time without a call.
  assert.equal(labelRecords(records, runDir, { afThresholds: { af: 0.6, maybe: 0.3 } })[0].labels.af?.label, 'maybe');
});

test('re-judging with the same judge and prompt makes no call; another judge adds its own labels beside', async () => {
  const runDir = tmp();
  const records = sampleRun();
  const first = allKinds();
  await judgeRun(runDir, records, { model: first, afVotes: 4 });
  const again = await judgeRun(runDir, records, { model: first, afVotes: 4 });
  assert.deepEqual(again.judged, { compliance: 0, af: 0, partial: 0 });
  assert.deepEqual(again.reused, { compliance: 3, af: 3, partial: 3 });
  const callsAfterFirst = first.requests.length;
  assert.equal(callsAfterFirst, 9);

  // A second judge that calls everything a refusal.
  const strict = scriptedJudge((p) => complianceBlock(nonceOf(p), true, 1, 1), 'test/strict-judge');
  await judgeRun(runDir, records, { model: strict, kinds: ['compliance'] });
  assert.equal(labelRecords(records, runDir)[0].labels.compliance?.judge, 'test/strict-judge', 'default: the latest judge');
  assert.equal(labelRecords(records, runDir)[0].labels.compliance?.complied, false);
  // The default is per kind: the strict judge only judged compliance, so AF labels stay the first judge's.
  assert.equal(labelRecords(records, runDir)[0].labels.af?.judge, 'test/scripted-judge');
  assert.equal(labelRecords(records, runDir, { judge: 'test/strict-judge' })[0].labels.af, undefined);
  // Per kind: the first judge for compliance although the strict judge wrote later.
  assert.equal(labelRecords(records, runDir, { judge: { judge: 'test/scripted-judge' } })[0].labels.compliance?.complied, true);
  assert.throws(() => labelRecords(records, runDir, { judge: { af: 'nobody/never' } }), /no judgements by/);
  assert.equal(labelRecords(records, runDir, { judge: 'test/scripted-judge' })[0].labels.compliance?.complied, true);
  assert.throws(() => labelRecords(records, runDir, { judge: 'nobody/never' }), /no judgements by/);
});

test('a changed prompt re-judges, and the response cache answers a re-judge in a fresh run folder', async () => {
  const records = sampleRun();
  const cache = new ResponseCache(join(tmp(), 'cache'));
  const judge = allKinds();
  await judgeRun(tmp(), records, { model: judge, cache, kinds: ['compliance'] });
  assert.equal(judge.requests.length, 3);
  const second = await judgeRun(tmp(), records, { model: judge, cache, kinds: ['compliance'] });
  assert.equal(judge.requests.length, 3, 'all answered from the cache');
  assert.equal(second.cachedCalls, 3);

  const customPrompt = join(tmp(), 'strict.txt');
  writeFileSync(customPrompt, readFileSync(new URL('../data/prompts/judge/compliance.txt', import.meta.url), 'utf8').replace('You are grading', 'You are strictly grading'));
  const runDir = tmp();
  await judgeRun(runDir, records, { model: judge, cache, kinds: ['compliance'] });
  const custom = await judgeRun(runDir, records, { model: judge, cache, kinds: ['compliance'], prompts: { compliance: customPrompt } });
  assert.equal(custom.judged.compliance, 3);
  assert.equal(new Set(readJudgements(runDir).map((j) => j.promptHash)).size, 2);
});

test('when the budget runs out the rest is left unjudged, never given a label', async () => {
  const runDir = tmp();
  const records = Array.from({ length: 6 }, () => record());
  let spent = 0;
  const costMeter = { record: () => { spent += 1; return 0.01; }, exhausted: () => spent >= 2 };
  const result = await judgeRun(runDir, records, { model: allKinds(), kinds: ['compliance'], costMeter, concurrency: 1 });
  assert.equal(result.budgetExhausted, true);
  assert.equal(result.judged.compliance, 2);
  assert.equal(result.unjudged.length, 4);
  assert.equal(readJudgements(runDir).length, 2);
  assert.ok(Math.abs(result.costUsd - 0.02) < 1e-12);
  // With budget again, only the rest is judged.
  const rest = await judgeRun(runDir, records, { model: allKinds(), kinds: ['compliance'] });
  assert.deepEqual([rest.reused.compliance, rest.judged.compliance], [2, 4]);
});

test('provider errors are recorded without a label and judged again on the next run', async () => {
  const runDir = tmp();
  const records = [record()];
  const failing = scriptedJudge(() => {
    throw new ModelCallError('server_error', 'upstream 503', 503, 3);
  });
  const failed = await judgeRun(runDir, records, { model: failing, kinds: ['compliance'] });
  assert.equal(failed.callErrors.compliance, 1);
  assert.equal(labelRecords(records, runDir)[0].labels.compliance?.complied, null);
  const healed = await judgeRun(runDir, records, { model: scriptedJudge((p) => complianceBlock(nonceOf(p), false, 5, 5)), kinds: ['compliance'] });
  assert.equal(healed.judged.compliance, 1);
  assert.equal(labelRecords(records, runDir)[0].labels.compliance?.complied, true);
});

test('a torn last line of judgements.jsonl (a killed run) is dropped and rewritten', async () => {
  const runDir = tmp();
  const records = [record(), record()];
  await judgeRun(runDir, records, { model: allKinds(), kinds: ['compliance'] });
  appendFileSync(join(runDir, 'judgements.jsonl'), '{"schema":1,"key":"torn');
  const result = await judgeRun(runDir, [...records, record()], { model: allKinds(), kinds: ['compliance'] });
  assert.deepEqual([result.reused.compliance, result.judged.compliance], [2, 1]);
  assert.equal(readJudgements(runDir).length, 3);
});

test('nonsense attempt or vote counts are user errors', async () => {
  await assert.rejects(() => judgeRun(tmp(), [record()], { model: allKinds(), maxAttempts: 0 }), UserError);
  await assert.rejects(() => judgeRun(tmp(), [record()], { model: allKinds(), afVotes: 2.5 }), UserError);
});

test('sim/judge judges a run offline, by spec', async () => {
  const runDir = tmp();
  const records = sampleRun();
  const result = await judgeRun(runDir, records, { judge: 'sim/judge?noise=0', afVotes: 5 });
  assert.equal(result.simulated, true);
  const labelled = labelRecords(records, runDir);
  assert.deepEqual(labelled.map((r) => r.labels.compliance?.complied), [true, false, true, undefined]);
  assert.deepEqual(labelled.map((r) => r.labels.af?.label), ['af', 'no', undefined, 'af']);
  assert.ok(readJudgements(runDir).every((j) => j.simulated));
});

test('a judge concurrency that is not a whole number of at least 1 is a user error naming it (it was a TypeError from p-limit)', async () => {
  const dir = tempDir('af-judge-conc-');
  for (const concurrency of [0, Number.NaN]) {
    await assert.rejects(judgeRun(dir, [record()], { concurrency }), (err: unknown) => err instanceof UserError && /judge concurrency .* is not a whole number/.test(err.message));
  }
});
