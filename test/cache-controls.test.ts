// The cache controls (docs/cache.md): `--no-cache` on run and rejudge sends every call and writes
// nothing to the cache; `af-lab cache stats` counts what the cache holds; `af-lab cache clear` removes
// all of it or what is older than a duration. (Run `npm run build` first: the CLI tests use dist/.)
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseExperiment } from '../src/core/config.js';
import { ResponseCache } from '../src/core/cache.js';
import { closeResponseStores, LmdbResponseStore } from '../src/core/lmdbCache.js';
import { parseDuration } from '../src/core/cacheAdmin.js';
import { resetTransports } from '../src/models/transport/transport.js';
import { runSamples } from '../src/run/runner.js';
import type { LoopbackServer } from './servers/loopback.js';
import { startOpenAIServer } from './servers/openai.js';
import { runCli, runCliAsync } from './helpers/cli.js';
import { tempDir } from './helpers/tmp.js';

const answer = (text: string) => ({ text, usage: { inputTokens: 1, outputTokens: 1 }, finishReason: 'stop' as const, prefillApplied: false });

describe('--no-cache', () => {
  let server: LoopbackServer;
  before(async () => {
    process.env.OPENAI_API_KEY = 'sk-no-cache-0123456789abcdef';
    server = await startOpenAIServer({ reply: () => '<OUTPUT><rejected/></OUTPUT>' });
  });
  after(async () => {
    await server.close();
    resetTransports();
    await closeResponseStores();
  });
  const model = () => `openai/gpt-4o-mini?base_url=${encodeURIComponent(`${server.url}/v1`)}&max_retries=0`;

  it('a run without the cache sends every call again and writes no answer to the cache', async () => {
    const dir = tempDir();
    const config = parseExperiment({ name: 'nc', models: [model()], variants: ['baseline'], reasoning: ['no-cot'], tiers: ['free'], requests: { source: 'builtin', limit: 3 }, samples: 1, outDir: join(dir, 'results'), cacheDir: join(dir, 'cache') });
    const sent = server.log.length;
    const first = await runSamples(config, { noCache: true });
    assert.equal(first.progress.calls, 3);
    // The records are kept: a second pass over the same run skips them; a new run name asks all again.
    await runSamples({ ...config, name: 'nc2' }, { noCache: true });
    assert.equal(server.log.length - sent, 6, 'the second run was not answered from a cache');
    assert.equal(existsSync(join(dir, 'cache', 'responses.lmdb')) ? new LmdbResponseStore(join(dir, 'cache')).count() : 0, 0);
    // With the cache, the same run name pays once and a new name is answered from the cache.
    await runSamples({ ...config, name: 'c1' });
    await runSamples({ ...config, name: 'c2' });
    assert.equal(server.log.length - sent, 9);
  });

  it('af-lab run --no-cache and af-lab rejudge --no-cache send their calls again', async () => {
    const dir = tempDir();
    const common = ['--models', model(), '--variants', 'baseline', '--reasoning', 'no-cot', '--limit', '2', '--samples', '1', '--out', join(dir, 'results'), '--cache', join(dir, 'cache'), '--figures-dir', join(dir, 'figures'), '--no-images', '--no-progress'];
    const sent = server.log.length;
    const run = await runCliAsync(['run', '--name', 'a', ...common, '--no-cache'], { OPENAI_API_KEY: 'sk-no-cache-0123456789abcdef' });
    assert.equal(run.status, 0, run.stderr);
    const afterRun = server.log.length - sent;
    assert.ok(afterRun >= 2, `the run's samples were sent (${afterRun})`);
    const again = await runCliAsync(['run', '--name', 'b', ...common, '--no-cache'], { OPENAI_API_KEY: 'sk-no-cache-0123456789abcdef' });
    assert.equal(again.status, 0, again.stderr);
    assert.equal(server.log.length - sent, 2 * afterRun, 'a second run name pays again');
    const rejudge = (args: string[]) => runCliAsync(['rejudge', join(dir, 'results', 'a'), '--judge', model(), '--kinds', 'judge', '--attempts', '1', ...args], { OPENAI_API_KEY: 'sk-no-cache-0123456789abcdef' });
    // A rejudge of unsettled records: the judgements file removed, the judge asked again, from the
    // cache by default, and sent again with --no-cache.
    const judgements = join(dir, 'results', 'a', 'judgements.jsonl');
    const before = server.log.length;
    const first = await rejudge([]);
    assert.equal(first.status, 0, first.stderr);
    const judged = server.log.length - before;
    assert.ok(judged >= 1, `the judge was asked: ${first.stdout}`);
    rmSync(judgements);
    assert.equal((await rejudge([])).status, 0);
    assert.equal(server.log.length - before, judged, 'answered from the cache');
    rmSync(judgements);
    const fresh = await rejudge(['--no-cache']);
    assert.equal(fresh.status, 0, fresh.stderr);
    // Every record's judgement asked again; with the cache, the tiers' identical answers (the compliance
    // judge reads the request and the answer only) were asked once and served to each other.
    const records = readFileSync(join(dir, 'results', 'a', 'records.jsonl'), 'utf8').trim().split('\n').length;
    assert.ok(records > judged, `${records} records, ${judged} distinct judge calls`);
    assert.equal(server.log.length - before - judged, records, 'asked again for every record, none read from the cache');
  });
});

