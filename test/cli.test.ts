import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runCli } from './helpers/cli.js';
import { tempDir } from './helpers/tmp.js';

/** Run `af-lab run` with a fresh output folder; return the result and whether anything was written. */
function runInto(args: string[]) {
  const dir = tempDir();
  const out = join(dir, 'results');
  const result = runCli(['run', '--out', out, '--figures-dir', join(dir, 'figures'), '--cache', join(dir, 'cache'), '--no-progress', ...args]);
  return { ...result, wrote: existsSync(out), out, dir };
}

/** One clear line naming the problem and the fix, exit code 2, nothing written. */
function assertRejected(result: ReturnType<typeof runInto>, problem: RegExp) {
  assert.equal(result.status, 2, result.stderr);
  const lines = result.stderr.trim().split('\n');
  assert.equal(lines.length, 1, result.stderr);
  assert.match(lines[0], /^error: .+\. Fix: .+\.$/);
  assert.match(lines[0], problem);
  assert.equal(result.wrote, false, 'nothing may be written for bad input');
}

describe('af-lab run: bad input', () => {
  it('rejects an unknown provider', () => {
    assertRejected(runInto(['--models', 'nosuch/model']), /unknown provider "nosuch".*use one of: .*sim/);
  });

  it('rejects an unknown judge before sampling anything', () => {
    assertRejected(runInto(['--judge', 'nosuch/judge', '--models', 'sim/faker']), /unknown provider "nosuch" in model spec "nosuch\/judge"/);
  });

  it('rejects an unknown simulator persona', () => {
    assertRejected(runInto(['--models', 'sim/liar']), /unknown simulator persona "liar".*sim\/faker/);
  });

  it('rejects a malformed dataset', () => {
    const path = join(tempDir(), 'requests.jsonl');
    writeFileSync(path, '{"goal": "a"}\n{broken\n');
    assertRejected(runInto(['--requests-path', path]), /line 2 is not a JSON object/);
  });

  it('rejects a missing prompt file', () => {
    assertRejected(runInto(['--variants', '/no/such/variant.txt']), /prompt variant file not found/);
  });

  it('rejects an invalid config file, naming the field', () => {
    const path = join(tempDir(), 'config.json');
    writeFileSync(path, JSON.stringify({ models: ['sim/faker'], samples: 0, temprature: 1 }));
    assertRejected(runInto(['--config', path]), /samples: .*temprature|temprature.*samples/);
  });

  it('rejects a count that is not a whole number', () => {
    assertRejected(runInto(['--limit', '10x']), /"10x" is not a whole number/);
  });

  it('rejects a config file that is not JSON', () => {
    const path = join(tempDir(), 'config.json');
    writeFileSync(path, '{ models: [sim/faker] }');
    assertRejected(runInto(['--config', path]), /not valid JSON/);
  });
});

describe('af-lab run', () => {
  it('runs an experiment from flags and writes records and summary', () => {
    const result = runInto(['--name', 'small', '--models', 'sim/faker,sim/no-gap', '--variants', 'baseline', '--limit', '5', '--reasoning', 'no-cot']);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /SIMULATED/);
    const runDir = join(result.out, 'small');
    const records = readFileSync(join(runDir, 'records.jsonl'), 'utf8').trim().split('\n');
    assert.equal(records.length, 2 * 1 * 1 * 2 * 5);
    assert.ok(existsSync(join(runDir, 'summary.csv')));
  });

  it('with --no-images writes the figures as HTML only, and a re-run redraws nothing', () => {
    const args = ['--name', 'html-only', '--models', 'sim/faker', '--variants', 'baseline', '--limit', '3', '--reasoning', 'no-cot', '--no-images'];
    const result = runInto(args);
    assert.equal(result.status, 0, result.stderr);
    const figures = join(result.dir, 'figures', 'html-only');
    const files = readdirSync(figures);
    assert.ok(files.includes('outcomes.html'));
    assert.deepEqual(files.filter((f) => f.endsWith('.png') || f.endsWith('.svg')), []);
    assert.match(result.stdout, /Figures: .*\(HTML only\)/);
    const again = runCli(['run', '--out', result.out, '--figures-dir', join(result.dir, 'figures'), '--cache', join(result.dir, 'cache'), '--no-progress', ...args]);
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stdout, /Figures: .*\(HTML only, unchanged\)/);
  });

  it('lists its options with --help', () => {
    const result = runCli(['run', '--help']);
    assert.equal(result.status, 0);
    for (const flag of ['--config', '--models', '--variants', '--reasoning', '--requests', '--limit', '--samples', '--temperature', '--concurrency', '--out']) {
      assert.ok(result.stdout.includes(flag), flag);
    }
  });
});
