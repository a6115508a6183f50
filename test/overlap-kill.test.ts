// Judging overlaps sampling (issue 25, part 2): a record is judged as soon as it is written, while the
// run still samples; a run killed (SIGKILL) in the middle of both loses nothing, and the re-run's
// summary is the summary of a run never interrupted. Waits on the files, not on time: the model is the
// simulator with a latency per call, so sampling outlasts the first judgements however busy the machine.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { tempDir } from './helpers/tmp.js';

const CLI = resolve('src/cli.ts');
const PLANNED = 2 * 2 * 20 * 3; // reasoning x tiers x requests x samples

const args = (dir: string) => ['--import', 'tsx', CLI, 'run', '-m', 'sim/faker?seed=2&latency=25', '--variants', 'baseline', '--reasoning', 'cot,no-cot', '--limit', '20', '--samples', '3', '--judge', 'sim/judge', '--concurrency', '2', '--name', 'overlap', '--out', join(dir, 'results'), '--cache', join(dir, 'cache'), '--figures-dir', join(dir, 'figures'), '--no-progress', '--no-images'];

const lines = (file: string) => {
  try {
    return readFileSync(file, 'utf8').split('\n').filter(Boolean).length;
  } catch {
    return 0;
  }
};

/** The summary rows of a finished run, as its outputs stamp holds them (the setting line aside). */
function summaryOf(dir: string): unknown {
  const stamp = JSON.parse(readFileSync(join(dir, 'results', 'overlap', '.outputs.json'), 'utf8')) as { summary: Record<string, unknown> };
  const { settingLine: _line, ...summary } = stamp.summary;
  return summary;
}

describe('judging overlaps sampling', () => {
  const whole = tempDir();
  const killed = tempDir();
  after(() => {
    rmSync(whole, { recursive: true, force: true });
    rmSync(killed, { recursive: true, force: true });
  });

  it('judges records while the run still samples; killed then resumed, it gives the uninterrupted summary', async () => {
    const child = spawn(process.execPath, args(killed), { stdio: 'ignore' });
    const exited = new Promise<void>((done) => child.on('exit', () => done()));
    const records = join(killed, 'results', 'overlap', 'records.jsonl');
    const judgements = join(killed, 'results', 'overlap', 'judgements.jsonl');
    // Wait until some records are judged while most are still to be sampled.
    let seen: { records: number; judgements: number } | undefined;
    for (let alive = true; alive; ) {
      const now = { records: lines(records), judgements: lines(judgements) };
      if (now.judgements > 0 && now.records >= 10) {
        seen = now;
        break;
      }
      alive = child.exitCode === null;
      await sleep(20);
    }
    child.kill('SIGKILL');
    await exited;
    assert.ok(seen, 'the run judged records before it finished sampling');
    assert.ok(lines(records) < PLANNED, `killed in the middle of sampling (${lines(records)} of ${PLANNED} records)`);
    assert.ok(statSync(judgements).size > 0);

    const resumed = spawnSync(process.execPath, args(killed), { encoding: 'utf8' });
    assert.equal(resumed.status, 0, resumed.stderr);
    const uninterrupted = spawnSync(process.execPath, args(whole), { encoding: 'utf8' });
    assert.equal(uninterrupted.status, 0, uninterrupted.stderr);
    assert.equal(lines(join(whole, 'results', 'overlap', 'records.jsonl')), PLANNED);
    assert.deepEqual(summaryOf(killed), summaryOf(whole));
  });
});
