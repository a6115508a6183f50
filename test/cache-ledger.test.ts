// The cache and the ledger under the faults issue 27's last items named: a vote top-up killed between
// its cache commit and its ledger line is reconciled on resume (every paid vote logged once); two
// writers topping up one votes entry lose no vote (the merge is one LMDB transaction); a failed write
// while migrating old per-vote entries is one counted line with nothing lost, like a failed put; a run
// without the cache logs each call under the key a cached run would; the store's count of failed
// commits starts again once a commit succeeds; `cache clear` in bounded, all-or-nothing transactions.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { rmSync, statfsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ResponseCache, VOTE_SET, withCache } from '../src/core/cache.js';
import { closeResponseStores, LmdbResponseStore } from '../src/core/lmdbCache.js';
import { clearCache } from '../src/core/cacheAdmin.js';
import { NoRoomToPay, withRoomBeforePaying, withSpend, wrapModel, type CallLedger, type LedgerCall } from '../src/core/middleware.js';
import { LoggedCalls } from '../src/core/runStore.js';
import type { ChatRequest } from '../src/core/types.js';
import { tempDir } from './helpers/tmp.js';
import { prompt, scripted, votes } from './helpers/scriptedModel.js';


/** A run's ledger as the runner keeps it: the lines of calls.jsonl (given), and reconciliation with the run's cache. */
function runLedger(cache: ResponseCache, run: string, lines: LedgerCall[] = []): CallLedger & { lines: LedgerCall[] } {
  const logged = new LoggedCalls();
  for (const line of lines) logged.add(line);
  return {
    lines,
    append(line) {
      logged.add(line);
      lines.push(line);
    },
    reconcile: { has: (key, indices) => logged.has(key, indices), paidHere: (key) => cache.paidEarlierBy(key) === run, paymentsHere: (key) => cache.paymentsHere(key) },
  };
}

describe('a vote top-up killed before its ledger line', () => {
  it('is logged on resume, once, with the votes it paid for; the first payment is not logged again', async () => {
    const dir = tempDir();
    const run = '/runs/a';
    const model = scripted();
    const first = new ResponseCache(dir, { paidBy: run });
    const ledger = runLedger(first, run);
    await wrapModel(model, withSpend(undefined, ledger), withCache(first)).chat(votes([0, 1, 2]));
    assert.deepEqual(ledger.lines.map((l) => l.votes), [[0, 1, 2]], 'a votes line lists the votes it paid for');
    // The top-up (--votes raised): committed to the cache, then killed before its line.
    await wrapModel(model, withCache(new ResponseCache(dir, { paidBy: run }))).chat(votes([0, 1, 2, 3, 4]));
    // The resume: its ledger as calls.jsonl has it (the first line only).
    const cache = new ResponseCache(dir, { paidBy: run });
    const resumed = runLedger(cache, run, [...ledger.lines]);
    const wrapped = wrapModel(model, withSpend(undefined, resumed), withCache(cache));
    const again = await wrapped.chat(votes([0, 1, 2, 3, 4]));
    await wrapped.chat(votes([0, 1, 2, 3, 4]));
    assert.equal(again.served?.cached, true);
    assert.equal(model.asked.length, 2, 'nothing asked on resume');
    assert.deepEqual(resumed.lines.slice(1).map((l) => [l.votes, l.usage.outputTokens, l.reconciled]), [[[3, 4], 20, true]]);
  });

  it('a resume that asks for more votes logs its own payment and the one the kill kept out, each once', async () => {
    const dir = tempDir();
    const run = '/runs/b';
    const model = scripted();
    const first = new ResponseCache(dir, { paidBy: run });
    const ledger = runLedger(first, run);
    await wrapModel(model, withSpend(undefined, ledger), withCache(first)).chat(votes([0, 1]));
    await wrapModel(model, withCache(new ResponseCache(dir, { paidBy: run }))).chat(votes([0, 1, 2, 3]));
    const cache = new ResponseCache(dir, { paidBy: run });
    const resumed = runLedger(cache, run, [...ledger.lines]);
    // A meter of a dollar per 1,000 output tokens: the call's own cost is its served cost; the reconciled one is counted too.
    let spent = 0;
    const meter = { record: (_spec: string, usage: { outputTokens: number }) => ((spent += usage.outputTokens / 1000), usage.outputTokens / 1000), exhausted: () => false };
    const wrapped = wrapModel(model, withSpend(meter, resumed), withCache(cache));
    const more = await wrapped.chat(votes([0, 1, 2, 3, 4, 5]));
    assert.deepEqual(resumed.lines.map((l) => [l.votes, l.reconciled ?? false]), [[[0, 1], false], [[4, 5], false], [[2, 3], true]]);
    assert.equal(more.served?.costUsd, 0.02, 'the cost of the votes this call paid for');
    assert.equal(spent, 0.04, 'and the reconciled payment is counted against the run');
    const cached = await wrapped.chat(votes([0, 1, 2, 3, 4, 5]));
    assert.equal(cached.served?.cached, true);
    assert.equal(cached.served?.costUsd, undefined, 'a cached answer costs nothing');
    assert.equal(resumed.lines.length, 3);
    // Every paid vote once.
    assert.deepEqual(resumed.lines.flatMap((l) => l.votes ?? []).sort(), [0, 1, 2, 3, 4, 5]);
  });
});

