// A batched run killed (SIGKILL) at every stage, then run again: the servers' logs show every request
// line paid once and no batch submitted twice, and the run ends with the records, labels and summary
// of a run that was never interrupted. Kills come from the server (while it holds a request: the
// upload before a batch exists, a batch it accepted before the client stored its id, a poll, a
// download) and from the run itself (after its intent is written, after the provider accepted, with
// the results written but not logged, logged but not committed, part committed, after committing).
// The run's ledger (calls.jsonl) holds one line per answered batch line, each once, whatever the kill.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { startBatchServer, type BatchServer } from './servers/batchApis.js';
import { batchConfig, outcomeOf, scriptedReply, withoutServer } from './batch-helpers.js';
import { readBatchRecords, runExperimentBatched } from '../src/pipeline/batch/index.js';
import { ResponseCache } from '../src/core/cache.js';
import { closeResponseStores } from '../src/core/lmdbCache.js';
import { readCalls } from '../src/core/runStore.js';
import { resetTransports } from '../src/models/transport/index.js';
import { tempDir } from './helpers/tmp.js';

const ENV = { ...process.env, OPENAI_API_KEY: 'sk-batch-kill-0123456789abcdef', ANTHROPIC_API_KEY: 'sk-ant-batch-kill-0123456789' };
// The uninterrupted baselines run in this process, with the same keys.
process.env.OPENAI_API_KEY = ENV.OPENAI_API_KEY;
process.env.ANTHROPIC_API_KEY = ENV.ANTHROPIC_API_KEY;

function runChild(args: object, onSpawn: (child: ChildProcess) => void = () => {}, env: Record<string, string> = {}): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'helpers', 'batchChild.ts'), JSON.stringify(args)], { env: { ...ENV, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr }));
    onSpawn(child);
  });
}

type ServerEvent = 'upload' | 'create' | 'poll' | 'download';
type Kill = { by: 'server'; event: ServerEvent } | { by: 'run'; stage: 'intent-written' | 'accepted' | 'results-written' | 'logged' | 'committed' } | { by: 'commits'; after: number };

/** The batch lines of a run's ledger: how many, each (batch, custom id) once, and their dollars. */
function batchLedger(runDir: string) {
  const lines = readCalls(runDir).filter((c) => (c as { batched?: boolean }).batched === true) as unknown as Array<{ batch: string; customId: string; costUsd?: number; cacheKey: string }>;
  const ids = new Set(lines.map((l) => `${l.batch}/${l.customId}`));
  return { lines: lines.length, distinct: ids.size, usd: Math.round(lines.reduce((sum, l) => sum + (l.costUsd ?? 0), 0) * 1e12) / 1e12 };
}

/** How often each request was paid for, as sorted pairs (comparable across runs). */
const paidRequests = (server: BatchServer) => [...server.paidRequests].sort(([a], [b]) => a.localeCompare(b));

const summaryOf = (runDir: string, url: string) => withoutServer(readFileSync(join(runDir, 'summary.csv'), 'utf8'), url);

