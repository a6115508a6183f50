// Issue 26 items 3, 4 and 8: what a run pays for is paid once and accounted for. A full disk stops the
// run before the next paid call and never leaves a torn line; the ledger (calls.jsonl) is reconciled
// on resume with every answer the run paid for that a kill kept out of it; `--retry-errors` asks a
// content-filtered answer again instead of reading it from the cache. A real full disk is a small
// tmpfs mounted in a temp folder (needs root; skipped otherwise).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseExperiment, type ExperimentInput } from '../src/core/config.js';
import { fileSystemUserError } from '../src/core/errors.js';
import { appendJsonLine, dropTornTail, holdOpenForAppend } from '../src/core/files.js';
import { closeResponseStores } from '../src/core/lmdbCache.js';
import { readCalls } from '../src/core/runStore.js';
import { judgeRun } from '../src/label/judgeRun.js';
import { formatJudgeRun } from '../src/label/report.js';
import { resetTransports } from '../src/models/transport/transport.js';
import { builtinRequests } from '../src/requests/index.js';
import { runSamples } from '../src/run/runner.js';
import type { Fault, LoopbackServer } from './servers/loopback.js';
import { startOpenAIServer } from './servers/openai.js';
import { tempDir } from './helpers/tmp.js';
import { record, REFUSAL_OUTPUT, scriptedJudge } from './judge-fixtures.js';

const dirs: string[] = [];
const temp = () => {
  const dir = tempDir();
  dirs.push(dir);
  return dir;
};

/** A tmpfs of `size` mounted on a fresh temp folder, or a reason it cannot be. */
function mountTmpfs(size: string): { dir: string; unmount: () => void } | string {
  if (process.getuid?.() !== 0) return 'mounting a tmpfs needs root';
  const dir = temp();
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'ignore' });
  } catch {
    return 'mount -t tmpfs is not allowed here';
  }
  // Lazily when still busy: lmdb keeps a store whose commit failed mapped until the process ends.
  const unmount = () => {
    try {
      execFileSync('umount', [dir], { stdio: 'ignore' });
    } catch {
      execFileSync('umount', ['-l', dir]);
    }
  };
  return { dir, unmount };
}
const CAN_MOUNT = (() => {
  const m = mountTmpfs('64k');
  if (typeof m === 'string') return m;
  m.unmount();
  return false;
})();

const REPLY = '<OUTPUT><rejected/></OUTPUT>';
const userText = (body: any): string => String(body?.messages?.find((m: { role: string }) => m.role === 'user')?.content ?? '');

