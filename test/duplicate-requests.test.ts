// Issue 26 item 2: request texts given twice are merged into their first copy before sampling, with
// one line saying so. A sample's key (and its call's cache key) is made from the request's text, so a
// second copy would be the same call and the same answer: merged, the counts agree everywhere
// (run, rejudge, report), and every key of a run without duplicates stays as it was.
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parseExperiment } from '../src/core/config.js';
import { mergeDuplicateRequests, mergedRequestsLine, preparePlan } from '../src/run/plan.js';
import { runCli } from './helpers/cli.js';
import { tempDir } from './helpers/tmp.js';

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('duplicate request texts (issue 26 item 2)', () => {
  it('are merged into their first copy, in order, and counted', () => {
    const r = (id: string, text: string) => ({ id, text, source: 'file' });
    const { requests, merged } = mergeDuplicateRequests([r('1', 'a'), r('2', 'b'), r('3', 'a'), r('4', 'a'), r('5', 'c')]);
    assert.deepEqual(requests.map((x) => x.id), ['1', '2', '5']);
    assert.equal(merged, 2);
    assert.equal(mergedRequestsLine(0), undefined);
    assert.equal(mergedRequestsLine(1), 'requests: 1 duplicate request text merged into its first copy (one condition cell per text; --samples sets how many answers each gets)');
    assert.match(mergedRequestsLine(2)!, /^requests: 2 duplicate request texts merged into their first copy/);
  });

  it('the kept copy has the key it has in a file without the duplicate (earlier runs stay valid)', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const base = { models: ['sim/faker'], variants: ['baseline'], reasoning: ['no-cot' as const], outDir: join(dir, 'r'), cacheDir: join(dir, 'c') };
    writeFileSync(join(dir, 'dup.csv'), 'goal\nfirst request\nsecond request\nfirst request\n');
    writeFileSync(join(dir, 'once.csv'), 'goal\nfirst request\nsecond request\n');
    const keys = async (file: string) => [...(await preparePlan(parseExperiment({ ...base, requests: { source: 'file', path: join(dir, file) } })))].map((s) => s.key);
    const dup = await keys('dup.csv');
    assert.deepEqual(dup, await keys('once.csv'));
    assert.equal(new Set(dup).size, dup.length);
  });

  it('`run`: one line, and the run, rejudge and report count every sample once', () => {
    const dir = tempDir();
    dirs.push(dir);
    writeFileSync(join(dir, 'req.csv'), 'goal\nsame\nsame\n');
    const run = runCli(['run', '--name', 'dup', '--requests-path', join(dir, 'req.csv'), '--models', 'sim/faker', '--variants', 'baseline', '--reasoning', 'no-cot', '--out', join(dir, 'results'), '--cache', join(dir, 'cache'), '--figures-dir', join(dir, 'figures'), '--no-images', '--no-progress']);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /^requests: 1 duplicate request text merged into its first copy/m);
    const runDir = join(dir, 'results', 'dup');
    const records = readFileSync(join(runDir, 'records.jsonl'), 'utf8').trim().split('\n');
    assert.equal(records.length, 2, 'one sample per tier');
    assert.match(run.stdout, /^2 samples \(/m);
    const rejudge = runCli(['rejudge', runDir, '--kinds', 'judge']);
    assert.equal(rejudge.status, 0, rejudge.stderr);
    const report = runCli(['report', runDir, '--out', join(dir, 'report.html')]);
    assert.match(report.stdout, /^report: 2 transcripts in /);
  });
});
