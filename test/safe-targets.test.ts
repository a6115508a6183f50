// Issue 26 item 1 and 6: a write never replaces what is not a regular file, and an input is a regular
// file read with a limit. Devices are real ones made with mknod in a temp folder (as root); where the
// test is not root, those cases are skipped (mknod needs CAP_MKNOD).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { writeFileAtomic } from '../src/core/files.js';
import { UserError } from '../src/core/errors.js';
import { checkFileTarget, checkFolderTarget, readInputFile } from '../src/core/safeIo.js';
import { runCli } from './helpers/cli.js';
import { tempDir } from './helpers/tmp.js';

// A fresh folder, removed when this file's process ends (tempDir).
const temp = () => tempDir();

const ROOT_ONLY = process.getuid?.() === 0 ? false : 'mknod of a device needs root (CAP_MKNOD)';

/** A character device like /dev/null (1, 3), made in a temp folder. */
function fakeNull(dir: string): string {
  const path = join(dir, 'null');
  execFileSync('mknod', [path, 'c', '1', '3']);
  return path;
}

const isDevice = (path: string) => statSync(path).isCharacterDevice();
const oneLine = (stderr: string) => stderr.trim().split('\n').length === 1;

describe('writes never replace what is not a regular file (issue 26 item 1)', () => {
  it('writeFileAtomic refuses a device, a folder and a /proc file, leaving no temporary file', { skip: ROOT_ONLY }, () => {
    const dir = temp();
    const dev = fakeNull(dir);
    assert.throws(() => writeFileAtomic(dev, 'x'), (err: unknown) => err instanceof UserError && /is a character device, not a regular file/.test(err.message));
    assert.ok(isDevice(dev), 'the device is still a device');
    mkdirSync(join(dir, 'folder'));
    assert.throws(() => writeFileAtomic(join(dir, 'folder'), 'x'), /is a folder, not a regular file/);
    assert.throws(() => writeFileAtomic('/proc/self/comm', 'x'), /kernel file system/);
    assert.deepEqual(readdirSync(dir).sort(), ['folder', 'null']);
  });

  it('a regular file and a missing one are written', () => {
    const dir = temp();
    writeFileSync(join(dir, 'a'), 'old');
    assert.doesNotThrow(() => checkFileTarget(join(dir, 'a'), 'x'));
    assert.doesNotThrow(() => checkFileTarget(join(dir, 'missing'), 'x'));
    assert.doesNotThrow(() => checkFolderTarget(join(dir, 'missing'), 'x'));
    assert.throws(() => checkFolderTarget(join(dir, 'a'), 'the figures folder (--out)'), /is not a regular file, not a folder|is a/);
  });

  it('`report --out <device>`: one line, exit 2, the device kept', { skip: ROOT_ONLY }, () => {
    const dir = temp();
    const dev = fakeNull(dir);
    const result = runCli(['report', join(dir, 'no-run'), '--out', dev]);
    assert.equal(result.status, 2, result.stderr);
    assert.ok(oneLine(result.stderr), result.stderr);
    assert.match(result.stderr, /^error: the report \(--out\) .*null is a character device, not a regular file/);
    assert.ok(isDevice(dev));
  });

  it('`labels export --out <device>`: one line, exit 2, the device kept', { skip: ROOT_ONLY }, () => {
    const dir = temp();
    const dev = fakeNull(dir);
    const result = runCli(['labels', 'export', join(dir, 'no-run'), '--out', dev]);
    assert.equal(result.status, 2, result.stderr);
    assert.ok(oneLine(result.stderr), result.stderr);
    assert.match(result.stderr, /^error: the label sheet \(--out\) .* is a character device/);
    assert.ok(isDevice(dev));
  });

  it('`figures --out /proc/...` and `--out <device>` are refused at once, before anything is drawn', { skip: ROOT_ONLY }, () => {
    const dir = temp();
    const proc = runCli(['figures', '--published', 'koorndijk-2025', '--out', '/proc/af-lab-figures', '--no-images']);
    assert.equal(proc.status, 2, proc.stderr);
    assert.ok(oneLine(proc.stderr), proc.stderr);
    assert.match(proc.stderr, /^error: the figures folder \(--out\) \/proc\/af-lab-figures is on a kernel file system/);
    const dev = fakeNull(dir);
    const device = runCli(['figures', '--published', 'koorndijk-2025', '--out', dev, '--no-images']);
    assert.equal(device.status, 2, device.stderr);
    assert.match(device.stderr, /is a character device, not a folder/);
    assert.ok(isDevice(dev));
  });

  it('`run --cache` whose responses.lmdb is a device: one line, exit 2, nothing sampled', { skip: ROOT_ONLY }, () => {
    const dir = temp();
    const cache = join(dir, 'cache');
    mkdirSync(cache);
    execFileSync('mknod', [join(cache, 'responses.lmdb'), 'c', '1', '3']);
    const result = runCli(['run', '--name', 'x', '--out', join(dir, 'results'), '--cache', cache, '--figures-dir', join(dir, 'figures'), '--models', 'sim/faker', '--limit', '1', '--no-progress']);
    assert.equal(result.status, 2, result.stderr);
    assert.ok(oneLine(result.stderr), result.stderr);
    assert.match(result.stderr, /^error: the response cache \(--cache\) .*responses\.lmdb is a character device/);
    assert.ok(isDevice(join(cache, 'responses.lmdb')));
    assert.equal(existsSync(join(dir, 'results', 'x', 'records.jsonl')), false);
  });
});

