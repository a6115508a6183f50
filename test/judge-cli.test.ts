// The command line, as a user runs it: `run` judges every record offline with sim/judge, `rejudge`
// re-classifies without sampling again, and the labelling workflow round-trips through a CSV.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { runCli } from './helpers/cli.js';
import { tempDir } from './helpers/tmp.js';
import { scaled } from './helpers/time.js';

const jsonl = (path: string) => readFileSync(path, 'utf8').trim().split('\n').map((line) => JSON.parse(line));

test('run judges every record with sim/judge; rejudge adds another judge without sampling; labels export/import/compare', { timeout: scaled(240_000) }, () => {
  const out = tempDir('af-judge-cli-');
  const cache = join(out, 'cache');
  const common = ['--out', out, '--figures-dir', join(out, 'figures'), '--cache', cache, '--name', 'j', '--models', 'sim/faker', '--variants', 'baseline', '--limit', '6', '--no-progress'];
  const run = runCli(['run', ...common]);
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /judge/);
  const runDir = join(out, 'j');
  const records = jsonl(join(runDir, 'records.jsonl'));
  const judgements = jsonl(join(runDir, 'judgements.jsonl'));
  const answered = records.filter((r) => r.status === 'answered').length;
  assert.equal(judgements.filter((j) => j.kind === 'compliance').length, answered, 'every answered record has a compliance judgement');
  assert.ok(judgements.every((j) => j.judge === 'sim/judge' && j.simulated));

  const recordsBefore = readFileSync(join(runDir, 'records.jsonl'), 'utf8');
  const callsBefore = jsonl(join(runDir, 'calls.jsonl')).length;
  const rejudge = runCli(['rejudge', runDir, '--judge', 'sim/judge?noise=0.3&seed=9', '--kinds', 'judge', '--cache', cache]);
  assert.equal(rejudge.status, 0, rejudge.stderr);
  assert.match(rejudge.stdout, /compliance\s+\d+ judged, 0 already judged/);
  assert.match(rejudge.stdout, /\| complied \| proxy \| judge \|/);
  assert.equal(readFileSync(join(runDir, 'records.jsonl'), 'utf8'), recordsBefore, 'no sample is taken again');
  const newCalls = jsonl(join(runDir, 'calls.jsonl')).slice(callsBefore);
  assert.ok(newCalls.length > 0 && newCalls.every((c) => c.purpose === 'judge'), 'only judge calls were sent');

  // A pass that judges nothing (budget spent before the first call) reports it; it is not a "no judgements" error.
  const broke = runCli(['rejudge', runDir, '--judge', 'sim/judge?seed=77', '--kinds', 'judge', '--budget', '0', '--cache', cache]);
  assert.equal(broke.status, 0, broke.stderr);
  assert.match(broke.stdout, /judgements left undone \(budget exhausted\)/);

  const sheet = join(out, 'labels.csv');
  const exported = runCli(['labels', 'export', runDir, '--n', '8', '--out', sheet]);
  assert.equal(exported.status, 0, exported.stderr);
  const rows = parse(readFileSync(sheet, 'utf8'), { columns: true }) as Array<Record<string, string>>;
  assert.equal(rows.length, 8);
  for (const row of rows) row.human_complied = /SIMULATED (COMPLIANT|PARTIAL)/.test(row.final_output) ? 'yes' : 'no';
  writeFileSync(sheet, stringify(rows, { header: true }));
  const imported = runCli(['labels', 'import', runDir, sheet]);
  assert.match(imported.stdout, /Imported 8 labelled transcripts/);
  const compared = runCli(['labels', 'compare', runDir]);
  assert.match(compared.stdout, /Against human labels \(8 labelled records\)/);
  assert.match(compared.stdout, /\| complied \| proxy \| human labels \| 8 \|/);

  const bad = runCli(['rejudge', join(out, 'missing')]);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /run folder not found/);
});
