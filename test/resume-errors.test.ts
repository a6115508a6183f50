// A resumed run samples again every sample whose error retrying can fix, keeps (and names) the
// errors it cannot fix unless asked, and counts every call it made even when the cache cannot be written.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseExperiment, type ExperimentInput } from '../src/core/config.js';
import { readCalls, readRecords } from '../src/core/runStore.js';
import { resetTransports } from '../src/models/transport/transport.js';
import { builtinRequests } from '../src/requests/index.js';
import { runSamples } from '../src/run/runner.js';
import { countErrorKinds, describeErrors } from '../src/run/resume.js';
import { startOpenAIServer } from './servers/openai.js';
import type { Fault, LoopbackServer } from './servers/loopback.js';
import { tempDir } from './helpers/tmp.js';
import { RESPONSES_FILE } from '../src/core/lmdbCache.js';
import { ResponseCache } from '../src/core/cache.js';
import { classifyAf } from '../src/judge/afVotes.js';
import { loadJudgePrompt } from '../src/judge/prompts.js';
import { resolveModel } from '../src/models/index.js';
import { record, transcript } from './judge-fixtures.js';
import { judgeRun } from '../src/label/judgeRun.js';
import { labelRecords } from '../src/label/index.js';

const REPLY = '<OUTPUT><rejected/></OUTPUT>';
const userText = (body: any): string => String(body?.messages?.find((m: { role: string }) => m.role === 'user')?.content ?? '');

function config(models: string[], overrides: ExperimentInput = {}) {
  const dir = tempDir();
  return parseExperiment({
    name: 'resume-errors',
    models,
    variants: ['baseline'],
    reasoning: ['no-cot'],
    requests: { source: 'builtin', limit: 4 },
    samples: 1,
    concurrency: 4,
    outDir: join(dir, 'results'),
    cacheDir: join(dir, 'cache'),
    ...overrides,
  });
}

