// The batch code that decides what is paid for and what is sent again, on golden cases: which results
// belong to an intent, how a round is cut at the providers' limits, which failed lines are sent again,
// how an Anthropic batch is found again after a kill, and the ledger lines of batch results (each
// once). These are the files Stryker mutates for the batch code (stryker.batch.config.json).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ownResults, wireId, wireLines } from '../src/pipeline/batch/match.js';
import { splitAtLimits } from '../src/pipeline/batch/split.js';
import { BatchBook } from '../src/pipeline/batch/book.js';
import { BatchLedger, answeredUsage } from '../src/pipeline/batch/ledger.js';
import type { BatchRecord } from '../src/pipeline/batch/store.js';
import { matchInProgress, sameIds } from '../src/models/batch/find.js';
import { errorKindOfStatus, resendable } from '../src/models/batch/errors.js';
import type { BatchStatus, LineResult } from '../src/models/batch/index.js';
import { CostMeter, batchPriceFor, costOf } from '../src/cost/index.js';
import { tempDir } from './helpers/tmp.js';

const ok = (customId: string, body: unknown = {}): LineResult => ({ customId, ok: true, body });
const failed = (customId: string, kind: string): LineResult => ({ customId, ok: false, kind: kind as 'other', message: `scripted ${kind}` });

