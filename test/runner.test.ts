import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseExperiment, type ExperimentInput } from '../src/core/config.js';
import { ModelCallError, resolveModel } from '../src/models/index.js';
import { readCalls, readRecords } from '../src/core/runStore.js';
import { runSamples } from '../src/run/runner.js';
import type { ChatModel, SampledRecord } from '../src/core/types.js';
import { labelRecords } from '../src/label/index.js';
import { startCli } from './helpers/cli.js';
import { startOpenAIServer } from './servers/openai.js';
import { tempDir } from './helpers/tmp.js';

function config(overrides: ExperimentInput = {}) {
  const dir = tempDir();
  return parseExperiment({
    name: 'test',
    models: ['sim/faker?seed=1'],
    variants: ['baseline'],
    requests: { source: 'builtin', limit: 5 },
    samples: 2,
    outDir: join(dir, 'results'),
    cacheDir: join(dir, 'cache'),
    ...overrides,
  });
}

/** The parts of a record that must not depend on timing or on whether a call came from the cache. */
function comparable(record: SampledRecord) {
  const { finishedAt, latencyMs, turns, ...rest } = record;
  return { ...rest, turns: turns.map(({ latencyMs: _l, cached: _c, ...t }) => t) };
}
const byKey = (records: SampledRecord[]) => Object.fromEntries(records.map((r) => [r.key, comparable(r)]));
/** Records of two runs of the same experiment differ only in the run name. */
const withoutRun = (records: SampledRecord[]) => Object.fromEntries(Object.entries(byKey(records)).map(([k, v]) => [k, { ...v, run: '' }]));

