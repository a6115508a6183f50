// A corrupt run folder or cache is one clear line, never a stack trace: a garbage line, a record or
// judgement of the wrong shape, a cut-short run.json. `af-lab repair` moves bad lines aside, and a
// bad cache entry is dropped and asked again.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseExperiment } from '../src/core/config.js';
import { UserError } from '../src/core/errors.js';
import { readCalls, readManifest, readRecords } from '../src/core/runStore.js';
import { LmdbResponseStore } from '../src/core/lmdbCache.js';
import { ResponseCache } from '../src/core/cache.js';
import { labelRecords } from '../src/label/index.js';
import { repairRun } from '../src/pipeline/repairRun.js';
import { runExperiment } from '../src/pipeline/experiment.js';
import { runSamples } from '../src/run/runner.js';
import { resolveModel } from '../src/models/index.js';
import { runCli } from './helpers/cli.js';
import { tempDir } from './helpers/tmp.js';

function config() {
  const dir = tempDir();
  return parseExperiment({ name: 'corrupt', models: ['sim/faker?seed=2'], variants: ['baseline'], reasoning: ['no-cot'], requests: { source: 'builtin', limit: 3 }, samples: 1, outDir: join(dir, 'results'), cacheDir: join(dir, 'cache') });
}

function insertLine(path: string, at: number, line: string): void {
  const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
  lines.splice(at, 0, line);
  writeFileSync(path, `${lines.join('\n')}\n`);
}

const userError = (pattern: RegExp) => (err: unknown) => {
  assert.ok(err instanceof UserError, String(err));
  assert.match(err.describe(), pattern);
  return true;
};

describe('corrupt run files', () => {
  it('`af-lab report` on a garbage line in records.jsonl: one line naming the file, line and fix, exit 2', async () => {
    const { runDir } = await runSamples(config());
    insertLine(join(runDir, 'records.jsonl'), 2, '{"garbage');
    const result = runCli(['report', runDir]);
    assert.equal(result.status, 2);
    assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
    assert.match(result.stderr, /^error: .*records\.jsonl line 3 is not valid JSON\. Fix: run "af-lab repair .*corrupt"/);
  });

  it('a resumed run stops on a record of the wrong shape before rewriting run.json', async () => {
    const cfg = config();
    const { runDir } = await runSamples(cfg);
    const record = JSON.parse(readFileSync(join(runDir, 'records.jsonl'), 'utf8').split('\n')[0]);
    insertLine(join(runDir, 'records.jsonl'), 1, JSON.stringify({ ...record, status: 'weird' }));
    const manifest = readFileSync(join(runDir, 'run.json'), 'utf8');
    const mtime = statSync(join(runDir, 'run.json')).mtimeMs;
    await assert.rejects(runSamples(cfg), userError(/records\.jsonl line 2 is not a valid sample record \(status: .*\)\. Fix: run "af-lab repair/));
    assert.equal(readFileSync(join(runDir, 'run.json'), 'utf8'), manifest);
    assert.equal(statSync(join(runDir, 'run.json')).mtimeMs, mtime);
  });

  it('a cut-short run.json is one line, and the run does not rewrite it', async () => {
    const cfg = config();
    const { runDir } = await runSamples(cfg);
    const cut = readFileSync(join(runDir, 'run.json'), 'utf8').slice(0, 40);
    writeFileSync(join(runDir, 'run.json'), cut);
    assert.throws(() => readManifest(runDir), userError(/run\.json is not valid JSON \(cut short\?\)\. Fix: run "af-lab repair/));
    await assert.rejects(runSamples(cfg), UserError);
    assert.equal(readFileSync(join(runDir, 'run.json'), 'utf8'), cut);
  });

  it('a judgement of the wrong shape names judgements.jsonl and its line', async () => {
    const { runDir, records } = await runSamples(config());
    writeFileSync(join(runDir, 'judgements.jsonl'), `${JSON.stringify({ schema: 1, key: records[0].key, kind: 'not a scorer name', judge: 'sim/judge', promptHash: 'h', label: {}, judgedAt: 'x' })}\n`);
    assert.throws(() => labelRecords(records, runDir), userError(/judgements\.jsonl line 1 is not a valid judgement \(kind: /));
  });

  it('a resumed experiment stops on a corrupt judgements.jsonl before sampling anything', async () => {
    const cfg = config();
    const { runDir } = await runSamples(cfg);
    writeFileSync(join(runDir, 'judgements.jsonl'), 'garbage\n');
    const more = { ...cfg, requests: { ...cfg.requests, limit: 4 } };
    await assert.rejects(runExperiment(more, { figures: false, report: false }), userError(/judgements\.jsonl line 1 is not valid JSON/));
    assert.equal(readRecords(runDir).length, 6, 'no new sample taken');
  });

  it('`af-lab repair` moves the bad lines aside; the next run samples those samples again', async () => {
    const cfg = config();
    const { runDir } = await runSamples(cfg);
    const path = join(runDir, 'records.jsonl');
    const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
    // Line 2 broken in place, and a garbage line added.
    lines[1] = lines[1].slice(0, 30);
    writeFileSync(path, `${lines.join('\n')}\nnot json\n`);
    writeFileSync(join(runDir, 'run.json'), '{');
    const repaired = repairRun(runDir);
    const records = repaired.find((r) => r.file.endsWith('records.jsonl'))!;
    assert.deepEqual([records.kept, records.moved], [5, 2]);
    assert.equal(readFileSync(`${path}.bad`, 'utf8').trimEnd().split('\n').length, 2);
    assert.ok(readdirSync(runDir).includes('run.json.bad'));
    assert.equal(readRecords(runDir).length, 5);
    const again = await runSamples(cfg);
    assert.equal(again.progress.resumed, 5, 'one sample sampled again (its answer from the cache)');
    assert.equal(readRecords(runDir).length, 6);
    assert.equal(readManifest(runDir).name, 'corrupt');
  });
});

describe('corrupt cache entries', () => {
  it('an entry of the wrong shape is dropped and asked again', async () => {
    const cfg = config();
    // The simulator stands in for a paid model: the cache keeps only answers that were paid for.
    const models = new Map([[cfg.models[0], { ...(await resolveModel(cfg.models[0])), simulated: false }]]);
    const first = await runSamples(cfg, { models });
    // A lost records file: the re-run reads every answer from the cache, one entry of which is bad.
    writeFileSync(join(first.runDir, 'records.jsonl'), '');
    const key = readCalls(first.runDir)[0].cacheKey!;
    const store = new LmdbResponseStore(cfg.cacheDir);
    store.put(key, { spec: 'sim/faker', purpose: 'sample', createdAt: 'x', response: { text: 5 } as never });
    await store.flushed();
    const second = await runSamples(cfg, { models });
    assert.equal(second.progress.calls, 1);
    assert.ok(second.records.every((r) => r.status !== 'error'));
    await new ResponseCache(cfg.cacheDir).flushed();
    assert.equal(typeof (store.get(key)?.response as { text?: unknown } | undefined)?.text, 'string', 'the entry is rewritten');
  });
});