describe('a votes entry written before payments were recorded', () => {
  const legacy = async (dir: string, run: string) => {
    const model = scripted();
    const cache = new ResponseCache(dir, { paidBy: run });
    const key = cache.keyFor(model, prompt(), { sampleIndex: VOTE_SET, purpose: 'af-vote' });
    const votes3 = [0, 1, 2].map((index) => ({ index, text: `vote ${index}`, finishReason: 'stop' as const }));
    await cache.put(key, model.spec, 'af-vote', { text: '', usage: { inputTokens: 100, outputTokens: 30 }, finishReason: 'stop', prefillApplied: false, votes: votes3 });
    await cache.flushed();
    return { model, key };
  };

  it('is one payment with no vote list: reconciled when the ledger lacks its key, not when a line has it', async () => {
    const dir = tempDir();
    const run = '/runs/legacy';
    const { model, key } = await legacy(dir, run);
    const cache = new ResponseCache(dir, { paidBy: run });
    assert.deepEqual(cache.paymentsHere(key), [{ paidBy: run, usage: { inputTokens: 100, outputTokens: 30 } }]);
    assert.deepEqual(new ResponseCache(dir, { paidBy: '/runs/other' }).paymentsHere(key), []);
    assert.deepEqual(new ResponseCache(dir).paymentsHere(key), [], 'a cache with no run pays nothing');
    const missing = runLedger(cache, run);
    await wrapModel(model, withSpend(undefined, missing), withCache(cache)).chat(votes([0, 1, 2]));
    assert.deepEqual(missing.lines.map((l) => [l.votes, l.usage.outputTokens, l.reconciled]), [[undefined, 30, true]]);
    // Its line (written before lines listed votes) covers it; a top-up is logged with its own votes.
    const logged = runLedger(cache, run, [{ model: model.spec, purpose: 'af-vote', cacheKey: key, usage: { inputTokens: 100, outputTokens: 30 } }]);
    await wrapModel(model, withSpend(undefined, logged), withCache(cache)).chat(votes([0, 1, 2, 3]));
    assert.deepEqual(logged.lines.slice(1).map((l) => [l.votes, l.reconciled]), [[[3], undefined]]);
    // The top-up was paid through this cache, whose call logged it: only a later cache (a resume) reconciles it.
    assert.deepEqual(cache.paymentsHere(key).map((p) => p.votes), [undefined]);
    assert.deepEqual(new ResponseCache(dir, { paidBy: run }).paymentsHere(key).map((p) => p.votes), [undefined, [3]]);
  });

  it('is reconciled when the same resume also tops the request up (found before the top-up\'s line is added)', async () => {
    const dir = tempDir();
    const run = '/runs/legacy-top-up';
    const { model } = await legacy(dir, run);
    const cache = new ResponseCache(dir, { paidBy: run });
    const ledger = runLedger(cache, run);
    await wrapModel(model, withSpend(undefined, ledger), withCache(cache)).chat(votes([0, 1, 2, 3]));
    assert.deepEqual(ledger.lines.map((l) => [l.votes, l.usage.outputTokens, l.reconciled]), [[[3], 10, undefined], [undefined, 30, true]]);
  });
});

