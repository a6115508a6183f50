// One way through a run (issue 25, part 0): openRun(dir) yields the run's current records one at a
// time, each labelled as labelRecords labels the whole run; loadRun is those records gathered. The
// up-to-date stamps key on the code that labels: a changed labelling rule re-applies to an old run.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseExperiment } from '../src/core/config.js';
import { outputCodeHash } from '../src/core/codeHash.js';
import { currentRecords, readRecords } from '../src/core/runStore.js';
import { labelRecords } from '../src/label/index.js';
import { JudgementIndex } from '../src/label/judgementIndex.js';
import { loadRun } from '../src/pipeline/loadRun.js';
import { openRun } from '../src/pipeline/openRun.js';
import { runExperiment } from '../src/pipeline/experiment.js';
import { buildSummary } from '../src/summary/index.js';
import { UserError } from '../src/core/errors.js';
import { tempDir } from './helpers/tmp.js';

const byKey = <T extends { key: string }>(xs: T[]) => [...xs].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));

describe('openRun', () => {
  const dir = tempDir();
  let runDir: string;
  before(async () => {
    const config = parseExperiment({
      name: 'open', models: ['sim/faker?seed=5'], variants: ['baseline'], reasoning: ['cot', 'no-cot'], requests: { source: 'builtin', limit: 5 },
      samples: 2, afVotes: 3, judge: 'sim/judge', concurrency: 2, outDir: join(dir, 'results'), cacheDir: join(dir, 'cache'), figuresDir: join(dir, 'figures'),
    });
    runDir = (await runExperiment(config, { figures: false, report: false, keepRecords: false })).runDir;
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('yields every current record labelled as labelRecords labels the whole run, and the summary buildSummary makes', () => {
    const run = openRun(runDir);
    const streamed = [...run.records()];
    assert.equal(streamed.length, 40);
    assert.deepEqual(byKey(streamed), byKey(labelRecords(readRecords(runDir), runDir)));
    assert.deepEqual(run.summary(), buildSummary(streamed));
    assert.deepEqual(loadRun(runDir).records, streamed, 'loadRun is openRun gathered');
    assert.deepEqual([...run.records()], streamed, 'each call reads the files again');
    assert.ok(streamed.some((r) => r.labels.af) && streamed.some((r) => r.labels.compliance), 'judge labels are attached');
  });

  it('gives the latest line of a sample written twice, at the place of that line', () => {
    const lines = readFileSync(join(runDir, 'records.jsonl'), 'utf8').trimEnd().split('\n');
    const first = JSON.parse(lines[0]) as { key: string; finishedAt: string; finalOutput: string | null };
    const copy = join(dir, 'copy');
    cpSync(runDir, copy, { recursive: true });
    // The sample sampled again (later than its judgements: it keeps no judge label).
    appendFileSync(join(copy, 'records.jsonl'), `${JSON.stringify({ ...first, finishedAt: '2999-01-01T00:00:00.000Z' })}\n`);
    const streamed = [...currentRecords(copy)];
    assert.equal(streamed.length, 40);
    assert.equal(streamed.at(-1)!.key, first.key);
    assert.equal(streamed.at(-1)!.finishedAt, '2999-01-01T00:00:00.000Z');
    assert.equal(streamed.filter((r) => r.key === first.key).length, 1);
    const labelled = [...openRun(copy).records()].at(-1)!;
    assert.equal(labelled.labels.compliance, undefined, 'a judgement made before its record finished does not label it');
    rmSync(copy, { recursive: true, force: true });
  });

  it('refuses a judge that judged nothing here, and a folder without records, in one line each', () => {
    assert.throws(() => openRun(runDir, { judge: 'openai/gpt-4o' }), (err: unknown) => err instanceof UserError && /no judgements by "openai\/gpt-4o"/.test(err.message));
    assert.throws(() => openRun(join(dir, 'nothing')), (err: unknown) => err instanceof UserError && /run folder not found/.test(err.message));
  });

  it('indexes judgements.jsonl by key with offsets: a failed call never hides a completed judgement', () => {
    const copy = join(dir, 'index');
    cpSync(runDir, copy, { recursive: true });
    const before = JudgementIndex.read(copy);
    const key = [...currentRecords(copy)][0].key;
    const chosen = before.labelling(key).compliance!;
    before.close();
    appendFileSync(join(copy, 'judgements.jsonl'), `${JSON.stringify({ ...chosen, label: { complied: null }, callError: 'rate_limit', judgedAt: '2999-01-01T00:00:00.000Z' })}\n`);
    const index = JudgementIndex.read(copy);
    assert.deepEqual(index.labelling(key).compliance, chosen);
    index.close();
    rmSync(copy, { recursive: true, force: true });
  });
});

describe('the up-to-date stamps key on the code that labels, summarises and draws', () => {
  it('hashes the modules of the output folders: any change to one changes the hash', () => {
    const root = mkdtempSync(join(resolve('.'), '.af-lab-code-'));
    try {
      writeFileSync(join(root, 'ignored.ts'), 'x');
      cpSync(resolve('src/classify'), join(root, 'classify'), { recursive: true });
      const original = outputCodeHash(root);
      assert.equal(outputCodeHash(root), original);
      writeFileSync(join(root, 'ignored.ts'), 'y');
      assert.equal(outputCodeHash(root), original, 'files outside the output folders do not count');
      appendFileSync(join(root, 'classify', 'proxy.ts'), '\n// changed\n');
      assert.notEqual(outputCodeHash(root), original);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('a re-run after a labelling rule changed prints the new summary, not the stamp of the old one', () => {
    // A fixture build: af-lab's sources copied beside the repository (so its node_modules resolve),
    // with the prefix proxy changed to call every answer compliant.
    const build = mkdtempSync(join(resolve('.'), '.af-lab-rule-'));
    const work = tempDir();
    try {
      cpSync(resolve('src'), join(build, 'src'), { recursive: true });
      cpSync(resolve('package.json'), join(build, 'package.json'));
      symlinkSync(resolve('data'), join(build, 'data'));
      const proxy = join(build, 'src', 'classify', 'proxy.ts');
      writeFileSync(proxy, readFileSync(proxy, 'utf8').replace("return transcript.finalOutput.trimStart().startsWith(ACCEPT_TAG);", 'return true;'));
      const run = (cli: string) => {
        const args = ['--import', 'tsx', cli, 'run', '-m', 'sim/faker?seed=1', '--variants', 'baseline', '--reasoning', 'no-cot', '--limit', '6', '--samples', '1', '--judge', 'sim/judge', '--name', 'rule', '--out', join(work, 'results'), '--cache', join(work, 'cache'), '--figures-dir', join(work, 'figures'), '--no-progress', '--no-images'];
        const out = spawnSync(process.execPath, args, { encoding: 'utf8' });
        assert.equal(out.status, 0, out.stderr);
        return JSON.parse(readFileSync(join(work, 'results', 'rule', '.outputs.json'), 'utf8')) as { summary: { rows: Array<{ label: string; free: { complied: number }; paid: { complied: number } }> } };
      };
      const proxyComplied = (stamp: ReturnType<typeof run>) => stamp.summary.rows.filter((r) => r.label === 'proxy').reduce((n, r) => n + r.free.complied + r.paid.complied, 0);
      const before = proxyComplied(run(resolve('src/cli.ts')));
      assert.ok(before < 12, `some answers refuse under the real rule (${before} of 12 complied)`);
      // Same records, same judgements, same options: only the labelling code differs.
      assert.equal(proxyComplied(run(join(build, 'src', 'cli.ts'))), 12);
      assert.equal(proxyComplied(run(resolve('src/cli.ts'))), before, 'and back');
    } finally {
      rmSync(build, { recursive: true, force: true });
      rmSync(work, { recursive: true, force: true });
    }
  });
});
