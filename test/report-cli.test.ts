// `af-lab figures <runDir>` and `af-lab report <runDir>` on a run folder, as a user runs them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { syntheticRecords } from './plots-records.js';
import { tempDir } from './helpers/tmp.js';

function cli(...args: string[]) {
  return spawnSync(process.execPath, ['dist/cli.js', ...args], { encoding: 'utf8' });
}

/** A run folder as the runner leaves it before judging: records with offline labels only. */
function runDir(): string {
  const dir = join(tempDir('af-cli-'), 'run');
  mkdirSync(dir);
  writeFileSync(join(dir, 'records.jsonl'), syntheticRecords({ requests: 4, judged: false }).map((r) => JSON.stringify(r)).join('\n') + '\n');
  return dir;
}

test('af-lab figures writes the HTML figures into the folder asked for, and report writes <runDir>/report.html', () => {
  const dir = runDir();
  const figures = cli('figures', dir, '--no-images', '--out', join(dir, 'figures'));
  assert.equal(figures.status, 0, figures.stderr);
  // Not judged yet: no AF histogram.
  assert.match(figures.stdout, /5 figures \(HTML\)/);
  assert.deepEqual(readdirSync(join(dir, 'figures')).sort(), ['.figures.json', '.inputs.sha256', 'classifier-agreement.html', 'compliance-gap.html', 'mitigation.html', 'outcomes.html', 'plotly.min.js', 'power.html']);
  const report = cli('report', dir);
  assert.equal(report.status, 0, report.stderr);
  assert.match(report.stdout, /64 transcripts/);
  assert.ok(readFileSync(join(dir, 'report.html'), 'utf8').includes('id="af-data"'));
});

test('af-lab figures refuses a --scale that is not a positive number, before drawing anything', () => {
  const dir = runDir();
  for (const scale of ['x', '0', '-1']) {
    const result = cli('figures', dir, '--scale', scale, '--out', join(dir, 'figures'));
    assert.equal(result.status, 2, result.stderr);
    assert.match(result.stderr.trim(), /^error: --scale .* is not a positive number/);
  }
  assert.ok(!existsSync(join(dir, 'figures')));
});

test('a missing run folder is one line of error and exit code 2', () => {
  const missing = join(tmpdir(), 'af-lab-no-such-run');
  for (const command of ['figures', 'report']) {
    const result = cli(command, missing);
    assert.equal(result.status, 2);
    assert.match(result.stderr.trim(), /^error: run folder not found: .*Fix: /);
    assert.equal(result.stderr.trim().split('\n').length, 1);
    assert.ok(!existsSync(join(missing, 'report.html')));
  }
});
