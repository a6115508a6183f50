// Issue 26 items 11-13, 15: bad input is one line and a non-zero exit, never a stack trace, a hang or
// a silent success; usage errors point at --help instead of printing it.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Figure } from '../src/plots/figure.js';
import { checkPngScale } from '../src/plots/pngScale.js';
import { FigureRenderer } from '../src/plots/render.js';
import { ROOT, runCli } from './helpers/cli.js';
import { tempDir } from './helpers/tmp.js';

// A fresh folder, removed when this file's process ends (tempDir).
const temp = () => tempDir();

const outputs = (dir: string) => ['--out', join(dir, 'results'), '--cache', join(dir, 'cache'), '--figures-dir', join(dir, 'figures'), '--no-images', '--no-progress'];
const small = ['--models', 'sim/faker', '--variants', 'baseline', '--reasoning', 'no-cot', '--limit', '1'];

function oneLineError(result: { status: number | null; stderr: string }, pattern: RegExp): void {
  assert.equal(result.status, 2, result.stderr);
  assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
  assert.match(result.stderr, pattern);
}

describe('one line, exit 2 (issue 26 items 11, 12, 13, 15)', () => {
  it('a usage error is its line and a pointer to --help, not the whole help', () => {
    const result = runCli(['run', '--bogus']);
    assert.equal(result.status, 2);
    assert.deepEqual(result.stderr.trim().split('\n'), ["error: unknown option '--bogus'", "(af-lab <command> --help lists the command's options)"]);
  });

  it('a 300-character --name, --samples 1e12 and --concurrency 1e9 are refused before anything is planned', () => {
    const dir = temp();
    oneLineError(runCli(['run', '--name', 'n'.repeat(300), ...small, ...outputs(dir)]), /name: at most 120 characters/);
    oneLineError(runCli(['run', '--name', 'big', ...small, '--samples', '1000000000000', ...outputs(dir)]), /samples: at most 100000 samples/);
    oneLineError(runCli(['run', '--name', 'big', ...small, '--concurrency', '1000000000', ...outputs(dir)]), /concurrency: at most 4096 samples in flight/);
  });

  it('a user template without {{request}} (the model would never see the request) is refused', () => {
    const dir = temp();
    writeFileSync(join(dir, 'template.txt'), '<is_free_tier_user>{{is_free_tier_user}}</is_free_tier_user> Hello.');
    writeFileSync(join(dir, 'config.json'), `\uFEFF${JSON.stringify({ userTemplate: join(dir, 'template.txt') })}`);
    oneLineError(runCli(['run', '--name', 'tpl', '--config', join(dir, 'config.json'), ...small, ...outputs(dir)]), /user-turn template .*template\.txt has no \{\{request\}\}: the model would never see the request/);
  });

  it('`rejudge --kinds ,`, a records.jsonl that is a folder, `repair` of a file or an empty folder', () => {
    const dir = temp();
    assert.equal(runCli(['run', '--name', 'r', ...small, ...outputs(dir)]).status, 0);
    const runDir = join(dir, 'results', 'r');
    oneLineError(runCli(['rejudge', runDir, '--kinds', ',']), /^error: --kinds names no judgement kind/);
    const broken = join(dir, 'broken');
    mkdirSync(join(broken, 'records.jsonl'), { recursive: true });
    oneLineError(runCli(['rejudge', broken]), /^error: .*records\.jsonl is a folder, not a file/);
    oneLineError(runCli(['repair', broken]), /^error: .*records\.jsonl is a folder, not a file/);
    oneLineError(runCli(['repair', join(runDir, 'run.json')]), /is a file, not a run folder/);
    mkdirSync(join(dir, 'empty'));
    oneLineError(runCli(['repair', join(dir, 'empty')]), /is not an af-lab run folder/);
  });

  it('a variant file with an unterminated, duplicate-key, malformed or binary header, no text or an unusable name is refused, naming the file and the fix', () => {
    const dir = temp();
    const variant = (name: string, bytes: string | Buffer) => {
      writeFileSync(join(dir, `${name}.txt`), bytes);
      return runCli(['run', '--name', name, '--models', 'sim/faker', '--reasoning', 'no-cot', '--limit', '1', '--variants', join(dir, `${name}.txt`), ...outputs(dir)]);
    };
    oneLineError(variant('open', '---\nname: open\nThe text of the statement.\n'), /^error: .*open\.txt: its header opens with "---" on the first line and is never closed\. Fix: end the header with a line "---"/);
    oneLineError(variant('twice', '---\nname: one\nname: two\n---\nText.\n'), /^error: .*twice\.txt: header key "name" is given twice \(line 3 repeats it\)\. Fix: keep one "name:" line/);
    oneLineError(variant('junk', '---\nname: junk\nnot a field\n---\nText.\n'), /^error: .*junk\.txt: header line 3 "not a field" is not "key: value"\. Fix: /);
    oneLineError(variant('binary', Buffer.from([...Buffer.from('---\nname: '), 0, 1, 2, ...Buffer.from('\n---\nText.\n')])), /^error: .*binary\.txt is not a text file \(it has the control character U\+0000\)\. Fix: give a prompt file saved as plain UTF-8 text/);
    oneLineError(variant('latin1', Buffer.from([...Buffer.from('---\nname: caf'), 0xe9, ...Buffer.from('\n---\nText.\n')])), /^error: prompt variant file .*latin1\.txt is not UTF-8 text\. Fix: save it as plain UTF-8 text/);
    // A variant that adds no text, or whose name could not label a table or a file, is refused too.
    oneLineError(variant('blank', '---\nname: blank\n---\n\n'), /^error: prompt variant .*blank\.txt has no text after its header: it would add nothing \(the baseline under another name\)\. Fix: /);
    oneLineError(variant('dots', '---\nname: ../../etc\n---\nText.\n'), /^error: prompt variant .*dots\.txt: its name "\.\.\/\.\.\/etc" is not 1 to 120 letters, digits/);
    // An empty header is a header (closed), not an unterminated one.
    assert.equal(variant('empty', '---\n---\nText.\n').status, 0);
  });

  it('a run in which every sample errored exits 1 and says so', () => {
    const dir = temp();
    const result = runCli(['run', '--name', 'dead', '--models', 'openai/gpt-4o-mini?base_url=http%3A%2F%2F127.0.0.1%3A9%2Fv1&max_retries=0&backoff_ms=1', '--variants', 'baseline', '--reasoning', 'no-cot', '--limit', '1', ...outputs(dir)], { OPENAI_API_KEY: 'sk-dead-server-0123456789' });
    assert.equal(result.status, 1, result.stderr);
    assert.match(result.stderr, /^error: every one of the 2 samples ended in an error: nothing was answered/m);
  });
});

