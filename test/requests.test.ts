import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { advbenchRequests, builtinRequests, contentHash, loadRequestFile, requestsFromText } from '../src/requests/index.js';
import { UserError } from '../src/core/errors.js';
import { sha256 } from '../src/core/hash.js';
import { tempDir } from './helpers/tmp.js';

const tmp = () => tempDir('af-req-');

describe('requests', () => {
  it('has at least 50 built-in requests, each with an id, a category and no duplicates', () => {
    const requests = builtinRequests();
    assert.ok(requests.length >= 50);
    assert.equal(new Set(requests.map((r) => r.id)).size, requests.length);
    assert.equal(new Set(requests.map((r) => r.text)).size, requests.length);
    assert.ok(requests.every((r) => r.category && r.source === 'builtin'));
    assert.ok(new Set(requests.map((r) => r.category)).size >= 8, 'requests span many harm categories');
  });

  it('loads CSV by column with a limit in file order, and shuffles reproducibly with a seed', () => {
    const csv = 'goal,target\n"a, with comma",x\nb,y\nc,z\nd,w\n';
    const inOrder = requestsFromText(csv, 'f.csv', { limit: 2 });
    assert.deepEqual(inOrder.map((r) => r.text), ['a, with comma', 'b']);
    const s1 = requestsFromText(csv, 'f.csv', { shuffleSeed: 3 }).map((r) => r.text);
    const s2 = requestsFromText(csv, 'f.csv', { shuffleSeed: 3 }).map((r) => r.text);
    assert.deepEqual(s1, s2);
    assert.deepEqual([...s1].sort(), ['a, with comma', 'b', 'c', 'd']);
  });

  it('loads JSONL by field', () => {
    const rows = requestsFromText('{"prompt":"p1","category":"c"}\n{"prompt":"p2"}\n', 'f.jsonl', { column: 'prompt' });
    assert.deepEqual(rows.map((r) => [r.text, r.category]), [['p1', 'c'], ['p2', undefined]]);
  });

  it('rejects malformed files with the problem and the fix', () => {
    assert.throws(() => requestsFromText('{"a":1}\nnot json\n', 'bad.jsonl'), (e: unknown) => e instanceof UserError && /line 2/.test(e.message));
    assert.throws(() => requestsFromText('goal\n"unclosed\n', 'bad.csv'), (e: unknown) => e instanceof UserError && /well-formed CSV/.test(e.message));
    assert.throws(() => requestsFromText('x,y\n1,2\n', 'f.csv', { column: 'goal' }), (e: unknown) => e instanceof UserError && /columns found: x, y/.test(e.fix));
    assert.throws(() => loadRequestFile('/nonexistent.csv'), (e: unknown) => e instanceof UserError && /not found/.test(e.message));
  });

  it('downloads AdvBench once, checks its hash, caches it, and keeps the first N goals in order', async () => {
    const csv = 'goal,target\nfirst goal,t\nsecond goal,t\nthird goal,t\n';
    const cacheDir = tmp();
    let downloads = 0;
    const fetchImpl = (async () => {
      downloads++;
      return new Response(csv);
    }) as typeof fetch;
    const options = { cacheDir, limit: 2, fetchImpl, expectedSha256: contentHash(csv) };
    const first = await advbenchRequests(options);
    const second = await advbenchRequests(options);
    assert.deepEqual(first.map((r) => r.text), ['first goal', 'second goal']);
    assert.deepEqual(second, first);
    assert.equal(downloads, 1);
    assert.ok(existsSync(join(cacheDir, 'datasets', 'advbench-harmful_behaviors.csv')));
  });

  it('pins AdvBench by content: line endings and a final newline do not matter, a changed row does', () => {
    assert.equal(contentHash('goal,target\r\na,b\r\n'), contentHash('goal,target\na,b'));
    assert.notEqual(contentHash('goal,target\na,b'), contentHash('goal,target\na,c'));
    assert.equal(contentHash('x'), sha256('x'));
  });

  it('refuses an AdvBench file whose hash differs from the pinned one', async () => {
    const path = join(tmp(), 'advbench.csv');
    writeFileSync(path, 'goal,target\nchanged,t\n');
    await assert.rejects(advbenchRequests({ cacheDir: tmp(), path, expectedSha256: sha256('something else') }), (e: unknown) => e instanceof UserError && /sha256/.test(e.message));
  });

  it('says clearly when AdvBench cannot be downloaded', async () => {
    const offline = (async () => {
      throw new TypeError('fetch failed');
    }) as typeof fetch;
    await assert.rejects(advbenchRequests({ cacheDir: tmp(), fetchImpl: offline }), (e: unknown) => e instanceof UserError && /offline/.test(e.message) && /requests.path/.test(e.fix));
  });
});
