// The test suite's own guarantees: temporary folders are removed when a test file's process ends, and time
// limits stretch by the environment's one factor.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const helpers = join(import.meta.dirname, 'helpers');

function runNode(source: string, env: Record<string, string> = {}) {
  return spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', source], {
    encoding: 'utf8',
    // The factor this suite runs under (CI sets one) is not the one these children are asked about.
    env: { ...process.env, AF_LAB_TEST_TIME_SCALE: '', ...env },
  });
}

test('a folder made by tempDir is gone once the process that made it exits, even after a failure', () => {
  for (const ending of ['', 'throw new Error("a failing test");']) {
    const child = runNode(
      `import { tempDir } from ${JSON.stringify(join(helpers, 'tmp.ts'))};
       import { writeFileSync } from 'node:fs';
       const dir = tempDir('af-lab-helpers-');
       writeFileSync(dir + '/file.txt', 'x');
       console.log(dir);
       ${ending}`,
    );
    const dir = child.stdout.trim();
    assert.ok(dir.length > 0, child.stderr);
    assert.equal(existsSync(dir), false, `${dir} was left behind`);
  }
});

test('time limits scale by AF_LAB_TEST_TIME_SCALE, and a factor below 1 or not a number is refused', () => {
  const source = `import { scaled } from ${JSON.stringify(join(helpers, 'time.ts'))}; console.log(scaled(400));`;
  assert.equal(runNode(source).stdout.trim(), '400');
  assert.equal(runNode(source, { AF_LAB_TEST_TIME_SCALE: '2.5' }).stdout.trim(), '1000');
  for (const bad of ['0.5', 'fast']) {
    const child = runNode(source, { AF_LAB_TEST_TIME_SCALE: bad });
    assert.notEqual(child.status, 0);
    assert.match(child.stderr, /AF_LAB_TEST_TIME_SCALE must be a number of at least 1/);
  }
});