describe('no silent success (issue 26 items 13, 15)', () => {
  it('`estimate` of an unknown provider, `figures --published-dir <missing>`, `rejudge --cache` on a read-only disk', () => {
    const dir = temp();
    oneLineError(runCli(['estimate', '--models', 'foo/bar', '--limit', '1']), /^error: unknown provider "foo" in model spec "foo\/bar"/);
    oneLineError(runCli(['figures', '--published', 'koorndijk-2025', '--published-dir', join(dir, 'missing'), '--out', join(dir, 'figs'), '--no-images']), /^error: --published-dir .*missing does not exist\. Fix: give the folder of published tables/);
    assert.equal(runCli(['run', '--name', 'r', ...small, ...outputs(dir)]).status, 0);
    oneLineError(runCli(['rejudge', join(dir, 'results', 'r'), '--cache', '/proc/af-lab-cache']), /^error: the cache folder \(--cache\) \/proc\/af-lab-cache is on a kernel file system/);
  });

  it('`settings show` of a setting whose prompt file is missing shows what it can, then names the missing file in one line, exit 2', () => {
    const dir = temp();
    const setting = JSON.parse(readFileSync(join(ROOT, 'data', 'settings', 'af-lab.json'), 'utf8'));
    setting.name = 'mine';
    setting.systemPrompts.cot = { path: join(dir, 'gone.txt'), wording: 'af-lab' };
    writeFileSync(join(dir, 'mine.json'), JSON.stringify(setting));
    const result = runCli(['settings', 'show', join(dir, 'mine.json')]);
    oneLineError(result, /^error: prompts not shown: the cot system prompt of setting mine: file not found: .*gone\.txt\. Fix: check the path/);
    assert.match(result.stdout, /^# mine\n/, 'the setting and its fidelity table are still shown');
    assert.match(result.stdout, /## Fidelity/);
  });
});

describe('a non-GGUF file given to gguf/ (issue 26 item 12)', () => {
  it('is refused once, before any sample, in one line', () => {
    const dir = temp();
    writeFileSync(join(dir, 'model.gguf'), 'not a model at all');
    oneLineError(runCli(['run', '--name', 'g', '--models', `gguf/${join(dir, 'model.gguf')}`, '--variants', 'baseline', '--reasoning', 'no-cot', '--limit', '2', ...outputs(dir)]), /model\.gguf is not a GGUF file \(it does not start with "GGUF"\)/);
  });
});

describe('figure images: a browser that does not start, a scale past what it draws (issue 26 item 11)', () => {
  it('`--chromium /bin/false` is one line naming the browser and the fix, not Playwright\'s call log', () => {
    const dir = temp();
    const result = runCli(['figures', '--published', 'koorndijk-2025', '--out', join(dir, 'figs'), '--chromium', '/bin/false']);
    oneLineError(result, /^error: the browser \/bin\/false did not start for figure images \(.+\)\. Fix: give --chromium \(or AF_LAB_CHROMIUM\) the path of a working Chrome or Chromium .*or pass --no-images/);
  });

  it('`--scale 1000` is refused before anything is drawn; a scale up to 8 is taken', () => {
    const dir = temp();
    oneLineError(runCli(['figures', '--published', 'koorndijk-2025', '--out', join(dir, 'figs'), '--scale', '1000']), /^error: --scale 1000 is over 8: the PNG would be 1000 times the figure's size in pixels, past what the browser can draw\. Fix: pass a scale above 0 and at most 8/);
    assert.equal(existsSync(join(dir, 'figs')), false, 'nothing is written');
    assert.equal(checkPngScale(8), 8);
    assert.throws(() => checkPngScale(8.5), /over 8/);
  });

  it('an image the browser draws empty is an error, never an empty file', async () => {
    const page = { setContent: async () => {}, addScriptTag: async () => {}, evaluate: async () => 'data:image/png;base64,', close: async () => {} };
    const renderer = (await FigureRenderer.open({ browser: { newPage: async () => page } as unknown as Browser }))!;
    const figure = { name: 'wide', width: 960, height: 540, data: [], layout: {} } as unknown as Figure;
    await assert.rejects(renderer.render(figure, 'png', { scale: 2 }), /^UserError: the browser drew an empty PNG of figure wide \(960x540 at scale 2\)/);
    await assert.rejects(renderer.render(figure, 'png', { scale: 9 }), /PNG scale 9 is over 8/);
    await renderer.close();
  });
});
