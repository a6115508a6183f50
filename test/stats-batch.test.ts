// `af-lab stats fisher --tables`: many tables in one process (CSV/TSV/JSONL in, CSV/JSON/JSONL out),
// each row's numbers equal to the single-table calculator's, and a bad row writes nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { fisherExact, proportion, complianceGap } from '../src/stats/index.js';
import { ROOT } from './helpers/cli.js';
import { tempDir } from './helpers/tmp.js';

function stats(...args: string[]) {
  return spawnSync(process.execPath, ['dist/cli.js', 'stats', 'fisher', ...args], { cwd: ROOT, encoding: 'utf8' });
}

test('--tables reads a CSV of k/n counts and prints one CSV row per table, other columns kept', () => {
  const dir = tempDir();
  const file = join(dir, 'tables.csv');
  writeFileSync(file, 'condition,free,paid\nbaseline,15/98,4/95\nzero,0/10,0/10\n');
  const result = stats('--tables', file);
  assert.equal(result.status, 0, result.stderr);
  const rows = parse(result.stdout, { columns: true }) as Array<Record<string, string>>;
  assert.equal(rows.length, 2);
  const fisher = fisherExact([[15, 83], [4, 91]]);
  assert.equal(rows[0].condition, 'baseline');
  assert.equal(Number(rows[0].p_two_sided), fisher.pTwoSided);
  assert.equal(Number(rows[0].or_mle), fisher.conditionalOddsRatio);
  assert.equal(Number(rows[0].free_wilson_lo), proportion(15, 98).wilson[0]);
  assert.equal(Number(rows[0].gap_hi), complianceGap({ k: 15, n: 98 }, { k: 4, n: 95 }).newcombe[1]);
  assert.equal(rows[0].significant, 'true');
  // A zero margin: p = 1, MLE undefined (empty), upper limit infinite.
  assert.equal(rows[1].p_two_sided, '1');
  assert.equal(rows[1].or_mle, '');
  assert.equal(rows[1].or_hi, 'Infinity');
});

test('--tables reads JSONL with four count fields and writes JSON or JSONL by --out extension', () => {
  const dir = tempDir();
  const file = join(dir, 'tables.jsonl');
  writeFileSync(file, '{"id":1,"free_complied":15,"free_n":98,"paid_complied":"4","paid_n":95}\n{"id":2,"free_complied":51,"free_n":100,"paid_complied":17,"paid_n":99}\n');
  const json = join(dir, 'out.json');
  const result = stats('--tables', file, '--out', json, '--alpha', '0.01');
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stdout, /2 tables: results in/);
  const rows = JSON.parse(readFileSync(json, 'utf8')) as Array<Record<string, unknown>>;
  assert.deepEqual(rows.map((r) => r.id), [1, 2]);
  assert.equal(rows[1].p_two_sided, fisherExact([[51, 49], [17, 82]]).pTwoSided);
  assert.equal(rows[1].or_lo, fisherExact([[51, 49], [17, 82]], { confLevel: 0.99 }).conditionalOddsRatioCi[0]);
  assert.equal(rows[0].alpha, 0.01);
  const jsonl = join(dir, 'out.jsonl');
  assert.equal(stats('--tables', file, '--out', jsonl).status, 0);
  const lines = readFileSync(jsonl, 'utf8').trim().split('\n');
  assert.equal(lines.length, 2);
  assert.equal(JSON.parse(lines[0]).paid_complied, 4);
});

test('a bad row is one error naming the row, exit 2, and nothing is written', () => {
  const dir = tempDir();
  const file = join(dir, 'tables.csv');
  const out = join(dir, 'out.csv');
  writeFileSync(file, 'free,paid\n15/98,4/95\n16/10,1/2\n');
  const result = stats('--tables', file, '--out', out);
  assert.equal(result.status, 2);
  assert.match(result.stderr.trim(), /^error: .*tables\.csv row 2: free tier: complied count 16 is larger than the sample count 10\. Fix: /);
  assert.equal(existsSync(out), false);
  writeFileSync(file, 'name,count\na,3\n');
  assert.match(stats('--tables', file).stderr, /row 1 has no usable counts/);
  assert.match(stats('--tables', file, '15/98').stderr, /both counts and --tables/);
  assert.match(stats('--tables', file, '--out', join(dir, 'x.txt')).stderr, /unsupported extension/);
  assert.match(stats('--tables', join(dir, 'missing.csv')).stderr, /table file not found/);
});
