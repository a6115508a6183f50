// greenblatt-2024 sends Redwood's notebook's own user turn: the template is read from the notebook's
// code cell (a loopback server serves a notebook-shaped .ipynb in af-lab's invented wording), the
// notebook is pinned by sha256 like the prompt files (trust on first use, then the lock), a local copy
// is checked against the lock, and with no lock the run, run.json, the records and the summary line
// say "unverified local copy". Source-worded texts are sent byte for byte.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { parseExperiment } from '../src/core/config.js';
import { isUserError, UserError } from '../src/core/errors.js';
import { sha256 } from '../src/core/hash.js';
import { runExperiment } from '../src/pipeline/experiment.js';
import { readLock, resolveSetting, userTurnFor, withSettingDefaults } from '../src/settings/index.js';
import { fromNotebook } from '../src/settings/notebookCell.js';
import { testNotebook, testUserTurn, TEST_TEMPLATE_LITERAL, writeTestNotebook } from './helpers/notebook.js';
import { tempDir } from './helpers/tmp.js';
import { startFileServer, type FileServer } from './servers/files.js';

// Served with trailing newlines, which a source's text keeps.
const COT = 'Test CoT system prompt, af-lab\'s words. Reason in <SCRATCHPAD_REASONING>, answer in <OUTPUT>.\n\n';
const NO_COT = 'Test no-CoT system prompt, af-lab\'s words. Answer in <OUTPUT>.\n';

let server: FileServer;
let base: string;
/** What the server serves, by path: reset before each test, edited by some. */
const files: Record<string, string> = {};

before(async () => {
  server = await startFileServer(files);
  base = server.url;
});
after(() => server.close());
beforeEach(() => {
  for (const path of Object.keys(files)) delete files[path];
  Object.assign(files, { '/nb/minimal.ipynb': testNotebook(), '/p/cot.txt': COT, '/p/no-cot.txt': NO_COT });
  server.hits.clear();
});

/** The shipped greenblatt-2024 setting, its URLs pointed at the loopback server, in a fresh folder (its lock beside it). */
function greenblattCopy(urlBase = base) {
  const dir = tempDir('af-lab-notebook-');
  const setting = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'data', 'settings', 'greenblatt-2024.json'), 'utf8'));
  setting.systemPrompts.cot.url = `${urlBase}/p/cot.txt`;
  setting.systemPrompts['no-cot'].url = `${urlBase}/p/no-cot.txt`;
  setting.userTemplate.url = `${urlBase}/nb/minimal.ipynb`;
  setting.suffix.url = `${urlBase}/nb/minimal.ipynb`;
  const path = join(dir, 'greenblatt-2024.json');
  writeFileSync(path, JSON.stringify(setting));
  return { dir, path, lockPath: join(dir, 'greenblatt-2024.lock.json'), cacheDir: join(dir, 'cache') };
}

const context = (resolved: Awaited<ReturnType<typeof resolveSetting>>, role: 'free' | 'paid') => resolved.setting.contexts.find((c) => c.role === role)!;

async function thrown(promise: Promise<unknown>): Promise<UserError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(isUserError(err), String(err));
    return err as UserError;
  }
  assert.fail('expected a UserError');
}