describe('which results belong to an intent', () => {
  it('sends line i of an intent as <intent>_<i>', () => {
    assert.equal(wireId('20261207-ab12', 0), '20261207-ab12_0');
    assert.deepEqual(wireLines('I', [{ customId: 'x', body: { a: 1 } }, { customId: 'y', body: { b: 2 } }]), [{ customId: 'I_0', body: { a: 1 } }, { customId: 'I_1', body: { b: 2 } }]);
  });

  it("maps the intent's results, in any order and some missing, back to its lines' own ids", () => {
    assert.deepEqual(ownResults('I', ['a', 'b', 'c'], [ok('I_2'), failed('I_0', 'expired')]), { results: [ok('c'), failed('a', 'expired')] });
    assert.deepEqual(ownResults('I', ['a'], []), { results: [] });
    assert.deepEqual(ownResults('I', Array.from({ length: 11 }, (_, i) => `l${i}`), [ok('I_10')]), { results: [ok('l10')] });
  });

  it('refuses results with a line of another intent, an index out of range or not written canonically, or a line twice', () => {
    const refused = (results: LineResult[]) => {
      const out = ownResults('I', ['a', 'b'], results);
      return 'refused' in out ? out.refused : undefined;
    };
    assert.equal(refused([ok('J_0')]), `its line "J_0" is not one of intent I's 2 lines`);
    assert.match(refused([ok('I_0'), ok('I_2')])!, /"I_2" is not one of intent I's 2 lines/);
    for (const id of ['I_01', 'I_-1', 'I_', 'I_1x', 'I_0.0', 'I0', 'xI_0', 'I_ 1']) assert.ok(refused([ok(id)]), id);
    assert.equal(refused([ok('I_1'), failed('I_1', 'expired')]), 'it answers line "I_1" twice');
    assert.equal(refused([ok('I_0'), ok('I_1')]), undefined);
  });
});

describe('cutting a round at the limits', () => {
  const lines = Array.from({ length: 5 }, (_, i) => i);
  it('cuts at the requests per batch and says so', () => {
    assert.deepEqual(splitAtLimits(lines, { maxRequests: 2, maxBytes: 1e9 }, () => 10), { chunks: [[0, 1], [2, 3], [4]], splitBy: 'limit of 2 requests per batch' });
    assert.deepEqual(splitAtLimits(lines, { maxRequests: 5, maxBytes: 1e9 }, () => 10), { chunks: [lines] }, 'exactly at the limit: one batch');
    assert.deepEqual(splitAtLimits(Array.from({ length: 3 }, (_, i) => i), { maxRequests: 50_000, maxBytes: 1e9 }, () => 1), { chunks: [[0, 1, 2]] });
    assert.equal(splitAtLimits(Array.from({ length: 50_001 }, (_, i) => i), { maxRequests: 50_000, maxBytes: 1e12 }, () => 1).splitBy, 'limit of 50,000 requests per batch');
  });

  it('cuts at the bytes per batch (a batch may fill it exactly) and says so, in MB from 1 MB', () => {
    assert.deepEqual(splitAtLimits(lines, { maxRequests: 100, maxBytes: 20 }, () => 10), { chunks: [[0, 1], [2, 3], [4]], splitBy: 'limit of 20 bytes per batch' });
    assert.deepEqual(splitAtLimits(lines, { maxRequests: 100, maxBytes: 50 }, () => 10), { chunks: [lines] });
    assert.deepEqual(splitAtLimits(lines, { maxRequests: 100, maxBytes: 49 }, () => 10), { chunks: [[0, 1, 2, 3], [4]], splitBy: 'limit of 49 bytes per batch' });
    assert.equal(splitAtLimits(lines, { maxRequests: 100, maxBytes: 200 * 1024 * 1024 }, () => 100 * 1024 * 1024).splitBy, 'limit of 200 MB per batch');
    assert.equal(splitAtLimits(lines, { maxRequests: 100, maxBytes: 1024 * 1024 }, () => 1024 * 1024).splitBy, 'limit of 1 MB per batch');
    assert.equal(splitAtLimits(lines, { maxRequests: 100, maxBytes: 1024 * 1024 - 1 }, () => 1024 * 1024 - 1).splitBy, `limit of ${1024 * 1024 - 1} bytes per batch`);
    // A line larger than the limit goes alone (the provider refuses it; it is not lost here).
    assert.deepEqual(splitAtLimits([0, 1], { maxRequests: 100, maxBytes: 5 }, () => 10), { chunks: [[0], [1]], splitBy: 'limit of 5 bytes per batch' });
  });

  it('names the limit that cut first, and gives no batch for no lines', () => {
    assert.equal(splitAtLimits(lines, { maxRequests: 2, maxBytes: 30 }, () => 10).splitBy, 'limit of 2 requests per batch');
    assert.equal(splitAtLimits(lines, { maxRequests: 3, maxBytes: 20 }, () => 10).splitBy, 'limit of 20 bytes per batch');
    assert.deepEqual(splitAtLimits([], { maxRequests: 1, maxBytes: 1 }, () => 10), { chunks: [] });
  });
});

describe('which failed lines are sent again', () => {
  it('an answer is never replaced by a later failure; failures read now are counted', () => {
    const book = new BatchBook(2);
    book.setResult(ok('a'), true);
    book.setResult(failed('a', 'server_error'), true);
    assert.equal(book.results.get('a')!.ok, true);
    assert.equal(book.failuresNow.get('a'), undefined);
    book.setResult(failed('b', 'server_error'), false);
    assert.equal(book.failuresNow.get('b'), undefined, 'a failure read by an earlier process is not counted');
    book.setResult(failed('b', 'server_error'), true);
    book.setResult(failed('b', 'server_error'), true);
    assert.equal(book.failuresNow.get('b'), 2);
    book.setResult(ok('b'), true);
    assert.equal(book.results.get('b')!.ok, true, 'a failure is replaced by an answer');
  });

  it('gives up on a refused line at once, a cancelled one after it failed in this process, others after maxResends resends', () => {
    const book = new BatchBook(2);
    assert.equal(book.givenUpOn('unknown'), false);
    book.setResult(ok('answered'), true);
    assert.equal(book.givenUpOn('answered'), false);
    book.setResult(failed('refused', 'bad_request'), false);
    assert.equal(book.givenUpOn('refused'), true);
    book.setResult(failed('cancelled', 'cancelled'), false);
    assert.equal(book.givenUpOn('cancelled'), false, 'cancelled in an earlier process: sent again');
    book.setResult(failed('cancelled', 'cancelled'), true);
    assert.equal(book.givenUpOn('cancelled'), true);
    for (const [times, expected] of [[1, false], [2, false], [3, true]] as const) {
      const id = `expired${times}`;
      for (let i = 0; i < times; i++) book.setResult(failed(id, 'expired'), true);
      assert.equal(book.givenUpOn(id), expected, `${times} failures`);
    }
    const none = new BatchBook(0);
    none.setResult(failed('x', 'server_error'), true);
    assert.equal(none.givenUpOn('x'), true);
  });

  it('rebuilds from the records: lines in flight are live, a line its results lack has failed, each batch counted once per process', () => {
    const record = (intentId: string, lines: string[], downloadedAt?: string, extra: Partial<BatchRecord> = {}): BatchRecord => ({
      schema: 1, intentId, provider: 'openai', model: 'openai/m', role: 'sample', createdAt: '2026-12-07T10:00:00Z', state: downloadedAt ? 'completed' : 'in_progress',
      lines: lines.map((customId) => ({ customId, requestHash: 'h' })), ...(downloadedAt ? { downloadedAt } : {}), ...extra,
    });
    const results: Record<string, LineResult[]> = { old: [failed('o1', 'expired')], now: [ok('n1'), failed('n2', 'server_error')], failedWhole: [] };
    const records = [
      record('old', ['o1'], '2026-12-07T09:00:00Z'),
      record('now', ['n1', 'n2', 'n3'], '2026-12-07T12:00:00Z'),
      record('failedWhole', ['f1'], '2026-12-07T11:00:00Z', { state: 'failed', reason: 'scripted validation failure' }),
      record('flight', ['l1', 'l2']),
    ];
    const book = new BatchBook(2);
    book.wanted.set('w', {} as never);
    book.answered = 3;
    book.waiting = 4;
    // A batch read at the very moment the process started (failedWhole) was read by it.
    const startedAt = '2026-12-07T11:00:00Z';
    book.rebuild(records, (r) => results[r.intentId], startedAt);
    assert.deepEqual([...book.live].sort(), ['l1', 'l2']);
    assert.deepEqual([book.wanted.size, book.answered, book.waiting], [0, 0, 0]);
    assert.equal(book.results.get('n1')!.ok, true);
    assert.deepEqual(book.results.get('n3'), { customId: 'n3', ok: false, kind: 'other', message: 'the batch ended (completed) without an answer for this line' });
    assert.deepEqual(book.results.get('f1'), { customId: 'f1', ok: false, kind: 'other', message: 'scripted validation failure' });
    assert.deepEqual(Object.fromEntries(book.failuresNow), { n2: 1, n3: 1, f1: 1 }, 'only batches read since the process started count');
    assert.deepEqual([...book.counted].sort(), ['failedWhole', 'now']);
    book.rebuild(records, (r) => results[r.intentId], startedAt);
    assert.deepEqual(Object.fromEntries(book.failuresNow), { n2: 1, n3: 1, f1: 1 }, 'rebuilt again: not counted twice');
    // A line answered meanwhile (in the book) is not replaced by an older batch's failure.
    const again = new BatchBook(2);
    again.setResult(ok('o1'), true);
    again.rebuild(records.slice(0, 1), (r) => results[r.intentId], startedAt);
    assert.equal(again.results.get('o1')!.ok, true);
    // The record just read in this process: its own failure is set, the earlier answer kept.
    const later = new BatchBook(2);
    later.setResult(failed('n2', 'expired'), false);
    later.rebuild([records[1]], (r) => results[r.intentId], startedAt);
    assert.equal((later.results.get('n2') as { kind: string }).kind, 'server_error');
    const older = new BatchBook(2);
    older.setResult(failed('o1', 'server_error'), false);
    older.rebuild(records.slice(0, 1), (r) => results[r.intentId], startedAt);
    assert.equal((older.results.get('o1') as { kind: string }).kind, 'server_error', 'an older batch does not replace what the book has');
    assert.equal(older.failuresNow.size, 0);
  });
});

describe('finding an Anthropic batch again (no metadata)', () => {
  const status = (id: string, createdAt: string): BatchStatus => ({ id, state: 'in_progress', counts: { total: 4, succeeded: 0, failed: 0 }, createdAt });
  it('by its custom ids once ended: the same set, each once', () => {
    const wanted = new Set(['I_0', 'I_1']);
    assert.equal(sameIds(['I_1', 'I_0'], wanted), true);
    assert.equal(sameIds(['I_0'], wanted), false);
    assert.equal(sameIds(['I_0', 'I_1', 'I_2'], wanted), false);
    assert.equal(sameIds(['I_0', 'I_0'], wanted), false);
    assert.equal(sameIds(['I_0', 'J_1'], wanted), false);
  });

  it('in progress: the first created at or after the intent, else the newest before it', () => {
    const intent = '2026-12-07T12:00:00.000Z';
    const before1 = status('b1', '2026-12-07T11:58:00.000Z');
    const before2 = status('b2', '2026-12-07T11:59:00.000Z');
    const at = status('at', intent);
    const after1 = status('a1', '2026-12-07T12:00:01.000Z');
    const after2 = status('a2', '2026-12-07T12:00:05.000Z');
    assert.equal(matchInProgress([after2, before2, after1, before1], intent)!.id, 'a1');
    assert.equal(matchInProgress([after2, at, after1], intent)!.id, 'at');
    assert.equal(matchInProgress([before1, before2], intent)!.id, 'b2');
    assert.equal(matchInProgress([before2, before1], intent)!.id, 'b2');
    assert.equal(matchInProgress([], intent), undefined);
  });
});

describe("a failed line's kind", () => {
  it('from its HTTP status, and whether it is worth sending again', () => {
    assert.deepEqual([undefined, 429, 401, 403, 400, 404, 422, 500, 503, 499, 302].map(errorKindOfStatus), ['other', 'rate_limited', 'auth', 'auth', 'bad_request', 'bad_request', 'bad_request', 'server_error', 'server_error', 'other', 'other']);
    assert.deepEqual(['bad_request', 'content_policy', 'auth', 'server_error', 'rate_limited', 'expired', 'cancelled', 'other'].map(resendable), [false, false, false, true, true, true, true, true]);
  });
});

describe('batch lines in the ledger (calls.jsonl)', () => {
  const usageOf = (n: number) => ({ inputTokens: 1000 * n, outputTokens: 100 * n });
  // Reads any body (a failed line has none: 5 units), so only the ledger's own rule keeps failed lines out.
  const client = { response: (body: unknown) => ({ text: '', finishReason: 'stop' as const, usage: usageOf((body as { n?: number } | undefined)?.n ?? 5) }) as never };
  const malformed = { response: (body: unknown) => { if ((body as { n: number }).n === 2) throw new Error('no choices'); return client.response(body); } };
  const record: BatchRecord = {
    schema: 1, intentId: 'I', provider: 'openai', model: 'openai/gpt-4o-mini', role: 'judge', createdAt: '2026-12-07T10:00:00Z', state: 'completed',
    lines: [{ customId: 'a', requestHash: 'h', cacheKey: 'key-a', purpose: 'af-vote' }, { customId: 'b', requestHash: 'h' }, { customId: 'c', requestHash: 'h' }],
  };
  const results = [ok('a', { n: 1 }), ok('b', { n: 2 }), failed('c', 'expired')];
  const price = batchPriceFor('openai/gpt-4o-mini')!;

  it('one line per answered line, at the batch price, each logged once however often it is asked', () => {
    const dir = tempDir();
    try {
      const meter = new CostMeter();
      const ledger = new BatchLedger(dir, meter);
      const cost = ledger.log(record, results, client, false);
      assert.equal(cost, costOf(usageOf(1), price) + costOf(usageOf(2), price));
      assert.equal(meter.spentUsd, cost);
      assert.equal(meter.byPurpose.get('openai/gpt-4o-mini')!.get('af-vote')!.calls, 1);
      assert.equal(ledger.log(record, results, client, true), 0, 'asked again: nothing logged');
      const lines = readFileSync(join(dir, 'calls.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      assert.deepEqual(lines.map(({ at: _at, ...rest }) => rest), [
        { model: 'openai/gpt-4o-mini', purpose: 'af-vote', cacheKey: 'key-a', usage: usageOf(1), costUsd: costOf(usageOf(1), price), batched: true, batch: 'I', customId: 'a' },
        { model: 'openai/gpt-4o-mini', purpose: 'judge', cacheKey: 'b', usage: usageOf(2), costUsd: costOf(usageOf(2), price), batched: true, batch: 'I', customId: 'b' },
      ]);
      // Another process (a re-run) reads the ledger: nothing is logged twice; a kill's torn line is cut off and logged again.
      // A line not marked batched is no batch line, whatever its fields (here: the one the re-run must log).
      appendFileSync(join(dir, 'calls.jsonl'), `${JSON.stringify({ at: 'x', model: 'm', purpose: 'judge', cacheKey: 'k', usage: usageOf(0), batch: 'I', customId: 'a' })}\n`);
      appendFileSync(join(dir, 'calls.jsonl'), '{"at":"torn');
      const lines2 = readFileSync(join(dir, 'calls.jsonl'), 'utf8');
      writeFileSync(join(dir, 'calls.jsonl'), lines2.split('\n').slice(1).join('\n'));
      assert.match(readFileSync(join(dir, 'calls.jsonl'), 'utf8'), /^\{"at".*"customId":"b"\}\n\{"at":"x".*\n\{"at":"torn$/);
      const meter2 = new CostMeter();
      const again = new BatchLedger(dir, meter2);
      const reconciled = again.log(record, results, client, true);
      assert.equal(reconciled, costOf(usageOf(1), price), 'the line missing from the ledger, and only it');
      assert.equal(meter2.spentUsd, reconciled);
      const after = readFileSync(join(dir, 'calls.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      assert.deepEqual(after.map((l) => [l.customId, l.batched, l.reconciled]), [['b', true, undefined], ['a', undefined, undefined], ['a', true, true]]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('samples carry no purpose in the meter; without a meter the batch price is used; a body it cannot read is not logged', () => {
    const dir = tempDir();
    try {
      mkdirSync(dir, { recursive: true });
      const sample = { ...record, role: 'sample' as const, lines: record.lines.map(({ customId, requestHash }) => ({ customId, requestHash })) };
      const meter = new CostMeter();
      new BatchLedger(dir, meter).log(sample, results, malformed, false);
      assert.equal(meter.byPurpose.size, 0);
      const lines = readFileSync(join(dir, 'calls.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      assert.deepEqual(lines.map((l) => [l.customId, l.purpose]), [['a', 'sample']]);
      const dir2 = join(dir, 'other');
      mkdirSync(dir2);
      assert.equal(new BatchLedger(dir2).log(sample, results, client, false), costOf(usageOf(1), price) + costOf(usageOf(2), price));
      const summed = answeredUsage(sample, results, client);
      assert.deepEqual([summed.usage, summed.costUsd, summed.lines.length], [{ inputTokens: 3000, outputTokens: 300 }, costOf(usageOf(1), price) + costOf(usageOf(2), price), 2]);
      assert.equal(answeredUsage({ model: 'together/x' }, results, client).costUsd, 0, 'no batch price: $0');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
