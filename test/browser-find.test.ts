// How af-lab finds a browser: an explicit path, then AF_LAB_CHROMIUM, then PATH, then known paths.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CHROMIUM_ENV, findChromium } from '../src/browser/index.js';
import { isUserError } from '../src/core/errors.js';
import { tempDir } from './helpers/tmp.js';

function fakeExecutable(name: string): { dir: string; path: string } {
  const dir = tempDir('af-browser-');
  const path = join(dir, name);
  writeFileSync(path, '#!/bin/sh\n');
  chmodSync(path, 0o755);
  return { dir, path };
}

test('an explicit path wins over the environment and PATH', () => {
  const explicit = fakeExecutable('my-chrome');
  const env = fakeExecutable('env-chrome');
  assert.equal(findChromium({ executablePath: explicit.path, env: { [CHROMIUM_ENV]: env.path, PATH: '' } }), explicit.path);
});

test('AF_LAB_CHROMIUM wins over PATH', () => {
  const env = fakeExecutable('env-chrome');
  const onPath = fakeExecutable('chromium');
  assert.equal(findChromium({ env: { [CHROMIUM_ENV]: env.path, PATH: onPath.dir } }), env.path);
});

test('chromium, chromium-browser and google-chrome are found on PATH', () => {
  for (const name of ['chromium', 'chromium-browser', 'google-chrome']) {
    const { dir, path } = fakeExecutable(name);
    assert.equal(findChromium({ env: { PATH: `/nonexistent:${dir}` } }), path, name);
  }
});

test('a named browser that does not exist, or is not executable, is a user error rather than a silent fallback', () => {
  const notExecutable = join(tempDir('af-browser-'), 'chrome');
  writeFileSync(notExecutable, '');
  for (const attempt of [
    () => findChromium({ executablePath: '/nonexistent/chrome', env: {} }),
    () => findChromium({ env: { [CHROMIUM_ENV]: '/nonexistent/chrome' } }),
    () => findChromium({ env: { [CHROMIUM_ENV]: notExecutable } }),
  ]) {
    assert.throws(attempt, (err) => isUserError(err) && /chrom/i.test(err.message + err.fix));
  }
});
