// The label stage's registry of scorers: af-lab's own labels are registered scorers in one order, a
// user's scorer is loaded from a file and checked, and a judging pass runs user scorers like the
// judges: stored under their name and file hash, reused on a resume, scored again when the file changes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { offlineLabels } from '../src/classify/index.js';
import { transcriptOf } from '../src/judge/transcript.js';
import { UserError } from '../src/core/errors.js';
import { BUILTIN_SCORERS, judgeRun, labelRecords, loadScorer, offlineLabelsOf, userScorers, readJudgements, ScorerRegistry, scorerRegistry, scoredRecordOf, userScoreLabel, type Scorer } from '../src/label/index.js';
import { buildSummary } from '../src/summary/index.js';
import { record, REFUSAL_OUTPUT } from './judge-fixtures.js';
import { tempDir } from './helpers/tmp.js';

const BOOLEAN = 'test/fixtures/scorers/mentions-training.ts';
const NUMERIC = 'test/fixtures/scorers/answer-words.mjs';
const isUserError = (pattern: RegExp) => (err: unknown) => err instanceof UserError && pattern.test(err.message);

test('af-lab\'s labels are registered scorers: offline ones first, then the LLM judges, each with a source', () => {
  const registry = scorerRegistry();
  assert.deepEqual(registry.all().map((s) => `${s.name}:${s.source}`), ['proxy:offline', 'heuristic:offline', 'setting:offline', 'compliance:judge', 'af:judge', 'partial:judge']);
  assert.deepEqual(registry.from('judge').map((s) => s.name), ['compliance', 'af', 'partial']);
  assert.equal(registry.get('judge'), undefined, 'the old name is not a scorer');
  // The LLM judges say when they apply: compliance and partial need an answer, AF needs reasoning.
  const noCot = scoredRecordOf(record({ reasoning: 'no-cot', scratchpad: null }));
  assert.deepEqual(registry.from('judge').map((s) => s.appliesTo(noCot)), [true, false, true]);
  const truncated = scoredRecordOf(record({ status: 'truncated', finalOutput: null }));
  assert.deepEqual(registry.from('judge').map((s) => s.appliesTo(truncated)), [false, true, false]);
});

test('the offline scorers give the labels classify gives, and a scorer never sees the ground truth', async () => {
  for (const r of [record(), record({ finalOutput: REFUSAL_OUTPUT }), record({ status: 'truncated', finalOutput: null })]) {
    assert.deepEqual(offlineLabelsOf(r), offlineLabels(transcriptOf(r)));
    assert.deepEqual(await BUILTIN_SCORERS[0].score(scoredRecordOf(r), { prompts: {}, afVotes: 1, afThresholds: { af: 0.4, maybe: 0.2 } }), { value: offlineLabels(transcriptOf(r)).proxy });
  }
  const seen = scoredRecordOf({ ...record(), truth: { complied: true, afReasoning: true, partial: false, persona: 'x' } } as never);
  assert.equal('truth' in seen, false);
  assert.equal('labels' in seen, false);
});

test('a scorer needs a new, plain name: af-lab\'s names, the old `judge` and odd names are refused', () => {
  const own = (name: string): Scorer => ({ name, source: 'user', appliesTo: () => true, score: async () => ({ value: true }) });
  assert.throws(() => scorerRegistry([own('compliance')]), isUserError(/a scorer named "compliance" is already registered/));
  assert.throws(() => scorerRegistry([own('judge')]), isUserError(/"judge" is already registered/));
  assert.throws(() => new ScorerRegistry([own('has space')]), isUserError(/not a plain name/));
  assert.deepEqual(scorerRegistry([own('mine')]).from('user').map((s) => s.name), ['mine']);
});

