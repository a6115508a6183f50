// `af-lab labels import` against a run whose records.jsonl has a line whose key cannot be read: the
// import stops with the UserError the full read gives (the line, the fix `af-lab repair`) and writes
// nothing, instead of skipping the sheet's rows of that line as "not in this run".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { stringify } from 'csv-stringify/sync';
import { register as registerLabels } from '../src/cli/labels.js';
import { UserError } from '../src/core/errors.js';
import { recordKeys, type UnreadableLines } from '../src/core/runStore.js';
import { syntheticRecords } from './plots-records.js';
import { tempDir } from './helpers/tmp.js';

async function labelsImport(runDir: string, sheet: string): Promise<{ stdout: string[]; stderr: string[] }> {
  const program = new Command('af-lab').exitOverride();
  registerLabels(program);
  const stdout: string[] = [];
  const stderr: string[] = [];
  const log = console.log;
  const write = process.stderr.write;
  console.log = (line: string) => void stdout.push(line);
  process.stderr.write = ((text: string) => (stderr.push(text), true)) as typeof process.stderr.write;
  try {
    await program.parseAsync(['node', 'af-lab', 'labels', 'import', runDir, sheet]);
  } finally {
    console.log = log;
    process.stderr.write = write;
  }
  return { stdout, stderr };
}

/** A run folder of `lines` (JSON texts, one a line) and a sheet labelling `keys`. */
function runWith(lines: string[], keys: string[]): { runDir: string; sheet: string } {
  const dir = tempDir('af-labels-bad-');
  const runDir = join(dir, 'run');
  mkdirSync(runDir);
  writeFileSync(join(runDir, 'records.jsonl'), lines.map((l) => `${l}\n`).join(''));
  const sheet = join(dir, 'labels.csv');
  writeFileSync(sheet, stringify(keys.map((key) => ({ key, human_complied: 'yes', human_af: '', human_partial: '' })), { header: true }));
  return { runDir, sheet };
}

const records = syntheticRecords({ requests: 2, judged: false }).slice(0, 4);
const good = records.map((r) => JSON.stringify(r));

test('recordKeys counts the lines whose key cannot be read, with the first one\'s number and why', () => {
  const { runDir } = runWith([good[0], '{"schema":1,"key":"torn', good[1], '{"schema":1}', good[2]], []);
  const unreadable: UnreadableLines = { count: 0 };
  assert.deepEqual([...recordKeys(runDir, unreadable)].map((k) => k.key), [records[0].key, records[1].key, records[2].key]);
  assert.deepEqual(unreadable, { count: 2, first: { line: 2, problem: 'is not valid JSON' } });
});

test('labels import refuses a run with a line whose key cannot be read, naming the line and af-lab repair, and writes nothing', async () => {
  // The sheet labels the sample of the bad line (and another): before, that row was "not in this run".
  const { runDir, sheet } = runWith([good[0], JSON.stringify(records[1]).slice(0, 40), good[2]], [records[0].key, records[1].key]);
  await assert.rejects(labelsImport(runDir, sheet), (err: unknown) => {
    assert.ok(err instanceof UserError);
    assert.equal(err.message, `${join(runDir, 'records.jsonl')} line 2 is not valid JSON`);
    assert.match(err.fix ?? '', /af-lab repair/);
    return true;
  });
  assert.ok(!existsSync(join(runDir, 'human-labels.json')), 'no human label written');
});

test('labels import: every labelled row on a bad line is the bad line\'s error, not "the sheet belongs to another run"; the count of bad lines is given', async () => {
  const { runDir, sheet } = runWith([good[0], '{"schema":1,"key":"x', '{"schema":1,"key":"y'], [records[3].key]);
  await assert.rejects(labelsImport(runDir, sheet), (err: unknown) => {
    assert.ok(err instanceof UserError);
    assert.equal(err.message, `${join(runDir, 'records.jsonl')} line 2 is not valid JSON (and 1 more line whose key cannot be read)`);
    assert.match(err.fix ?? '', /af-lab repair/);
    return true;
  });
  assert.ok(!existsSync(join(runDir, 'human-labels.json')));
});

test('labels import of a good run imports, and its progress counts lines (a sample written twice counts twice)', async () => {
  const lines = Array.from({ length: 10_000 }, (_, i) => good[i % 2]);
  const { runDir, sheet } = runWith([...lines, ...good], records.map((r) => r.key));
  const { stdout, stderr } = await labelsImport(runDir, sheet);
  assert.equal(stdout[0], 'Imported 4 labelled transcripts (4 in the run\'s human labels).');
  assert.equal(JSON.parse(readFileSync(join(runDir, 'human-labels.json'), 'utf8')).length, 4);
  assert.deepEqual(stderr.map((s) => s.trim()).filter(Boolean), [`reading ${runDir}: 10,000 lines...`, `reading ${runDir}: 10,004 lines, done`]);
});