describe('af-lab cache stats and clear', () => {
  async function filled(): Promise<string> {
    const dir = tempDir();
    const store = new LmdbResponseStore(dir);
    const now = Date.now();
    const at = (daysAgo: number) => new Date(now - daysAgo * 86400e3).toISOString();
    await store.put('a'.repeat(64), { spec: 'openai/m', purpose: 'sample', createdAt: at(40), response: answer('old sample') });
    await store.put('b'.repeat(64), { spec: 'openai/m', purpose: 'sample', createdAt: at(1), response: answer('new sample') });
    await store.put('c'.repeat(64), { spec: 'openai/j', purpose: 'af-vote', createdAt: at(10), response: { ...answer(''), votes: [0, 1, 2].map((index) => ({ index, text: `v${index}`, finishReason: 'stop' })) } });
    await store.flushed();
    await closeResponseStores();
    return dir;
  }

  it('stats counts the entries by purpose, votes requests apart', async () => {
    const dir = await filled();
    const result = runCli(['cache', 'stats', '--cache', dir]);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, new RegExp(`^${dir}: 3 entries, [0-9.]+ MB on disk, written \\S+ to \\S+`));
    assert.match(result.stdout, /\n {2}af-vote: 1 entries \(1 requests holding 3 votes\)\n {2}sample: 2 entries\n$/);
  });

  it('clear --older-than removes only the entries written before then; clear removes the rest', async () => {
    const dir = await filled();
    const some = runCli(['cache', 'clear', '--cache', dir, '--older-than', '7d']);
    assert.equal(some.status, 0, some.stderr);
    assert.match(some.stdout, /: 2 entries removed, 1 kept \(written in the last 7d\)/);
    const cache = new ResponseCache(dir);
    assert.equal(cache.get('b'.repeat(64))?.text, 'new sample');
    assert.equal(cache.get('a'.repeat(64)), undefined);
    await closeResponseStores();
    const all = runCli(['cache', 'clear', '--cache', dir]);
    assert.match(all.stdout, /: 1 entries removed, 0 kept/);
    await closeResponseStores();
    assert.equal(new LmdbResponseStore(dir).count(), 0);
    await closeResponseStores();
  });

  it('a bad duration or a folder with no cache is one line naming the fix, exit 2', () => {
    const bad = runCli(['cache', 'clear', '--cache', tempDir(), '--older-than', 'soon']);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /duration "soon" is not a number with a unit/);
    assert.match(bad.stderr, /90m, 12h, 30d or 2w/);
    const none = runCli(['cache', 'stats', '--cache', tempDir()]);
    assert.equal(none.status, 2);
    assert.match(none.stderr, /no response cache in /);
    assert.deepEqual([parseDuration('90m'), parseDuration('1.5h'), parseDuration('2w')], [90 * 60e3, 1.5 * 3600e3, 14 * 86400e3]);
    // `6M` is not six minutes (months were meant?), and a duration past the dates is refused, not a RangeError.
    assert.throws(() => parseDuration('6M'), /not a number with a unit/);
    assert.throws(() => parseDuration('99999999999w'), /longer than dates reach/);
  });

  it('--batch with --no-cache is refused in one line before anything is sent (the batches are read back through the cache)', () => {
    const both = runCli(['run', '--models', 'openai/gpt-4o-mini', '--batch', '--no-cache', '--out', tempDir()]);
    assert.equal(both.status, 2);
    assert.match(both.stderr, /--batch reads the batches' answers back through the response cache, and --no-cache turns it off/);
  });
});
