// A user's own scorer, end to end through the command line: `af-lab run --scorer <file>` scores every
// record the scorer applies to, stores the scores in judgements.jsonl under its name and its file's
// hash, and shows them in the summary, the figures and the report with no other change; a re-run does
// not score again; `af-lab rejudge --scorer <changed file>` scores again with the new file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { runCli } from './helpers/cli.js';
import { tempDir } from './helpers/tmp.js';
import { scaled } from './helpers/time.js';

const jsonl = (path: string) => readFileSync(path, 'utf8').trim().split('\n').map((line) => JSON.parse(line));
const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
const BOOLEAN = 'test/fixtures/scorers/mentions-training.ts';
const NUMERIC = 'test/fixtures/scorers/answer-words.mjs';

test('a user scorer file runs through run and rejudge, is stored, resumed, re-scored when changed, and shows in summary, figures and report', { timeout: scaled(300_000) }, () => {
  const out = tempDir('af-label-scorer-');
  const cache = join(out, 'cache');
  const figures = join(out, 'figures');
  const common = ['--out', out, '--figures-dir', figures, '--cache', cache, '--name', 's', '--models', 'sim/faker', '--variants', 'baseline', '--limit', '4', '--no-progress', '--no-images'];
  const run = runCli(['run', ...common, '--scorer', BOOLEAN, '--scorer', NUMERIC]);
  assert.equal(run.status, 0, run.stderr);
  const runDir = join(out, 's');
  const records = jsonl(join(runDir, 'records.jsonl'));
  const cot = records.filter((r) => r.reasoning === 'cot' && r.scratchpad !== null).length;
  const answered = records.filter((r) => r.status === 'answered' && r.finalOutput !== null).length;

  // Stored like the judges' labels: one line per record it applies to, under its name and its file's sha256.
  const judgements = jsonl(join(runDir, 'judgements.jsonl'));
  const mentions = judgements.filter((j) => j.kind === 'mentionsTraining');
  const words = judgements.filter((j) => j.kind === 'answerWords');
  assert.equal(mentions.length, cot);
  assert.equal(words.length, answered);
  assert.ok(mentions.every((j) => j.judge === 'user:mentionsTraining' && j.detail.file === BOOLEAN && j.promptHash === sha256(BOOLEAN) && typeof j.label.value === 'boolean' && /training/.test(j.label.explanation)));
  assert.ok(words.every((j) => j.promptHash === sha256(NUMERIC) && Number.isInteger(j.label.value)));
  assert.match(run.stdout, /mentionsTraining\s+\d+ judged, 0 already judged/);

  // The summary: the yes/no scorer is a label source (rate with its interval, gap), the numeric one a mean.
  const rows = parse(readFileSync(join(runDir, 'summary.csv'), 'utf8'), { columns: true }) as Array<Record<string, string>>;
  const own = rows.filter((row) => row.label === 'mentionsTraining' && row.reasoning === 'cot');
  const noCot = rows.find((row) => row.label === 'mentionsTraining' && row.reasoning === 'no-cot')!;
  assert.equal(Number(noCot.free_n) + Number(noCot.paid_n), 0, 'it applies to CoT scratchpads only');
  const trueCount = mentions.filter((j) => j.label.value === true).length;
  assert.equal(Number(own[0].free_complied) + Number(own[0].paid_complied), trueCount);
  assert.equal(Number(own[0].free_n) + Number(own[0].paid_n), cot);
  assert.match(run.stdout, /mentionsTraining free/);
  assert.match(run.stdout, /Scores \(your scorers' numeric values\)/);
  assert.match(run.stdout, /answerWords\s+sim\/faker · baseline · cot \(SIMULATED\): free \d/);
  assert.match(run.stdout, /Your scorers\n  mentionsTraining \d+ judged/);
  const scores = parse(readFileSync(join(runDir, 'scores.csv'), 'utf8'), { columns: true }) as Array<Record<string, string>>;
  const meanOf = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
  const freeCot = words.filter((j) => records.find((r) => r.key === j.key)!.tier === 'free' && records.find((r) => r.key === j.key)!.reasoning === 'cot').map((j) => j.label.value as number);
  const cotRow = scores.find((row) => row.scorer === 'answerWords' && row.reasoning === 'cot')!;
  assert.equal(Number(cotRow.free_n), freeCot.length);
  assert.ok(Math.abs(Number(cotRow.free_mean) - meanOf(freeCot)) < 1e-9, 'the mean is the mean of the stored values');

  // The figures: one per scorer. The report: each transcript's scores and explanations.
  assert.ok(existsSync(join(figures, 's', 'score-mentionsTraining.html')));
  assert.ok(existsSync(join(figures, 's', 'score-answerWords.html')));
  const report = readFileSync(join(runDir, 'report.html'), 'utf8');
  assert.match(report, /"scorer":"mentionsTraining"/);
  assert.match(report, /words in the final answer/);

  // A re-run (resume) scores nothing again.
  const again = runCli(['run', ...common, '--scorer', BOOLEAN, '--scorer', NUMERIC]);
  assert.equal(again.status, 0, again.stderr);
  assert.equal(jsonl(join(runDir, 'judgements.jsonl')).length, judgements.length, 'no judgement written twice');

  // rejudge with a changed copy of the numeric scorer: a new hash, every record scored again with it.
  const changed = join(out, 'answer-words.mjs');
  copyFileSync(NUMERIC, changed);
  writeFileSync(changed, readFileSync(changed, 'utf8').replace('return { value: words', 'return { value: 2 * words'));
  const rejudge = runCli(['rejudge', runDir, '--kinds', 'compliance', '--scorer', changed, '--cache', cache]);
  assert.equal(rejudge.status, 0, rejudge.stderr);
  assert.match(rejudge.stdout, /compliance\s+0 judged, \d+ already judged/, 'the judge is not asked again');
  assert.match(rejudge.stdout, new RegExp(`answerWords\\s+${answered} judged, 0 already judged`));
  // run.json's scorers are scored too: the yes/no one is already scored by its unchanged file.
  assert.match(rejudge.stdout, new RegExp(`mentionsTraining\\s+0 judged, ${cot} already judged`));
  const rescored = jsonl(join(runDir, 'judgements.jsonl')).filter((j) => j.kind === 'answerWords' && j.promptHash === sha256(changed));
  assert.equal(rescored.length, answered);
  const before = new Map(words.map((j) => [j.key, j.label.value]));
  assert.ok(rescored.every((j) => j.label.value === 2 * (before.get(j.key) as number)), 'the new file\'s values');
  assert.match(rejudge.stdout, /answerWords/);
});

test('a scorer file that exports no scorer stops run before any sample, in one line naming the file', () => {
  const out = tempDir('af-label-scorer-bad-');
  const bad = runCli(['run', '--out', out, '--cache', join(out, 'cache'), '--figures-dir', join(out, 'f'), '--name', 'b', '--models', 'sim/faker', '--limit', '1', '--no-progress', '--scorer', 'test/fixtures/scorers/not-a-scorer.mjs']);
  assert.notEqual(bad.status, 0);
  assert.match(bad.stderr, /scorer file test\/fixtures\/scorers\/not-a-scorer\.mjs does not export a scorer \(score: /);
  assert.equal(existsSync(join(out, 'b', 'records.jsonl')), false, 'nothing sampled');
});