describe('a payment made through this cache is logged by its own call, never reconciled by another', () => {
  it('an identical votes call that finds it before its ledger line is written logs nothing', async () => {
    const dir = tempDir();
    const run = '/runs/gap';
    const model = scripted();
    const cache = new ResponseCache(dir, { paidBy: run });
    const first = runLedger(cache, run);
    await wrapModel(model, withSpend(undefined, first), withCache(cache)).chat(votes([0, 1, 2]));
    assert.equal(first.lines.length, 1);
    // The second call's ledger has not seen the first's line yet (the moment between commit and line).
    const second = runLedger(cache, run);
    const served = await wrapModel(model, withSpend(undefined, second), withCache(cache)).chat(votes([0, 1, 2]));
    assert.equal(served.served?.cached, true);
    assert.deepEqual(second.lines, []);
    // A later cache on the folder (a resume) does reconcile it when the ledger lacks it.
    const resumed = new ResponseCache(dir, { paidBy: run });
    const third = runLedger(resumed, run);
    await wrapModel(model, withSpend(undefined, third), withCache(resumed)).chat(votes([0, 1, 2]));
    assert.deepEqual(third.lines.map((l) => [l.votes, l.reconciled]), [[[0, 1, 2], true]]);
  });

  it('a single answer paid through this cache is not "paid earlier"; through a later cache it is', async () => {
    const dir = tempDir();
    const cache = new ResponseCache(dir, { paidBy: '/runs/one' });
    const key = '7'.repeat(64);
    await cache.put(key, 'test/judge', 'judge', { text: 'a', usage: { inputTokens: 1, outputTokens: 1 }, finishReason: 'stop', prefillApplied: false });
    await cache.flushed();
    assert.equal(cache.paidByOf(key), '/runs/one');
    assert.equal(cache.paidEarlierBy(key), undefined);
    assert.equal(new ResponseCache(dir, { paidBy: '/runs/one' }).paidEarlierBy(key), '/runs/one');
  });
});

describe('the ledger of a run with reconciliation', () => {
  it('a call paid now is logged as such, never as reconciled; an identical call under way is logged once', async () => {
    const dir = tempDir();
    const run = '/runs/c';
    const cache = new ResponseCache(dir, { paidBy: run });
    const ledger = runLedger(cache, run);
    const wrapped = wrapModel(scripted(), withSpend(undefined, ledger), withCache(cache));
    await Promise.all([wrapped.chat({ ...prompt(), call: { sampleIndex: 0 } }), wrapped.chat({ ...prompt(), call: { sampleIndex: 0 } })]);
    assert.deepEqual(ledger.lines.map((l) => [l.purpose, l.reconciled, l.votes]), [['sample', undefined, undefined]]);
  });

  it('without payments to read (an append-only ledger), a top-up\'s line lists only the votes it paid for', async () => {
    const lines: LedgerCall[] = [];
    const wrapped = wrapModel(scripted(), withSpend(undefined, { append: (line) => lines.push(line) }), withCache(new ResponseCache(tempDir())));
    await wrapped.chat(votes([0, 1, 2, 3]));
    await wrapped.chat(votes([0, 1, 2, 3, 4, 5]));
    assert.deepEqual(lines.map((l) => l.votes), [[0, 1, 2, 3], [4, 5]]);
  });
});

describe('two writers topping up one votes entry', () => {
  it('lose no vote: each merge reads and writes in one transaction', async () => {
    const dir = tempDir();
    const model = scripted();
    await wrapModel(model, withCache(new ResponseCache(dir, { paidBy: '/runs/a' }))).chat(votes([0, 1]));
    // Two caches on the folder (as two processes would be): both read the entry before either writes.
    const a = wrapModel(model, withCache(new ResponseCache(dir, { paidBy: '/runs/a' })));
    const b = wrapModel(model, withCache(new ResponseCache(dir, { paidBy: '/runs/b' })));
    await Promise.all([a.chat(votes([0, 1, 2, 3])), b.chat(votes([0, 1, 4, 5]))]);
    const cache = new ResponseCache(dir);
    await cache.flushed();
    const key = cache.keyFor(model, prompt(), { sampleIndex: VOTE_SET, purpose: 'af-vote' });
    const entry = cache.get(key);
    assert.deepEqual(entry?.votes?.map((v) => v.index), [0, 1, 2, 3, 4, 5]);
    assert.equal(entry?.usage.outputTokens, 60, 'the usage of all three payments');
    assert.deepEqual(new ResponseCache(dir, { paidBy: '/runs/b' }).paymentsHere(key).map((p) => p.votes), [[4, 5]]);
    assert.equal(model.asked.length, 3);
  });
});

