// Prompt files loaded by URL from a loopback HTTP server: downloaded once into the cache with the
// sha256 recorded in the setting's lock (and in every record), served from the cache afterwards (also
// offline), a pinned sha256 that does not match is an error naming both hashes, offline with no
// cached copy is one line saying how to pass a local copy, and a failure writes nothing.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { parseExperiment } from '../src/core/config.js';
import { isUserError, UserError } from '../src/core/errors.js';
import { sha256 } from '../src/core/hash.js';
import { planSamples } from '../src/run/plan.js';
import { cachedCopyPath, readLock, resolveSetting, type SettingInput } from '../src/settings/index.js';
import { tempDir } from './helpers/tmp.js';

const COT = 'A system prompt served over HTTP for the test (CoT). Answer inside <OUTPUT> tags.\n';
const NO_COT = 'A system prompt served over HTTP for the test (no-CoT).\n';

let server: Server;
let base: string;
let files: Record<string, string>;
let hits: string[];

before(async () => {
  server = createServer((req, res) => {
    hits.push(req.url ?? '');
    const body = files[req.url ?? ''];
    if (body === undefined) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': 'text/plain' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  files = { '/prompts/cot.txt': COT, '/prompts/no-cot.txt': NO_COT };
  hits = [];
});

/** A setting file in a fresh folder whose system prompts are URLs on the loopback server. */
function settingDir(overrides: Partial<SettingInput> = {}) {
  const dir = tempDir('af-lab-settings-');
  const setting: SettingInput = {
    name: 'remote',
    description: 'prompts by URL (test)',
    source: { title: 'test' },
    systemPrompts: { cot: { url: `${base}/prompts/cot.txt`, wording: 'source' }, 'no-cot': { url: `${base}/prompts/no-cot.txt`, wording: 'source' } },
    fidelity: Object.fromEntries(
      ['system prompt', 'user turn', 'suffix', 'tier rendering', 'answer extraction', 'proxy', 'denominator', 'judge criteria', 'requests', 'sampling parameters'].map((e) => [e, { status: 'exact', what: 'test' }]),
    ) as SettingInput['fidelity'],
    ...overrides,
  };
  writeFileSync(join(dir, 'remote.json'), JSON.stringify(setting));
  return { dir, path: join(dir, 'remote.json'), lockPath: join(dir, 'remote.lock.json'), cacheDir: join(dir, 'cache') };
}

async function userError(promise: Promise<unknown>): Promise<UserError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(isUserError(err), `expected a UserError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected an error');
}

const cacheFiles = (cacheDir: string) => (existsSync(join(cacheDir, 'settings')) ? readdirSync(join(cacheDir, 'settings')) : []);

describe('prompt files by URL', () => {
  it('are downloaded once: the sha256 goes into the lock file and every record; later loads use the cache, offline too', async () => {
    const s = settingDir();
    const first = await resolveSetting(s.path, { cacheDir: s.cacheDir });
    assert.equal(first.systemPrompts.cot!.text, COT, 'a source-worded text is kept byte for byte, its trailing newline included');
    assert.equal(first.systemPrompts.cot!.identity, 'recorded on first use');
    assert.equal(first.systemPrompts.cot!.origin, 'url');
    assert.equal(first.sources['system-cot'], sha256(COT));
    assert.equal(first.sources['system-no-cot'], sha256(NO_COT));
    assert.deepEqual(hits.sort(), ['/prompts/cot.txt', '/prompts/no-cot.txt']);
    const lock = readLock(s.lockPath, 'remote');
    assert.equal(lock.files[`${base}/prompts/cot.txt`].sha256, sha256(COT));
    assert.equal(lock.files[`${base}/prompts/no-cot.txt`].bytes, Buffer.byteLength(NO_COT));
    assert.equal(readFileSync(cachedCopyPath(s.cacheDir, `${base}/prompts/cot.txt`), 'utf8'), COT);

    // Every planned sample (hence every record) carries the hashes.
    const config = parseExperiment({ setting: s.path, models: ['sim/faker'], variants: ['baseline'], requests: { source: 'builtin', limit: 1 }, cacheDir: s.cacheDir, outDir: join(s.dir, 'results') });
    const planned = await planSamples(config);
    assert.ok(planned.every((p) => p.setting?.sources['system-cot'] === sha256(COT) && p.setting.name === 'remote'));
    assert.ok(planned.some((p) => p.systemPrompt.startsWith('A system prompt served over HTTP for the test (CoT).')));

    // Served from the cache: no new request, even with the files gone from the server.
    hits = [];
    files = {};
    const again = await resolveSetting(s.path, { cacheDir: s.cacheDir });
    assert.equal(again.systemPrompts.cot!.origin, 'cache');
    assert.equal(again.sources['system-cot'], sha256(COT));
    assert.deepEqual(hits, []);
  });

  it('refuse a download whose sha256 differs from the pinned one, naming both hashes, and write nothing', async () => {
    const wrong = 'ab'.repeat(32);
    const s = settingDir({ systemPrompts: { cot: { url: `${base}/prompts/cot.txt`, sha256: wrong, wording: 'source' }, 'no-cot': { url: `${base}/prompts/no-cot.txt`, wording: 'source' } } });
    const err = await userError(resolveSetting(s.path, { cacheDir: s.cacheDir, reasonings: ['cot'] }));
    assert.match(err.message, new RegExp(`sha256 ${sha256(COT)}, but ${wrong} is pinned`));
    assert.equal(err.describe().split('\n').length, 1);
    assert.deepEqual(cacheFiles(s.cacheDir), []);
    assert.equal(existsSync(s.lockPath), false);
  });

  it('refuse a file that changed at its source since the lock recorded it (trust on first use), and keep the lock', async () => {
    const s = settingDir();
    await resolveSetting(s.path, { cacheDir: s.cacheDir, reasonings: ['cot'] });
    const lockBefore = readFileSync(s.lockPath, 'utf8');
    // The cached copy is gone (a new machine) and the file changed upstream.
    const cached = cachedCopyPath(s.cacheDir, `${base}/prompts/cot.txt`);
    writeFileSync(cached, 'tampered');
    const tampered = await userError(resolveSetting(s.path, { cacheDir: s.cacheDir, reasonings: ['cot'] }));
    assert.match(tampered.message, new RegExp(`has sha256 ${sha256('tampered')}, but ${sha256(COT)} is pinned`));
    const { rmSync } = await import('node:fs');
    rmSync(cached);
    files['/prompts/cot.txt'] = `${COT}changed\n`;
    const err = await userError(resolveSetting(s.path, { cacheDir: s.cacheDir, reasonings: ['cot'] }));
    assert.match(err.message, new RegExp(`has sha256 ${sha256(`${COT}changed\n`)}, but ${sha256(COT)} is pinned`));
    assert.equal(existsSync(cached), false, 'the changed file is not cached');
    assert.equal(readFileSync(s.lockPath, 'utf8'), lockBefore);
  });

  it('offline with no cached copy: one line saying how to pass a local copy, nothing written; the local copy then works', async () => {
    const s = settingDir({
      systemPrompts: { cot: { url: 'http://127.0.0.1:1/unreachable/cot.txt', wording: 'source' }, 'no-cot': { url: `${base}/prompts/no-cot.txt`, wording: 'source' } },
    });
    const err = await userError(resolveSetting(s.path, { cacheDir: s.cacheDir, reasonings: ['cot'] }));
    assert.match(err.message, /could not download the cot system prompt of setting remote from http:\/\/127\.0\.0\.1:1\/unreachable\/cot\.txt .*no cached copy/);
    assert.match(err.fix, /pass a local copy .*systemPrompts.*cot/);
    assert.equal(err.describe().split('\n').length, 1);
    assert.deepEqual(cacheFiles(s.cacheDir), []);
    assert.equal(existsSync(s.lockPath), false);

    // The fix it names: the experiment config's own system prompt file.
    const local = join(s.dir, 'cot-copy.txt');
    writeFileSync(local, COT);
    const resolved = await resolveSetting(s.path, { cacheDir: s.cacheDir, reasonings: ['cot'], overrides: { systemPrompts: { cot: local } } });
    assert.equal(resolved.systemPrompts.cot!.origin, 'path');
    assert.equal(resolved.sources['system-cot'], sha256(COT));
  });

  it('a 404 is one line naming the URL and the path override', async () => {
    const s = settingDir({ systemPrompts: { cot: { url: `${base}/moved/cot.txt`, wording: 'source' }, 'no-cot': { url: `${base}/prompts/no-cot.txt`, wording: 'source' } } });
    const err = await userError(resolveSetting(s.path, { cacheDir: s.cacheDir, reasonings: ['cot'] }));
    assert.match(err.message, /\/moved\/cot\.txt answered HTTP 404 \(not found/);
    assert.match(err.fix, /pass a local copy/);
    assert.equal(err.describe().split('\n').length, 1);
    assert.deepEqual(cacheFiles(s.cacheDir), []);
  });

  it('a local copy beside a pinned URL must match the pin', async () => {
    const s = settingDir();
    const local = join(s.dir, 'copy.txt');
    writeFileSync(local, 'not the same text');
    writeFileSync(
      s.path,
      JSON.stringify({ ...JSON.parse(readFileSync(s.path, 'utf8')), systemPrompts: { cot: { url: `${base}/prompts/cot.txt`, sha256: sha256(COT), path: local, wording: 'source' }, 'no-cot': { builtin: 'prompts/system-no-cot.txt' } } }),
    );
    const err = await userError(resolveSetting(s.path, { cacheDir: s.cacheDir, reasonings: ['cot'] }));
    assert.match(err.message, new RegExp(`${sha256('not the same text')}, but ${sha256(COT)} is pinned`));
    assert.deepEqual(hits, [], 'a local copy is never downloaded again');
  });
});