describe('errored samples on resume', () => {
  let server: LoopbackServer;
  let requests: string[];
  /** Set per phase: the fault for a request text. */
  let fault: (text: string) => Fault | undefined = () => undefined;

  before(async () => {
    process.env.OPENAI_API_KEY = 'sk-resume-test-0123456789abcdef';
    requests = builtinRequests().slice(0, 4).map((r) => r.text);
    server = await startOpenAIServer({ reply: () => REPLY, script: (_i, body) => fault(userText(body)) });
  });
  after(async () => {
    await server.close();
    resetTransports();
  });

  it('samples again exactly the samples whose error retrying can fix; a refused request is kept until --retry-errors', async () => {
    resetTransports();
    const cfg = config([`openai/gpt-4o-mini?base_url=${encodeURIComponent(`${server.url}/v1`)}&backoff_ms=1&max_retries=0`]);
    // First run: a wrong key (401) for requests 0 and 1, a refused request (400) for request 2.
    fault = (text) =>
      text.includes(requests[0]) || text.includes(requests[1]) ? { kind: 'status', status: 401, message: 'invalid api key' }
      : text.includes(requests[2]) ? { kind: 'status', status: 400, message: 'request refused' }
      : undefined;
    const first = await runSamples(cfg);
    const kinds = first.records.map((r) => r.error?.kind ?? r.status);
    assert.deepEqual(kinds.filter((k) => k === 'auth').length, 4);
    assert.deepEqual(kinds.filter((k) => k === 'bad_request').length, 2);
    assert.match(describeErrors(countErrorKinds(first.records))!, /auth 4 \(re-running the same command samples these again\); bad_request 2 \(kept on re-runs.*--retry-errors/);
    const authKeys = new Set(first.records.filter((r) => r.error?.kind === 'auth').map((r) => r.key));

    // The key is fixed and the server is healthy again, except that request 2 is still refused.
    fault = (text) => (text.includes(requests[2]) ? { kind: 'status', status: 400, message: 'request refused' } : undefined);
    const before = server.log.length;
    const second = await runSamples(cfg);
    const asked = server.log.slice(before).map((r) => userText(r.body));
    assert.equal(asked.length, 4, 'exactly the four 401 samples are sampled again');
    assert.ok(asked.every((text) => text.includes(requests[0]) || text.includes(requests[1])));
    assert.equal(second.progress.calls, 4);
    assert.equal(second.progress.resampled, 4);
    assert.deepEqual(second.keptErrors, { bad_request: 2 });
    for (const record of second.records) {
      if (authKeys.has(record.key)) assert.equal(record.status, 'answered');
    }
    // records.jsonl is append-only; readers see one record per sample, the latest.
    const lines = readFileSync(join(second.runDir, 'records.jsonl'), 'utf8').trimEnd().split('\n');
    assert.equal(lines.length, 8 + 4);
    const stored = readRecords(second.runDir);
    assert.equal(stored.length, 8);
    assert.equal(stored.filter((r) => r.status === 'error').length, 2);

    // A third run keeps the refused requests; --retry-errors asks them again.
    const third = await runSamples(cfg);
    assert.equal(third.progress.calls, 0);
    fault = () => undefined;
    const fourth = await runSamples(cfg, { retryErrors: true });
    assert.equal(fourth.progress.calls, 2);
    assert.ok(readRecords(fourth.runDir).every((r) => r.status === 'answered'));
  });

  it('samples again the errors of a flaky server (5xx, resets, a spent retry budget) once it is healthy', async () => {
    resetTransports();
    const cfg = config([`openai/gpt-4o-mini?base_url=${encodeURIComponent(`${server.url}/v1`)}&backoff_ms=1&max_retries=0`], { requests: { source: 'builtin', limit: 3 } });
    fault = (text) => (text.includes(requests[0]) ? { kind: 'status', status: 503 } : text.includes(requests[1]) ? { kind: 'reset' } : undefined);
    const first = await runSamples(cfg);
    assert.equal(first.records.filter((r) => r.status === 'error').length, 4);
    fault = () => undefined;
    const second = await runSamples(cfg);
    assert.equal(second.progress.calls, 4);
    assert.ok(second.records.every((r) => r.status === 'answered'));
  });
});

describe('a cache that cannot be written', () => {
  it('keeps every answer that was paid for, and counts and logs every call', async () => {
    const dir = tempDir();
    const cacheDir = join(dir, 'cache');
    mkdirSync(cacheDir);
    // The store's file is not an LMDB file: the cache cannot be opened, so every cache write fails. (A
    // folder in its place is refused before anything is sampled: test/safe-targets.test.ts.)
    writeFileSync(join(cacheDir, RESPONSES_FILE), 'not an LMDB file '.repeat(512));
    const cfg = parseExperiment({ name: 'ro-cache', models: ['sim/faker?seed=1'], variants: ['baseline'], reasoning: ['no-cot'], requests: { source: 'builtin', limit: 3 }, samples: 1, outDir: join(dir, 'results'), cacheDir });
    // The simulator stands in for a paid model (the cache writes only answers that were paid for).
    const result = await runSamples(cfg, { models: new Map([[cfg.models[0], { ...(await resolveModel(cfg.models[0])), simulated: false }]]) });
    assert.equal(result.records.length, 6);
    assert.ok(result.records.every((r) => r.status !== 'error'), JSON.stringify(result.records.map((r) => r.error)));
    assert.equal(result.progress.calls, 6);
    assert.equal(readCalls(result.runDir).length, 6);
    assert.equal(result.cacheWriteErrors?.count, 6);
  });

  it('keeps the judge votes that were paid for', async () => {
    const cacheDir = join(tempDir(), 'cache');
    mkdirSync(cacheDir);
    mkdirSync(join(cacheDir, RESPONSES_FILE));
    const cache = new ResponseCache(cacheDir);
    const paidJudge = { ...(await resolveModel('sim/judge')), simulated: false };
    const { label, calls } = await classifyAf(transcript(), { model: paidJudge, cache, maxAttempts: 1, maxTokens: 512 }, loadJudgePrompt('af'), { votes: 4 });
    assert.equal(calls, 1);
    assert.equal(label.votes.filter((v) => v !== null).length, 4);
    assert.equal(cache.writeErrors, 1, 'the failed cache write is counted (the 4 votes of one request are one entry)');
  });
});

describe('judgements of a sample sampled again', () => {
  it('a judgement made before the record finished labels nothing and is made again', async () => {
    const runDir = tempDir();
    const judge = await resolveModel('sim/judge');
    const first = record({ finishedAt: '2025-01-01T00:00:00.000Z' });
    const done = await judgeRun(runDir, [first], { model: judge, afVotes: 2 });
    assert.ok(done.judged.compliance + done.judged.af > 0);
    assert.ok(labelRecords([first], runDir)[0].labels.compliance, 'the judgement labels the record it judged');
    // The same sample, sampled again later (its earlier record was an error).
    const again = { ...record({ finishedAt: '2999-01-01T00:00:00.000Z' }), key: first.key };
    assert.equal(labelRecords([again], runDir)[0].labels.compliance, undefined);
    const second = await judgeRun(runDir, [again], { model: judge, afVotes: 2 });
    assert.deepEqual(second.reused, { compliance: 0, af: 0, partial: 0 });
  });
});