for (const provider of ['openai', 'anthropic'] as const) {
  // The scenarios are independent (a server and a folder each): they run side by side.
  describe(`${provider}: a batched run killed at every stage`, { concurrency: 4 }, () => {
    let baseline: { outcome: ReturnType<typeof outcomeOf>; summary: string; batches: number; lines: number; requests: ReturnType<typeof paidRequests>; ledger: ReturnType<typeof batchLedger> };
    const dirs: string[] = [];
    const specFor = (server: BatchServer) => (provider === 'openai' ? `openai/gpt-4o-mini?base_url=${encodeURIComponent(`${server.url}/v1`)}` : `anthropic/claude-3-5-haiku-latest?base_url=${encodeURIComponent(server.url)}`);

    before(async () => {
      const server = await startBatchServer({ reply: scriptedReply });
      const dir = tempDir();
      dirs.push(dir);
      // The uninterrupted run, in this process (the killed ones run in their own).
      const result = await runExperimentBatched(batchConfig(dir, specFor(server)), { figures: false, report: false, batch: { target: 'both', pollDelayMs: () => 0, sleep: async () => {} } });
      assert.ok(result.outcome);
      const runDir = join(dir, 'results', 'batched');
      baseline = { outcome: outcomeOf(runDir, server.url), summary: summaryOf(runDir, server.url), batches: server.batches.length, lines: server.paid.size, requests: paidRequests(server), ledger: batchLedger(runDir) };
      // The ledger has a line for every line the server answered, each once.
      assert.deepEqual([baseline.ledger.lines, baseline.ledger.distinct], [baseline.lines, baseline.lines]);
      assert.ok(baseline.ledger.usd > 0);
      await server.close();
    });
    after(() => {
      resetTransports();
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    });

    const kills: Kill[] = [
      { by: 'server', event: 'upload' },
      { by: 'server', event: 'create' },
      { by: 'server', event: 'poll' },
      { by: 'server', event: 'download' },
      { by: 'run', stage: 'intent-written' },
      { by: 'run', stage: 'accepted' },
      { by: 'run', stage: 'results-written' },
      { by: 'run', stage: 'logged' },
      // The second answer of the first results file (4 lines: every sample's turn 1) committed to the cache.
      { by: 'commits', after: 2 },
      { by: 'run', stage: 'committed' },
    ];
    if (provider === 'anthropic') {
      it("killed before submitting, with someone else's batch of the same size created meanwhile: adopted by size and time, refused once its results show it is not the intent's, and the intent is sent", async () => {
        const server = await startBatchServer({ reply: scriptedReply });
        const dir = tempDir();
        dirs.push(dir);
        const first = await runChild({ dir, spec: specFor(server), killAt: 'intent-written' });
        assert.equal(first.signal, 'SIGKILL', first.stderr);
        const runDir = join(dir, 'results', 'batched');
        const [intent] = readBatchRecords(runDir);
        assert.equal(intent.state, 'intent');
        // Another client of the same workspace submits a batch of as many requests after the intent was written.
        const decoy = Array.from({ length: intent.lines.length }, (_, i) => ({ custom_id: `someone-else-${i}`, params: { model: 'claude-3-5-haiku-latest', max_tokens: 16, messages: [{ role: 'user', content: `another request ${i}` }] } }));
        const created = await fetch(`${server.url}/v1/messages/batches`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ requests: decoy }) });
        const decoyId = ((await created.json()) as { id: string }).id;
        const second = await runChild({ dir, spec: specFor(server) });
        assert.equal(second.code, 0, second.stderr);
        assert.deepEqual(JSON.parse(second.stdout), { done: true, records: 4 });
        const record = readBatchRecords(runDir).find((r) => r.intentId === intent.intentId)!;
        assert.deepEqual(record.refusedIds, [decoyId], 'the batch adopted by size and time was refused once its results were read');
        assert.notEqual(record.id, decoyId);
        assert.equal(record.matchedBy, undefined, 'the intent was then submitted');
        // The run is the uninterrupted one's; each of its requests paid once; the other batch's lines are not in its ledger.
        assert.deepEqual(outcomeOf(runDir, server.url), baseline.outcome);
        assert.equal(summaryOf(runDir, server.url), baseline.summary);
        const decoyRequests = new Set(decoy.map((d) => createHash('sha256').update(JSON.stringify(d.params)).digest('hex')));
        assert.deepEqual(paidRequests(server).filter(([request]) => !decoyRequests.has(request)), baseline.requests);
        assert.deepEqual(batchLedger(runDir), baseline.ledger);
        await server.close();
      });
    }

    for (const kill of kills) {
      // Anthropic: the stages its client does differently (no upload; a batch found again by its contents).
      if (provider === 'anthropic' && !(kill.by === 'server' && (kill.event === 'create' || kill.event === 'poll')) && kill.by !== 'commits') continue;
      const where = kill.by === 'server' ? `while the server holds the ${kill.event} request` : 'after' in kill ? `after ${kill.after} answers of a results file are committed` : `at ${kill.stage}`;
      it(`killed ${where}, then re-run: each line paid once, the same records, labels and summary`, async () => {
        let child: ChildProcess | undefined;
        let killed = false;
        const server = await startBatchServer({
          reply: scriptedReply,
          events: async (event, info) => {
            // The second batch's event (a CoT round after the first), so the kill lands mid-run.
            if (killed || kill.by !== 'server' || event !== kill.event || (info.index !== undefined && info.index < 1 && event !== 'upload') || !child) return;
            killed = true;
            const exited = new Promise((resolve) => child!.once('exit', resolve));
            child.kill('SIGKILL');
            await exited;
          },
        });
        const dir = tempDir();
        dirs.push(dir);
        // The run's onCacheCommit hook (passed by the child script): answers committed one at a time, killed once `after` of them are.
        const args = { dir, spec: specFor(server), ...(kill.by === 'run' ? { killAt: kill.stage } : {}), ...(kill.by === 'commits' ? { killAfterCommits: kill.after } : {}) };
        const first = await runChild(args, (c) => (child = c));
        assert.equal(first.signal, 'SIGKILL', `the run was killed ${where}: ${first.stderr}`);
        const runDir = join(dir, 'results', 'batched');
        if ('after' in kill) {
          // Killed mid-file: of the first results file's answers, some are in the cache and some not.
          const [read] = readBatchRecords(runDir).filter((r) => r.downloadedAt);
          const cache = new ResponseCache(join(dir, 'cache'));
          const committed = read.lines.filter((l) => cache.get(l.cacheKey!) !== undefined).length;
          await closeResponseStores();
          assert.deepEqual([read.lines.length, committed], [4, kill.after], 'killed with part of a results file committed');
        }
        const second = await runChild({ dir, spec: specFor(server) });
        assert.equal(second.code, 0, second.stderr);
        assert.deepEqual(JSON.parse(second.stdout), { done: true, records: 4 });
        assert.ok([...server.paid.values()].every((n) => n === 1), 'no line paid twice');
        assert.equal(server.paid.size, baseline.lines, 'every line paid once');
        assert.deepEqual(paidRequests(server), baseline.requests, 'each request paid as often as in the uninterrupted run');
        assert.equal(server.batches.length, baseline.batches, 'no batch submitted twice');
        assert.deepEqual(batchLedger(runDir), baseline.ledger, 'the ledger logs each answered line once, at the batch price');
        assert.deepEqual(outcomeOf(runDir, server.url), baseline.outcome);
        assert.equal(summaryOf(runDir, server.url), baseline.summary);
        await server.close();
      });
    }
  });
}