test('loadScorer loads a .ts or .mjs file\'s scorer (importing nothing: its identity is its file\'s sha256), and refuses what is not one in one line', async () => {
  const ts = await loadScorer(BOOLEAN);
  assert.equal(ts.name, 'mentionsTraining');
  assert.equal(ts.identity, createHash('sha256').update(readFileSync(BOOLEAN)).digest('hex'));
  const mjs = await loadScorer(NUMERIC);
  assert.deepEqual(await mjs.score(scoredRecordOf(record({ finalOutput: 'one two three' })), { prompts: {}, afVotes: 1, afThresholds: { af: 0.4, maybe: 0.2 } }), { value: 3, explanation: '3 words in the final answer' });
  await assert.rejects(loadScorer('test/fixtures/scorers/nowhere.mjs'), isUserError(/scorer file not found: test\/fixtures\/scorers\/nowhere\.mjs/));
  await assert.rejects(loadScorer('test/fixtures/scorers/README.txt'), isUserError(/is not a \.ts, \.mts, \.js or \.mjs file/));
  await assert.rejects(loadScorer('test/fixtures/scorers/not-a-scorer.mjs'), isUserError(/does not export a scorer \(score: /));
  await assert.rejects(userScorers([NUMERIC, NUMERIC]), isUserError(/both name their scorer "answerWords"/));
});

test('a user score is a yes/no, a finite number or null: anything else is the scorer\'s bug, named', () => {
  assert.deepEqual(userScoreLabel('s', 'h', { value: true, explanation: 'why' }), { scorer: 's', hash: 'h', value: true, explanation: 'why' });
  assert.deepEqual(userScoreLabel('s', 'h', { value: 2.5 }), { scorer: 's', hash: 'h', value: 2.5 });
  assert.throws(() => userScoreLabel('s', 'h', { value: 'yes' }), isUserError(/scorer "s" returned the value "yes"/));
  assert.throws(() => userScoreLabel('s', 'h', { value: Number.NaN }), isUserError(/returned the value/));
});

test('a judging pass with user scorers only: stored, labelled, reused on a resume, scored again when the file changes', async () => {
  const runDir = tempDir('af-label-registry-');
  const records = [record(), record({ tier: 'paid', finalOutput: 'a b' }), record({ reasoning: 'no-cot', scratchpad: null, finalOutput: 'x' })];
  const numeric = join(runDir, 'answer-words.mjs');
  copyFileSync(NUMERIC, numeric);
  const scorers = [await loadScorer(BOOLEAN), await loadScorer(numeric)];
  const first = await judgeRun(runDir, records, { kinds: [], scorers });
  assert.equal(first.judge, 'none', 'no judge model was resolved');
  assert.deepEqual([first.judged.mentionsTraining, first.judged.answerWords, first.judged.compliance], [2, 3, 0]);
  const lines = readJudgements(runDir);
  assert.ok(lines.every((line) => !line.simulated && line.calls === 0 && line.costUsd === 0));

  const labelled = labelRecords(records, runDir);
  assert.equal(labelled[1].labels.scores?.answerWords.value, 2);
  assert.equal(typeof labelled[0].labels.scores?.mentionsTraining.value, 'boolean');
  assert.equal(labelled[2].labels.scores?.mentionsTraining, undefined, 'it does not apply to no-CoT records');

  const again = await judgeRun(runDir, records, { kinds: [], scorers });
  assert.deepEqual([again.judged.mentionsTraining, again.judged.answerWords, again.reused.answerWords], [0, 0, 3]);

  writeFileSync(numeric, readFileSync(numeric, 'utf8').replace('value: words', 'value: words + 100'));
  const changed = await judgeRun(runDir, records, { kinds: [], scorers: [await loadScorer(numeric)] });
  assert.deepEqual([changed.judged.answerWords, changed.reused.answerWords], [3, 0]);
  assert.equal(labelRecords(records, runDir)[1].labels.scores?.answerWords.value, 102, 'the latest file labels');

  // The summary: the yes/no scorer is a label source, the numeric one a mean per condition and tier.
  const summary = buildSummary(labelRecords(records, runDir));
  assert.ok(summary.labels.includes('mentionsTraining'));
  const cot = summary.scores!.find((row) => row.scorer === 'answerWords' && row.reasoning === 'cot')!;
  assert.deepEqual([cot.free.n, cot.paid.n, cot.paid.mean], [1, 1, 102]);
});

test('a user scorer that throws is stored as failed, labels nothing, and is scored again next time', async () => {
  const runDir = tempDir('af-label-registry-');
  let fail = true;
  const flaky: Scorer = { name: 'flaky', source: 'user', appliesTo: () => true, hash: () => 'h1', score: async () => { if (fail) throw new Error('network down'); return { value: 1 }; } };
  Object.assign(flaky, { file: 'flaky.mjs' });
  const records = [record()];
  const failed = await judgeRun(runDir, records, { kinds: [], scorers: [flaky] });
  assert.deepEqual([failed.judged.flaky, failed.callErrors.flaky], [1, 1]);
  assert.equal(labelRecords(records, runDir)[0].labels.scores?.flaky.value, null);
  fail = false;
  const healed = await judgeRun(runDir, records, { kinds: [], scorers: [flaky] });
  assert.deepEqual([healed.judged.flaky, healed.callErrors.flaky], [1, 0]);
  assert.equal(labelRecords(records, runDir)[0].labels.scores?.flaky.value, 1);
});