describe('migrating old per-vote entries', () => {
  it('a failed write is counted in one line, the answer returned, the old entries kept for the next try', async () => {
    const dir = tempDir();
    const model = scripted();
    const old = new ResponseCache(dir);
    for (const k of [0, 1]) await old.put(old.keyFor(model, prompt(), { sampleIndex: k, purpose: 'af-vote' }), model.spec, 'af-vote', { text: `old vote ${k}`, usage: { inputTokens: 1, outputTokens: 1 }, finishReason: 'stop', prefillApplied: false });
    await old.flushed();
    const full = () => Promise.reject(new Error('cannot write responses.lmdb: the disk is full (no space left for the cache)'));
    // The write that removes the old entries fails, as on a full disk (here the new entry's write and
    // the removals are one transaction: `update`; earlier versions removed them one by one: `remove`).
    const proto = LmdbResponseStore.prototype as unknown as Record<string, unknown>;
    const saved = Object.fromEntries(['update', 'remove'].map((name) => [name, proto[name]]));
    for (const name of Object.keys(saved)) if (saved[name]) proto[name] = full;
    const cache = new ResponseCache(dir);
    let response;
    try {
      response = await wrapModel(model, withCache(cache)).chat(votes([0, 1]));
    } finally {
      for (const [name, fn] of Object.entries(saved)) if (fn) proto[name] = fn;
    }
    assert.deepEqual(response.votes?.map((v) => v.text), ['old vote 0', 'old vote 1']);
    assert.equal(cache.writeErrors, 1);
    assert.match(cache.lastWriteError ?? '', /disk is full/);
    assert.equal(model.asked.length, 0);
    // Nothing lost: the old entries are still there, and the next call moves them.
    const next = new ResponseCache(dir);
    assert.equal(next.get(next.keyFor(model, prompt(), { sampleIndex: 1, purpose: 'af-vote' }))?.text, 'old vote 1');
    await wrapModel(model, withCache(next)).chat(votes([0, 1]));
    await next.flushed();
    assert.equal(next.get(next.keyFor(model, prompt(), { sampleIndex: 1, purpose: 'af-vote' })), undefined);
    assert.equal(new LmdbResponseStore(dir).count(), 1);
  });
});

describe('without a cache', () => {
  it('each call is logged under the key a cached run keeps its answer under: the messages are in it', async () => {
    const lines: LedgerCall[] = [];
    const model = scripted();
    const bare = wrapModel(model, withSpend(undefined, { append: (line) => lines.push(line) }));
    await bare.chat({ ...prompt('transcript A'), call: { sampleIndex: 0, purpose: 'judge' } });
    await bare.chat({ ...prompt('transcript B'), call: { sampleIndex: 0, purpose: 'judge' } });
    await bare.chat(votes([0, 1, 2], 'transcript A'));
    const cache = new ResponseCache(tempDir());
    assert.notEqual(lines[0].cacheKey, lines[1].cacheKey, 'two transcripts, two keys');
    assert.equal(lines[0].cacheKey, cache.keyFor(model, prompt('transcript A'), { sampleIndex: 0, purpose: 'judge' }));
    assert.equal(lines[2].cacheKey, cache.keyFor(model, prompt('transcript A'), { sampleIndex: VOTE_SET, purpose: 'af-vote' }));
    assert.deepEqual(lines[2].votes, [0, 1, 2]);
  });
});

describe('cache clear', () => {
  it('--older-than decides inside its transaction: an answer a run writes again while the clear starts is kept', async () => {
    const dir = tempDir();
    const answer = { text: 'a', usage: { inputTokens: 1, outputTokens: 1 }, finishReason: 'stop' as const, prefillApplied: false };
    const store = new LmdbResponseStore(dir);
    const [x, y] = ['1', '2'].map((c) => c.repeat(64));
    for (const key of [x, y]) await store.put(key, { spec: 'test/judge', purpose: 'judge', createdAt: '2020-01-01T00:00:00.000Z', response: answer });
    // A run writes x again (its commit not yet made) as the clear begins.
    const written = new ResponseCache(dir).put(x, 'test/judge', 'judge', { ...answer, text: 'fresh' });
    assert.deepEqual(await clearCache(dir, { olderThanMs: 3_600_000 }), { removed: 1, kept: 1 });
    await written;
    assert.equal(new ResponseCache(dir).get(x)?.text, 'fresh');
    assert.equal(new ResponseCache(dir).get(y), undefined);
  });

  it('removes in bounded transactions, each all or nothing, and counts what each decided', async () => {
    const dir = tempDir();
    const store = new LmdbResponseStore(dir);
    const answer = { text: 'a', usage: { inputTokens: 1, outputTokens: 1 }, finishReason: 'stop' as const, prefillApplied: false };
    const keys = ['1', '2', '3', '4', '5'].map((c) => c.repeat(64));
    for (const [i, key] of keys.entries()) await store.put(key, { spec: 'test/judge', purpose: 'judge', createdAt: i % 2 ? '2020-01-01T00:00:00.000Z' : new Date().toISOString(), response: answer });
    assert.deepEqual(await store.removeWhere((entry) => entry !== undefined && entry.createdAt < '2021-01-01', 2), { removed: 2, kept: 3 });
    assert.deepEqual(await clearCache(dir), { removed: 3, kept: 0 });
    assert.equal(store.count(), 0);
  });
});