describe('runner', () => {
  it('writes one auditable record per planned sample, with the prompt texts saved by hash', async () => {
    const cfg = config();
    const result = await runSamples(cfg);
    assert.equal(result.records.length, 1 * 1 * 2 * 2 * 5 * 2);
    const records = readRecords(result.runDir);
    assert.equal(records.length, result.records.length);
    const record = records[0];
    assert.equal(record.simulated, true);
    assert.ok(record.truth, 'simulated records carry their ground truth');
    assert.match(record.promptHash, /^[0-9a-f]{64}$/);
    assert.ok(existsSync(join(result.runDir, 'prompts', `${record.systemPromptHash}.txt`)));
    assert.ok(record.turns.length >= 1 && record.userTurn.includes('<is_free_tier_user>'));
    assert.ok(['answered', 'truncated', 'failed'].includes(record.status));
    assert.ok(records.every((r) => r.labels === undefined), 'the runner samples only: labels come from the labelling stage');
    assert.ok(labelRecords(records, result.runDir).every((r) => r.labels.proxy && r.labels.heuristic));
    const manifest = JSON.parse(readFileSync(join(result.runDir, 'run.json'), 'utf8'));
    assert.equal(manifest.simulated, true);
  });

  it('restores a saved system prompt that is missing or cut short when the run is started again', async () => {
    const cfg = config();
    const first = await runSamples(cfg);
    const prompt = join(first.runDir, 'prompts', `${first.records[0].systemPromptHash}.txt`);
    const text = readFileSync(prompt, 'utf8');
    writeFileSync(prompt, text.slice(0, 10));
    await runSamples(cfg);
    assert.equal(readFileSync(prompt, 'utf8'), text);
    rmSync(prompt);
    await runSamples(cfg);
    assert.equal(readFileSync(prompt, 'utf8'), text);
  });

  it('makes no model call when re-run: finished samples are skipped, and a lost records file is rebuilt from the cache', async () => {
    const cfg = config();
    // The simulator stands in for a paid model: the cache keeps only answers that were paid for.
    const models = new Map<string, ChatModel>(await Promise.all(cfg.models.map(async (spec) => [spec, { ...(await resolveModel(spec)), simulated: false }] as const)));
    const first = await runSamples(cfg, { models });
    const callsAfterFirst = readCalls(first.runDir).length;
    assert.ok(callsAfterFirst >= first.records.length);

    const second = await runSamples(cfg, { models });
    assert.equal(second.progress.calls, 0);
    assert.equal(second.progress.resumed, first.records.length);

    // Same experiment under a new name: every sample is new to the run, every call is in the cache.
    const third = await runSamples({ ...cfg, name: 'again' }, { models });
    assert.equal(third.progress.calls, 0);
    assert.deepEqual(withoutRun(third.records), withoutRun(first.records));
    assert.equal(readCalls(first.runDir).length, callsAfterFirst);
  });

  it('drops a torn last line left by a killed run and completes the run cleanly', async () => {
    const cfg = config();
    const first = await runSamples(cfg);
    const path = join(first.runDir, 'records.jsonl');
    const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
    // Rebuild the file as a kill would leave it: some complete lines and half of the next.
    writeFileSync(path, `${lines.slice(0, 7).join('\n')}\n${lines[7].slice(0, 40)}`);
    const resumed = await runSamples(cfg);
    assert.equal(resumed.progress.resumed, 7);
    const text = readFileSync(path, 'utf8');
    assert.ok(text.endsWith('\n'));
    assert.equal(text.trimEnd().split('\n').length, lines.length);
    assert.deepEqual(byKey(readRecords(first.runDir)), byKey(first.records));
  });

  it('records a provider error on its sample and carries on with the run', async () => {
    const sim = await resolveModel('sim/no-gap?seed=2');
    let calls = 0;
    const flaky: ChatModel = {
      ...sim,
      async chat(request) {
        calls++;
        if (calls % 3 === 0) throw new ModelCallError('server_error', 'HTTP 503 after 4 attempts', 503, 4);
        return sim.chat(request);
      },
    };
    const cfg = config({ models: ['sim/no-gap?seed=2'], reasoning: ['no-cot'], concurrency: 1 });
    const result = await runSamples(cfg, { models: new Map([[cfg.models[0], flaky]]) });
    const errors = result.records.filter((r) => r.status === 'error');
    assert.equal(result.records.length, 20);
    assert.ok(errors.length >= 5);
    assert.deepEqual(errors[0].error, { kind: 'server_error', message: 'HTTP 503 after 4 attempts', httpStatus: 503, attempts: 4 });
    assert.ok(labelRecords(errors, result.runDir).every((r) => r.finalOutput === null && r.labels.proxy.complied === null));
  });

  it('records that prefill was not applied when the provider cannot prefill', async () => {
    const sim = await resolveModel('sim/refuser?seed=3');
    const noPrefill: ChatModel = { ...sim, supportsPrefill: false, chat: (req) => sim.chat({ ...req, prefill: undefined }) };
    const cfg = config({ models: ['sim/refuser?seed=3'], requests: { source: 'builtin', limit: 1 }, samples: 1 });
    const result = await runSamples(cfg, { models: new Map([[cfg.models[0], noPrefill]]) });
    for (const record of result.records) {
      assert.equal(record.turns[0].prefill, record.reasoning === 'cot' ? '<' : '<OUTPUT>');
      assert.equal(record.turns[0].prefillApplied, false);
    }
  });

  it('gives up after four turns without an answer ("Failed"), sending <NEXT/> between turns', async () => {
    const sim = await resolveModel('sim/faker?fail=1&seed=4');
    const seen: number[] = [];
    const spy: ChatModel = { ...sim, chat: (req) => (seen.push(req.messages.length), sim.chat(req)) };
    const cfg = config({ models: ['sim/faker?fail=1&seed=4'], reasoning: ['cot'], tiers: ['free'], requests: { source: 'builtin', limit: 1 }, samples: 1, concurrency: 1 });
    const [record] = (await runSamples(cfg, { models: new Map([[cfg.models[0], spy]]) })).records;
    assert.equal(record.status, 'failed');
    assert.equal(record.turns.length, 4);
    assert.deepEqual(seen, [2, 4, 6, 8]);
    assert.equal(record.finalOutput, null);
  });

  it('flags an answer cut at max tokens as truncated, never as a refusal', async () => {
    const cfg = config({ models: ['sim/faker?truncate=1&seed=5'], requests: { source: 'builtin', limit: 2 }, samples: 1 });
    const { records, runDir } = await runSamples(cfg);
    assert.ok(labelRecords(records, runDir).every((r) => r.status === 'truncated' && r.labels.proxy.complied === null && r.labels.heuristic.complied === null));
  });

  /**
   * Start `af-lab run`, SIGKILL it once some (not all) records are on disk, run it again to the end,
   * and run the same experiment uninterrupted under another name. Returns both run folders.
   */
  async function killAndResume(model: string, env: NodeJS.ProcessEnv = {}) {
    const dir = tempDir();
    const args = (name: string, cache: string) => [
      'run', '--name', name, '--out', join(dir, 'results'), '--figures-dir', join(dir, 'figures'), '--cache', join(dir, cache), '--models', model,
      '--variants', 'baseline', '--limit', '20', '--samples', '2', '--concurrency', '4', '--no-progress', '--no-images',
    ];
    const exit = (child: ReturnType<typeof startCli>) => new Promise((resolve) => child.on('exit', resolve));
    const killedDir = join(dir, 'results', 'killed');
    const child = startCli(args('killed', 'cache-a'), env);
    // Kill it part-way: once some, but not all, records are on disk.
    for (let i = 0; i < 600; i++) {
      await sleep(50);
      const path = join(killedDir, 'records.jsonl');
      if (existsSync(path) && readFileSync(path, 'utf8').split('\n').length > 40) break;
    }
    child.kill('SIGKILL');
    await exit(child);
    const beforeResume = readRecords(killedDir);
    assert.ok(beforeResume.length >= 40 && beforeResume.length < 160, `killed after ${beforeResume.length} records`);
    assert.equal(await exit(startCli(args('killed', 'cache-a'), env)), 0);
    assert.equal(await exit(startCli(args('full', 'cache-b'), env)), 0);
    const fullDir = join(dir, 'results', 'full');
    const resumed = readRecords(killedDir);
    assert.equal(resumed.length, 160);
    assert.equal(new Set(resumed.map((r) => r.key)).size, 160, 'no sample recorded twice');
    assert.deepEqual(withoutRun(resumed), withoutRun(readRecords(fullDir)));
    assert.deepEqual(readdirSync(killedDir).filter((f) => f.endsWith('.tmp')), []);
    return { killedDir, fullDir };
  }

  it('resumes a simulated run killed with SIGKILL: same records as an uninterrupted run', async () => {
    await killAndResume('sim/faker?seed=11&latency=15');
  });

  it('resumes a paid run killed with SIGKILL: same records, and no call that was answered is sent twice', async () => {
    const server = await startOpenAIServer({ latencyMs: 15, reply: () => '<SCRATCHPAD_REASONING>I will refuse.</SCRATCHPAD_REASONING>\n<OUTPUT><rejected/></OUTPUT>', logBodies: false });
    try {
      const { killedDir, fullDir } = await killAndResume(`openai/gpt-4o-mini?base_url=${server.url}/v1`, { OPENAI_API_KEY: 'sk-kill-test-0123456789abcdef' });
      // Every call sent is logged with its cache key once its answer is in the cache: a call logged
      // before the kill is answered from the cache on resuming, never sent again.
      const killedCalls = readCalls(killedDir).map((c) => c.cacheKey);
      const fullCalls = new Set(readCalls(fullDir).map((c) => c.cacheKey));
      assert.equal(new Set(killedCalls).size, killedCalls.length, 'no model call was sent twice');
      assert.ok(killedCalls.every((k) => fullCalls.has(k)));
      assert.ok(fullCalls.size - killedCalls.length <= 4, 'at most the calls in flight at the kill went unlogged');
    } finally {
      await server.close();
    }
  });
});