describe('input files are regular files read with a limit (issue 26 item 6)', () => {
  it('/proc/self/environ, a device, a folder and a file over the limit are one line each', { skip: ROOT_ONLY }, () => {
    const dir = temp();
    assert.throws(() => readInputFile('/proc/self/environ', 'the prompt file'), (err: unknown) => err instanceof UserError && /kernel file system/.test(err.message));
    execFileSync('mknod', [join(dir, 'zero'), 'c', '1', '5']);
    assert.throws(() => readInputFile(join(dir, 'zero'), 'the prompt file'), /is a character device, not a regular file/);
    assert.throws(() => readInputFile(dir, 'the prompt file'), /is a folder, not a regular file/);
    writeFileSync(join(dir, 'big'), 'x'.repeat(100));
    assert.throws(() => readInputFile(join(dir, 'big'), 'the prompt file', { limit: 99 }), /is 100 bytes, over the limit of 99/);
    assert.equal(readInputFile(join(dir, 'big'), 'the prompt file', { limit: 100 }), 'x'.repeat(100));
  });
});

describe('inputs through the command line (issue 26 items 6, 11, 12)', () => {
  const outputs = (dir: string) => ['--out', join(dir, 'results'), '--cache', join(dir, 'cache'), '--figures-dir', join(dir, 'figures'), '--no-images', '--no-progress'];
  it('a request file that is a device, a variant that is a folder, /proc/self/environ as a prompt: one line each, nothing written', { skip: ROOT_ONLY }, () => {
    const dir = temp();
    execFileSync('mknod', [join(dir, 'zero'), 'c', '1', '5']);
    const requests = runCli(['run', '--name', 'z', '--models', 'sim/faker', '--requests-path', join(dir, 'zero'), ...outputs(dir)]);
    assert.equal(requests.status, 2, requests.stderr);
    assert.ok(oneLine(requests.stderr), requests.stderr);
    assert.match(requests.stderr, /^error: request file .*zero is a character device, not a regular file/);
    mkdirSync(join(dir, 'variant'));
    const variant = runCli(['run', '--name', 'v', '--models', 'sim/faker', '--variants', join(dir, 'variant'), '--limit', '1', ...outputs(dir)]);
    assert.equal(variant.status, 2, variant.stderr);
    assert.ok(oneLine(variant.stderr), variant.stderr);
    assert.match(variant.stderr, /is a folder, not a regular file/);
    const environ = runCli(['run', '--name', 'e', '--models', 'sim/faker', '--variants', '/proc/self/environ', '--limit', '1', ...outputs(dir)]);
    assert.equal(environ.status, 2, environ.stderr);
    assert.match(environ.stderr, /kernel file system/);
    assert.equal(existsSync(join(dir, 'results')), false, 'nothing written');
  });
});