/** A tmpfs of `size` on a fresh temp folder (root only), or why not. */
function mountTmpfs(size: string): { dir: string; unmount: () => void } | string {
  if (process.getuid?.() !== 0) return 'mounting a tmpfs needs root';
  const dir = tempDir();
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'ignore' });
  } catch {
    return 'mount -t tmpfs is not allowed here';
  }
  return {
    dir,
    unmount: () => {
      try {
        execFileSync('umount', [dir], { stdio: 'ignore' });
      } catch {
        execFileSync('umount', ['-l', dir]);
      }
    },
  };
}

describe('the store after a failed commit, and the room check', () => {
  const mount = mountTmpfs('1m');
  // Unmounted whichever of its tests ran (a name pattern may run none).
  after(async () => {
    await closeResponseStores();
    if (typeof mount !== 'string') mount.unmount();
  });
  it('no call to a paid model while a folder has no room for its answer; a simulated model is left as it is', { skip: typeof mount === 'string' ? mount : false }, async () => {
    const { dir } = mount as { dir: string; unmount: () => void };
    const model = scripted();
    const folders = [{ path: dir, what: 'the cache folder (--cache)' }];
    const roomy = wrapModel(model, withRoomBeforePaying(folders));
    assert.equal((await roomy.chat(prompt())).text, 'vote 0 of transcript A');
    const { bavail, bsize } = statfsSync(dir);
    const filler = join(dir, 'filler');
    writeFileSync(filler, Buffer.alloc(Math.max(0, Number(bavail) * Number(bsize) - 100 * 1024)));
    try {
      const err = await roomy.chat(prompt()).then(() => undefined, (e: unknown) => e);
      assert.ok(err instanceof NoRoomToPay);
      assert.equal(err.name, 'NoRoomToPay');
      assert.match(err.reason, /^the cache folder \(--cache\) .* bytes free, under the \d+ bytes kept for each paid answer$/);
      assert.equal(model.asked.length, 1, 'not asked');
      // A sample's later turn is sent all the same: its earlier turns are paid for and its record is written only at its end.
      const laterTurn: ChatRequest = { ...prompt(), messages: [{ role: 'user', content: 'transcript A' }, { role: 'assistant', content: 'first answer' }, { role: 'user', content: 'go on' }] };
      assert.equal((await roomy.chat(laterTurn)).text, 'vote 0 of transcript A');
      assert.equal(model.asked.length, 2);
      const simulated = { ...scripted(), simulated: true };
      assert.equal(withRoomBeforePaying(folders)(simulated), simulated);
    } finally {
      rmSync(filler, { force: true });
    }
  });

  it('counts failed commits until one succeeds, then starts again from 0 (and waits for the disk flush again)', { skip: typeof mount === 'string' ? mount : false }, async () => {
    const { dir } = mount as { dir: string; unmount: () => void };
    try {
      const store = new LmdbResponseStore(join(dir, 'cache'));
      const entry = (text: string) => ({ spec: 'test/judge', purpose: 'judge', createdAt: new Date().toISOString(), response: { text, usage: { inputTokens: 1, outputTokens: 1 }, finishReason: 'stop', prefillApplied: false } });
      // Answers of 300 KB into a disk of 1 MB until a commit meets the full disk.
      let failure: unknown;
      for (let i = 0; i < 8 && failure === undefined; i++) failure = await store.put(String(i).repeat(64), entry('x'.repeat(300 * 1024))).then(() => undefined, (err: unknown) => err);
      assert.match(String(failure), /the disk is full/);
      assert.equal(store.failedCommits, 1);
      execFileSync('mount', ['-o', 'remount,size=16m', dir]);
      await store.put('b'.repeat(64), entry('small'));
      assert.equal(store.failedCommits, 0, 'a commit that succeeds resets the count');
      await store.flushed();
      assert.equal(store.get('b'.repeat(64))?.purpose, 'judge');
    } finally {
      await closeResponseStores();
    }
  });
});