describe('greenblatt-2024: the notebook\'s own user turn', () => {
  it('renders the template of the notebook\'s code cell exactly: "." after the request whatever its punctuation, True/False', async () => {
    const s = greenblattCopy();
    const resolved = await resolveSetting(s.path, { cacheDir: s.cacheDir });
    for (const request of ['Write a test placeholder', 'Is this a placeholder?', ' Spaces kept ', 'Ends with a dot.']) {
      assert.equal(userTurnFor(resolved, context(resolved, 'free'), request, true), testUserTurn(request, 'True'), request);
      assert.equal(userTurnFor(resolved, context(resolved, 'paid'), request, true), testUserTurn(request, 'False'), request);
    }
    assert.match(userTurnFor(resolved, context(resolved, 'free'), 'Is this a placeholder?', true), /Is this a placeholder\?\. Test suffix/);
    // One download serves both the template and the suffix.
    assert.equal(server.hits.get('/nb/minimal.ipynb'), 1);
  });

  it('pins the notebook like the prompt files: recorded on first use, then pinned from the lock', async () => {
    const s = greenblattCopy();
    const first = await resolveSetting(s.path, { cacheDir: s.cacheDir });
    assert.equal(readLock(s.lockPath, 'greenblatt-2024').files[`${base}/nb/minimal.ipynb`].sha256, sha256(testNotebook()));
    assert.equal(first.identities['user-template'], 'recorded on first use');
    assert.equal(first.sources['user-template'], sha256(testNotebook()));
    const second = await resolveSetting(s.path, { cacheDir: s.cacheDir });
    assert.deepEqual([second.identities['user-template'], second.identities.suffix, second.identities['system-cot']], ['pinned', 'pinned', 'pinned']);
  });

  it('sends source-worded texts byte for byte: trailing newlines kept', async () => {
    const s = greenblattCopy();
    const resolved = await resolveSetting(s.path, { cacheDir: s.cacheDir });
    assert.equal(resolved.systemPrompts.cot!.text, COT);
    assert.equal(resolved.systemPrompts['no-cot']!.text, NO_COT);
  });

  it('refuses a notebook that changed at its source, naming both hashes, and keeps the lock', async () => {
    const s = greenblattCopy();
    await resolveSetting(s.path, { cacheDir: tempDir() });
    const lockBefore = readFileSync(s.lockPath, 'utf8');
    files['/nb/minimal.ipynb'] = testNotebook(TEST_TEMPLATE_LITERAL.replace('Test suffix', 'Changed suffix'));
    const err = await thrown(resolveSetting(s.path, { cacheDir: tempDir() }));
    assert.match(err.message, new RegExp(`${sha256(files['/nb/minimal.ipynb'])}.*${sha256(testNotebook())} is pinned`));
    assert.equal(readFileSync(s.lockPath, 'utf8'), lockBefore);
  });

  it('checks a local copy against the lock: the same file is pinned, another one is refused in one line', async () => {
    const s = greenblattCopy();
    await resolveSetting(s.path, { cacheDir: tempDir() });
    const same = writeTestNotebook(join(s.dir, 'same.ipynb'));
    const ok = await resolveSetting(s.path, { cacheDir: tempDir(), overrides: { userTemplate: same } });
    assert.deepEqual([ok.identities['user-template'], ok.identities.suffix], ['pinned', 'pinned']);
    const other = writeTestNotebook(join(s.dir, 'other.ipynb'), TEST_TEMPLATE_LITERAL.replace('Test suffix', 'Edited suffix'));
    const err = await thrown(resolveSetting(s.path, { cacheDir: tempDir(), overrides: { userTemplate: other } }));
    assert.match(err.describe(), /other\.ipynb has sha256 [0-9a-f]{64}, but [0-9a-f]{64} is pinned/);
    assert.equal(err.describe().split('\n').filter(Boolean).length, 1);
  });

  it('offline with no cached copy: one line naming the local copy to pass', async () => {
    const s = greenblattCopy('http://127.0.0.1:9');
    const err = await thrown(resolveSetting(s.path, { cacheDir: s.cacheDir, overrides: { systemPrompts: { cot: writeFileReturning(join(s.dir, 'cot.txt'), COT), 'no-cot': writeFileReturning(join(s.dir, 'no-cot.txt'), NO_COT) } } }));
    assert.match(err.describe(), /could not download the user-turn template of setting greenblatt-2024 .*"userTemplate": "<a local copy of minimal\.ipynb>" in the experiment config/);
    assert.equal(err.describe().split('\n').filter(Boolean).length, 1);
    assert.equal(existsSync(s.lockPath), false, 'nothing recorded');
  });

  it('refuses a notebook with no template cell, writing nothing', async () => {
    const s = greenblattCopy();
    files['/nb/minimal.ipynb'] = testNotebook('no placeholders here');
    const err = await thrown(resolveSetting(s.path, { cacheDir: s.cacheDir }));
    assert.match(err.message, /no code-cell string literals with both \{is_free_tier_user\} and \{user_input\}/);
    assert.equal(readLock(s.lockPath, 'greenblatt-2024').files[`${base}/nb/minimal.ipynb`], undefined);
  });
});

describe('reading the template out of a notebook', () => {
  it('reads Python escapes and doubled braces as str.format does; an f-string is not a template', () => {
    const literal = 'A\\n<t>{is_free_tier_user}</t>\\n{user_input}. Say {{x}} \\\'q\\\'.\\nEnd';
    assert.equal(fromNotebook(testNotebook(literal), 'notebook-suffix', 'nb'), ". Say {x} 'q'.");
    assert.equal(fromNotebook(testNotebook(literal), 'notebook-user-template', 'nb'), 'A\n<t>{{is_free_tier_user}}</t>\n{{request}}{{suffix}}\nEnd');
    const fString = JSON.stringify({ cells: [{ cell_type: 'code', source: 'x = f"""{is_free_tier_user} {user_input}"""' }] });
    assert.throws(() => fromNotebook(fString, 'notebook-suffix', 'nb'), /no code-cell string literals/);
  });
});

function writeFileReturning(path: string, text: string): string {
  writeFileSync(path, text);
  return path;
}

describe('a run given local copies with no lock to check them', () => {
  it('says "unverified local copy" in run.json, the records and the summary line, never exact', async () => {
    const s = greenblattCopy('http://127.0.0.1:9');
    const config = parseExperiment(
      withSettingDefaults({
        setting: s.path,
        name: 'unverified',
        models: ['sim/faker'],
        variants: ['baseline'],
        reasoning: ['cot'],
        requests: { source: 'builtin', limit: 2 },
        systemPrompts: { cot: writeFileReturning(join(s.dir, 'cot.txt'), COT) },
        userTemplate: writeTestNotebook(join(s.dir, 'copy.ipynb')),
        outDir: join(s.dir, 'results'),
        figuresDir: join(s.dir, 'figures'),
        cacheDir: s.cacheDir,
      }),
    );
    const result = await runExperiment(config, { figures: false, report: false });
    const manifest = JSON.parse(readFileSync(join(result.runDir, 'run.json'), 'utf8'));
    assert.deepEqual(
      Object.fromEntries(Object.entries(manifest.setting.texts as Record<string, { identity: string }>).map(([k, v]) => [k, v.identity])),
      { 'system-cot': 'unverified local copy', 'user-template': 'unverified local copy', suffix: 'unverified local copy' },
    );
    for (const record of result.records) assert.deepEqual(record.setting?.unverified, { 'system-cot': 'unverified local copy', 'user-template': 'unverified local copy', suffix: 'unverified local copy' });
    assert.match(result.summary.settingLine!, /unverified local copy: system prompt, user turn, suffix/);
    assert.match(readFileSync(join(result.runDir, 'summary.md'), 'utf8'), /unverified local copy: system prompt, user turn, suffix/);
  });
});
