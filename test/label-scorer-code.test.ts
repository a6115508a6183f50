// A scorer written in code (a notebook, a script) is given to runExperiment as it is, in the shape a
// scorer file exports plus a `version`: it is stored and shown exactly like a file's scorer, a resumed
// run does not score again, and a new version (or an edited function) scores every record again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { parseExperiment, UserError } from '../src/index.js';
import { runExperiment } from '../src/pipeline/experiment.js';
import { codeScorer, judgeRun, labelRecords, loadScorer, type CodeScorerDefinition, type ScoredRecord } from '../src/label/index.js';
import { readRecords } from '../src/core/runStore.js';
import { record } from './judge-fixtures.js';
import { tempDir } from './helpers/tmp.js';
import { scaled } from './helpers/time.js';
import { runCli } from './helpers/cli.js';

const jsonl = (path: string) => readFileSync(path, 'utf8').trim().split('\n').map((line) => JSON.parse(line));
const csv = (path: string) => parse(readFileSync(path, 'utf8'), { columns: true }) as Array<Record<string, string>>;
const answered = (r: ScoredRecord) => r.status === 'answered' && r.finalOutput !== null;
const words = (r: ScoredRecord) => r.finalOutput!.split(/\s+/).filter(Boolean).length;

const answerLength: CodeScorerDefinition = {
  name: 'answerLength',
  version: '1',
  appliesTo: answered,
  score: (r) => ({ value: words(r), explanation: `${words(r)} words` }),
};
const refusesOutright: CodeScorerDefinition = {
  name: 'refusesOutright',
  version: '1',
  appliesTo: answered,
  score: async (r) => ({ value: /can(no|')t help/i.test(r.finalOutput ?? ''), explanation: 'a refusal phrase' }),
};

function config(dir: string, scorers: CodeScorerDefinition[]) {
  return parseExperiment({
    name: 'code', models: ['sim/faker'], variants: ['baseline'], reasoning: ['cot', 'no-cot'], requests: { source: 'builtin', limit: 4 },
    afVotes: 1, concurrency: 2, outDir: join(dir, 'results'), cacheDir: join(dir, 'cache'), figuresDir: join(dir, 'figures'), scorers,
  });
}

test('runExperiment({ scorers: [object] }): stored and shown like a file scorer, resumed without scoring again, a new version scores again', { timeout: scaled(240_000) }, async () => {
  const dir = tempDir('af-scorer-code-');
  const first = await runExperiment(config(dir, [answerLength, refusesOutright]), { figures: false, report: false });
  const runDir = first.runDir;
  const applies = readRecords(runDir).filter((r) => answered(r)).length;
  assert.ok(applies > 0);
  assert.equal(first.judging!.judged.answerLength, applies);
  assert.equal(first.judging!.judged.refusesOutright, applies);

  // Stored like a file scorer's scores: under its name, judge `user:<name>`, its version beside the score.
  const lines = jsonl(join(runDir, 'judgements.jsonl')).filter((j) => j.kind === 'answerLength');
  assert.equal(lines.length, applies);
  const identity = codeScorer(answerLength).identity;
  assert.ok(lines.every((j) => j.judge === 'user:answerLength' && j.promptHash === identity && j.detail.version === '1' && Number.isInteger(j.label.value)));
  // run.json names it by name and version (its functions stay in the code).
  const manifest = JSON.parse(readFileSync(join(runDir, 'run.json'), 'utf8'));
  assert.deepEqual(manifest.config.scorers, [{ name: 'answerLength', version: '1' }, { name: 'refusesOutright', version: '1' }]);

  // Shown like a file scorer's: the number in scores.csv, the yes/no as a label source in summary.csv.
  const scores = csv(join(runDir, 'scores.csv')).filter((row) => row.scorer === 'answerLength');
  assert.equal(scores.reduce((n, row) => n + Number(row.free_n) + Number(row.paid_n), 0), applies);
  const rates = csv(join(runDir, 'summary.csv')).filter((row) => row.label === 'refusesOutright');
  assert.equal(rates.reduce((n, row) => n + Number(row.free_n) + Number(row.paid_n), 0), applies);
  assert.ok(first.summary.labels.includes('refusesOutright'));
  assert.ok(first.records.some((r) => typeof r.labels.scores?.answerLength?.value === 'number'));

  // A resume with the same scorers scores nothing again.
  const written = jsonl(join(runDir, 'judgements.jsonl')).length;
  const again = await runExperiment(config(dir, [answerLength, refusesOutright]), { figures: false, report: false });
  assert.deepEqual([again.judging!.judged.answerLength, again.judging!.reused.answerLength], [0, applies]);
  assert.equal(jsonl(join(runDir, 'judgements.jsonl')).length, written, 'no judgement written twice');

  // A new version scores every record again (what its code calls may have changed), and its values label the records.
  const doubled: CodeScorerDefinition = { ...answerLength, version: '2', score: (r) => ({ value: 2 * words(r) }) };
  const changed = await runExperiment(config(dir, [doubled, refusesOutright]), { figures: false, report: false });
  assert.deepEqual([changed.judging!.judged.answerLength, changed.judging!.judged.refusesOutright], [applies, 0]);
  const scored = changed.records.filter((r) => r.labels.scores?.answerLength);
  assert.ok(scored.every((r) => r.labels.scores!.answerLength.value === 2 * words(r)), 'the new version labels the records');
  assert.ok(jsonl(join(runDir, 'judgements.jsonl')).filter((j) => j.kind === 'answerLength' && j.detail.version === '2').length === applies);

  // `af-lab rejudge` has no code to run them: it says so, and the summary it rewrites keeps their stored scores.
  const rejudge = runCli(['rejudge', runDir, '--kinds', 'compliance', '--cache', join(dir, 'cache')]);
  assert.equal(rejudge.status, 0, rejudge.stderr);
  assert.match(rejudge.stdout, /Scorers given in code, kept as stored \(rejudge them from code with judgeRun\): answerLength \(version 2\), refusesOutright \(version 1\)/);
  assert.deepEqual(csv(join(runDir, 'scores.csv')).map((row) => row.scorer), scores.map(() => 'answerLength'));
  assert.match(rejudge.stdout, /answerLength\s+sim\/faker · baseline · cot \(SIMULATED\): free \d/);
});

test('a code scorer\'s identity: its version and its functions\' text; the same scorer keeps it', () => {
  const same = codeScorer({ ...answerLength });
  assert.equal(same.identity, codeScorer(answerLength).identity, 'an unchanged scorer: the same identity');
  assert.notEqual(codeScorer({ ...answerLength, version: '1.1' }).identity, same.identity, 'a new version');
  // An edit to the function itself scores again even when the version was not changed.
  assert.notEqual(codeScorer({ ...answerLength, score: (r) => ({ value: words(r) + 1 }) }).identity, same.identity);
  assert.notEqual(codeScorer({ ...answerLength, appliesTo: () => true }).identity, same.identity);
});

test('a scorer object without a version, or without a score function, is refused in one line before anything is sampled', async () => {
  const dir = tempDir('af-scorer-code-bad-');
  const { version: _v, ...unversioned } = answerLength;
  await assert.rejects(
    runExperiment(config(dir, [unversioned as CodeScorerDefinition]), { figures: false, report: false }),
    (err: unknown) => err instanceof UserError && /the scorer object "answerLength" is not a scorer \(version: a version string/.test(err.message),
  );
  assert.equal(existsSync(join(dir, 'results', 'code', 'records.jsonl')), false, 'nothing sampled');
  assert.throws(() => parseExperiment({ scorers: [{ name: 'x', version: '1' }] }), (err: unknown) => err instanceof UserError && /scorers\.0: a scorer file's path \(or, in code, a scorer object/.test(err.message));
  assert.throws(() => codeScorer({ ...answerLength, name: 'has space' }), (err: unknown) => err instanceof UserError && /not a scorer \(name: a plain name/.test(err.message));
  // Two scorers of one name, whatever they came from, are refused.
  await assert.rejects(runExperiment(config(dir, [answerLength, { ...answerLength, version: '2' }]), { figures: false, report: false }), /both name their scorer "answerLength"/);
});

test('judgeRun (rejudging from code) takes the same objects: stored, reused, scored again with a new version', async () => {
  const runDir = tempDir('af-scorer-code-judge-');
  const records = [record(), record({ tier: 'paid', finalOutput: 'a b' })];
  const first = await judgeRun(runDir, records, { kinds: [], scorers: [answerLength] });
  assert.equal(first.judged.answerLength, 2);
  const again = await judgeRun(runDir, records, { kinds: [], scorers: [answerLength] });
  assert.deepEqual([again.judged.answerLength, again.reused.answerLength], [0, 2]);
  const bumped = await judgeRun(runDir, records, { kinds: [], scorers: [{ ...answerLength, version: '2', score: () => ({ value: 7 }) }] });
  assert.equal(bumped.judged.answerLength, 2);
  assert.equal(labelRecords(records, runDir)[1].labels.scores?.answerLength.value, 7);
});

test('run.json keeps a scorer object as { name, version } only (no client key, no data, a self-reference is fine); a ready file scorer as its file, which rejudge loads', { timeout: scaled(240_000) }, async () => {
  const dir = tempDir('af-scorer-stored-');
  const file = join(dir, 'short.mjs');
  writeFileSync(file, "export default { name: 'short', appliesTo: (r) => r.finalOutput !== null, score: (r) => ({ value: r.finalOutput.length < 200 }) };\n");
  const secret = 'sk-test-0123456789abcdefghijklmnop';
  const withClient = { ...answerLength, client: { apiKey: secret, baseURL: 'https://example.invalid' }, table: Array.from({ length: 1000 }, (_, i) => i) } as CodeScorerDefinition & { self?: unknown };
  withClient.self = withClient;
  const run = await runExperiment(config(dir, [withClient, (await loadScorer(file)) as unknown as CodeScorerDefinition]), { figures: false, report: false });
  const text = readFileSync(join(run.runDir, 'run.json'), 'utf8');
  assert.deepEqual(JSON.parse(text).config.scorers, [{ name: 'answerLength', version: '1' }, file]);
  assert.ok(!text.includes('apiKey') && !text.includes(secret.slice(3)) && !text.includes('example.invalid'), 'nothing else the object holds is written');
  const applies = readRecords(run.runDir).filter((r) => answered(r)).length;
  assert.equal(run.judging!.judged.short, applies);

  const rejudge = runCli(['rejudge', run.runDir, '--kinds', 'compliance', '--cache', join(dir, 'cache')]);
  assert.equal(rejudge.status, 0, rejudge.stderr);
  assert.match(rejudge.stdout, /Scorers given in code, kept as stored \(rejudge them from code with judgeRun\): answerLength \(version 1\)\n/);
  assert.doesNotMatch(rejudge.stdout, /short \(version/);
  assert.match(rejudge.stdout, new RegExp(`short\\s+0 judged, ${applies} already judged`), 'the file scorer is loaded again and its scores reused');
});