describe('a run pays once and accounts for it (issue 26 items 3, 4, 8)', () => {
  let server: LoopbackServer;
  let fault: (text: string) => Fault | undefined = () => undefined;
  let requests: string[];
  let reply = REPLY;
  before(async () => {
    process.env.OPENAI_API_KEY = 'sk-paid-once-0123456789abcdef';
    requests = builtinRequests().slice(0, 4).map((r) => r.text);
    server = await startOpenAIServer({ reply: () => reply, script: (_i, body) => fault(userText(body)) });
  });
  after(async () => {
    await server.close();
    resetTransports();
    await closeResponseStores();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  const config = (dir: string, overrides: ExperimentInput = {}) =>
    parseExperiment({
      name: 'paid',
      models: [`openai/gpt-4o-mini?base_url=${encodeURIComponent(`${server.url}/v1`)}&backoff_ms=1&max_retries=0`],
      variants: ['baseline'],
      reasoning: ['no-cot'],
      tiers: ['free'],
      requests: { source: 'builtin', limit: 4 },
      samples: 1,
      concurrency: 2,
      outDir: join(dir, 'results'),
      cacheDir: join(dir, 'cache'),
      ...overrides,
    });

  it('a resume logs every cached answer this run paid for that a kill kept out of calls.jsonl, and only those', async () => {
    resetTransports();
    fault = () => undefined;
    const dir = temp();
    const cfg = config(dir);
    await runSamples(cfg);
    const runDir = join(dir, 'results', 'paid');
    const calls = readCalls(runDir);
    assert.equal(calls.length, 4);
    // A kill after the cache's commit and before the ledger's line, for three answers and their records.
    writeFileSync(join(runDir, 'calls.jsonl'), `${JSON.stringify(calls[0])}\n`);
    writeFileSync(join(runDir, 'records.jsonl'), '');
    const sent = server.log.length;
    const resumed = await runSamples(cfg);
    assert.equal(server.log.length, sent, 'nothing is asked again');
    assert.equal(resumed.progress.calls, 0);
    const ledger = readCalls(runDir);
    assert.deepEqual(new Set(ledger.map((c) => c.cacheKey)), new Set(calls.map((c) => c.cacheKey)), 'every paid answer is in the ledger');
    assert.equal(ledger.filter((c) => (c as { reconciled?: boolean }).reconciled).length, 3);
    // Another run answered from the same cache paid for nothing: its ledger stays empty.
    await runSamples({ ...cfg, name: 'other' });
    assert.deepEqual(readCalls(join(dir, 'results', 'other')), []);
  });

  it('--retry-errors asks a content-filtered answer again instead of reading it from the cache', async () => {
    resetTransports();
    const dir = temp();
    const cfg = config(dir);
    fault = (text) => (text.includes(requests[0]) ? { kind: 'finish', reason: 'content_filter' } : undefined);
    const first = await runSamples(cfg);
    assert.equal(first.records.filter((r) => r.error?.kind === 'content_policy').length, 1);
    fault = () => undefined;
    const sent = server.log.length;
    const retried = await runSamples(cfg, { retryErrors: true });
    assert.equal(server.log.length - sent, 1, 'the filtered request is sent again');
    assert.equal(retried.records.filter((r) => r.status === 'error').length, 0);
  });

  it('a disk without room for the next paid answer stops the run before paying, in one line', { skip: CAN_MOUNT }, async () => {
    resetTransports();
    fault = () => undefined;
    const mount = mountTmpfs('128k') as { dir: string; unmount: () => void };
    try {
      const dir = temp();
      const cfg = config(dir, { outDir: join(mount.dir, 'results') });
      const sent = server.log.length;
      const run = await runSamples(cfg);
      assert.equal(server.log.length, sent, 'no call is paid for');
      assert.equal(run.stopped, true);
      assert.match(run.stopReason ?? '', /^the results folder \(--out\) .* has \d+ bytes free, under the \d+ bytes kept for each paid answer$/);
      assert.equal(run.records.length, 0);
    } finally {
      mount.unmount();
    }
  });

  it('LMDB filling its own disk mid-write: one line, every answer paid for kept in the records, none paid twice', { skip: CAN_MOUNT }, async () => {
    resetTransports();
    fault = () => undefined;
    // Answers of 600 KB into a cache disk of 1 MB: the room check before each call passes (256 KB free),
    // and LMDB's own commit then meets the full disk (ENOSPC, or EIO on tmpfs).
    reply = `${REPLY} ${'x'.repeat(600 * 1024)}`;
    const mount = mountTmpfs('1m') as { dir: string; unmount: () => void };
    try {
      const dir = temp();
      const cfg = config(dir, { cacheDir: join(mount.dir, 'cache'), concurrency: 1 });
      const sent = server.log.length;
      const run = await runSamples(cfg);
      const paid = server.log.length - sent;
      assert.ok(paid >= 2, `${paid} calls`);
      assert.match(run.cacheWriteErrors?.last ?? '', /^cannot write .*responses\.lmdb: the disk is full \(no space left for the cache\)$/);
      assert.ok((run.cacheWriteErrors?.count ?? 0) >= 1);
      assert.equal(run.records.filter((r) => r.status === 'answered').length, paid, 'every answer paid for is in the records');
      // With room again, the resume asks only for what was never answered: nothing paid twice.
      await closeResponseStores();
      execFileSync('mount', ['-o', 'remount,size=16m', mount.dir]);
      const before = server.log.length;
      const resumed = await runSamples(cfg);
      assert.equal(server.log.length - before, requests.length - paid);
      assert.equal(resumed.records.filter((r) => r.status === 'answered').length, requests.length);
    } finally {
      reply = REPLY;
      await closeResponseStores();
      mount.unmount();
    }
  });
});

describe('judge calls are paid once and accounted for, like samples (issue 26 items 3, 4)', () => {
  after(async () => {
    await closeResponseStores();
  });
  // A paid judge (not simulated: its answers go to the cache) whose answers need not parse.
  const judge = () => scriptedJudge(() => 'no verdict here');
  const records = [record(), record({ finalOutput: REFUSAL_OUTPUT })];
  const options = (cacheDir: string) => ({ cacheDir, afVotes: 3, maxAttempts: 1 });

  it('a resume logs every cached judge answer (compliance, partial, AF votes) this run paid for that a kill kept out of calls.jsonl, and only those', async () => {
    const dir = temp();
    const runDir = join(dir, 'run');
    const cacheDir = join(dir, 'cache');
    const first = judge();
    await judgeRun(runDir, records, { model: first, ...options(cacheDir) });
    const calls = readCalls(runDir);
    assert.deepEqual(calls.map((c) => c.purpose).sort(), ['af-vote', 'af-vote', 'judge', 'judge', 'partial', 'partial']);
    // A kill after the cache's commits and before the ledger's lines and the judgements.
    writeFileSync(join(runDir, 'calls.jsonl'), `${JSON.stringify(calls[0])}\n`);
    writeFileSync(join(runDir, 'judgements.jsonl'), '');
    const again = judge();
    const resumed = await judgeRun(runDir, records, { model: again, ...options(cacheDir) });
    assert.equal(again.requests.length, 0, 'nothing is asked again');
    assert.equal(resumed.cachedCalls, resumed.calls);
    const ledger = readCalls(runDir);
    assert.deepEqual(ledger.map((c) => c.cacheKey).sort(), calls.map((c) => c.cacheKey).sort(), 'every paid judge call is in the ledger once (an AF call under the key of its request)');
    assert.equal(ledger.filter((c) => c.reconciled).length, 5);
    const afCall = calls.find((c) => c.purpose === 'af-vote' && c !== calls[0])!;
    // The AF call again at its whole usage (its votes are one cache entry, kept with the usage paid for them).
    const reconciledAf = ledger.find((c) => c.cacheKey === afCall.cacheKey)!.usage;
    assert.equal(reconciledAf.outputTokens, afCall.usage.outputTokens);
    assert.ok(Math.abs(reconciledAf.inputTokens - afCall.usage.inputTokens) <= 1, `${reconciledAf.inputTokens} input tokens for ${afCall.usage.inputTokens}`);
    // Judged once more, nothing is reconciled twice; another run answered from the same cache paid for nothing.
    await judgeRun(runDir, records, { model: judge(), ...options(cacheDir) });
    assert.equal(readCalls(runDir).length, 6);
    await judgeRun(join(dir, 'other'), records, { model: judge(), ...options(cacheDir) });
    assert.deepEqual(readCalls(join(dir, 'other')), []);
  });

  it('a disk without room for the next paid judge answer stops judging before paying, in one line', { skip: CAN_MOUNT }, async () => {
    const mount = mountTmpfs('128k') as { dir: string; unmount: () => void };
    try {
      const model = judge();
      const result = await judgeRun(join(mount.dir, 'run'), records, { model, ...options(join(temp(), 'cache')) });
      assert.equal(model.requests.length, 0, 'no judge call is paid for');
      assert.match(result.stopReason ?? '', /^the run folder .* has \d+ bytes free, under the \d+ bytes kept for each paid answer$/);
      assert.equal(result.unjudged.length, 6);
      assert.match(formatJudgeRun(result), /\n {2}6 judgements left undone \(the run folder .*; free some space first\): run the same command again to finish them$/);
      const cacheMount = mountTmpfs('128k') as { dir: string; unmount: () => void };
      try {
        const short = await judgeRun(join(temp(), 'run'), records, { model, ...options(join(cacheMount.dir, 'cache')) });
        assert.equal(model.requests.length, 0);
        assert.match(short.stopReason ?? '', /^the cache folder \(--cache\) /);
      } finally {
        await closeResponseStores();
        cacheMount.unmount();
      }
    } finally {
      mount.unmount();
    }
  });
});

describe('JSONL appends never tear (issue 26 item 3)', () => {
  it('an append that meets a full disk leaves the file as it was and names it in one line', { skip: CAN_MOUNT }, () => {
    const mount = mountTmpfs('64k') as { dir: string; unmount: () => void };
    try {
      const path = join(mount.dir, 'records.jsonl');
      appendJsonLine(path, { n: 1 });
      const before = statSync(path).size;
      const big = { text: 'x'.repeat(200 * 1024) };
      for (const held of [false, true]) {
        const release = held ? holdOpenForAppend([path]) : () => undefined;
        try {
          assert.throws(() => appendJsonLine(path, big), (err: NodeJS.ErrnoException) => err.code === 'ENOSPC' && err.path === path);
        } finally {
          release();
        }
        assert.equal(statSync(path).size, before, 'no part of the line is left');
      }
      assert.equal(readFileSync(path, 'utf8'), '{"n":1}\n');
      const err = Object.assign(new Error('ENOSPC'), { code: 'ENOSPC', syscall: 'write', path });
      assert.match(fileSystemUserError(err)!.describe(), /^error: cannot write .*records\.jsonl: no space left on the disk\. Fix: /);
    } finally {
      mount.unmount();
    }
  });

  it('a torn last line (a kill mid-write) is cut off before the next append', () => {
    const dir = temp();
    const path = join(dir, 'calls.jsonl');
    writeFileSync(path, '{"a":1}\n{"b":');
    dropTornTail(path);
    assert.equal(readFileSync(path, 'utf8'), '{"a":1}\n');
    dropTornTail(path);
    assert.equal(readFileSync(path, 'utf8'), '{"a":1}\n', 'a whole file is left alone');
    writeFileSync(path, '{"torn":');
    dropTornTail(path);
    assert.equal(readFileSync(path, 'utf8'), '');
    closeSync(openSync(join(dir, 'empty'), 'w'));
    dropTornTail(join(dir, 'empty'));
    mkdirSync(join(dir, 'sub'));
  });
});
