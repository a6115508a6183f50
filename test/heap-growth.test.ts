// The command line's heap settings (src/cli/heapGrowth.ts): af-lab sets V8's --heap-growing-percent
// unless the user gave node one of their own, and starts node with the young generation held.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { HEAP_GROWING_PERCENT, NODE_START_FLAGS, SEMI_SPACE_MB, heapGrowthFlag } from '../src/cli/heapGrowth.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

test('the heap growth flag is set where the user gave node none', () => {
  assert.equal(heapGrowthFlag([]), `--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  assert.equal(heapGrowthFlag(['--max-old-space-size=512', '--import', 'tsx', '--max-semi-space-size=8']), `--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  // A flag that only starts the same way is not the flag.
  assert.equal(heapGrowthFlag(['--heap-growing-percentage=3']), `--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
});

test("the user's own heap growth flag stands, in either spelling", () => {
  assert.equal(heapGrowthFlag(['--heap-growing-percent=200']), undefined);
  assert.equal(heapGrowthFlag(['--import', 'tsx', '--heap_growing_percent=10']), undefined);
});

// V8 reads the young generation's size only when it starts, so the flag travels on node's command
// line: the bin's first line and `npm start` both carry NODE_START_FLAGS.
test('the bin and npm start start node with the young generation held', () => {
  const [first] = readFileSync(join(root, 'src', 'cli.ts'), 'utf8').split('\n', 1);
  assert.equal(first, `#!/usr/bin/env -S node ${NODE_START_FLAGS.join(' ')}`);
  const start = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts.start;
  assert.ok(start.startsWith(`node ${NODE_START_FLAGS.join(' ')} dist/cli.js `), start);
  assert.deepEqual(NODE_START_FLAGS, [`--max-semi-space-size=${SEMI_SPACE_MB}`]);
});

// The built bin run as a program (its first line picks node and the flags): node's own arguments
// hold the flag. A module loaded through NODE_OPTIONS writes them as the process exits.
test('the built bin, run through its first line, gives node the flags', { skip: process.platform === 'win32' && 'no shebang on Windows (npm makes a shim of the same line)' }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'af-lab-startflags-'));
  try {
    const probe = join(dir, 'probe.mjs');
    writeFileSync(probe, "process.on('exit', () => process.stderr.write(`EXECARGV ${JSON.stringify(process.execArgv)}\\n`));\n");
    const run = spawnSync(join(root, 'dist', 'cli.js'), ['--version'], {
      encoding: 'utf8',
      env: { ...process.env, PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ''}`, NODE_OPTIONS: `--import ${pathToFileURL(probe).href}` },
    });
    assert.equal(run.status, 0, run.stderr);
    const line = run.stderr.split('\n').find((l) => l.startsWith('EXECARGV '));
    assert.ok(line, run.stderr);
    const execArgv = JSON.parse(line.slice('EXECARGV '.length)) as string[];
    for (const flag of NODE_START_FLAGS) assert.ok(execArgv.includes(flag), `${flag} not in ${line}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
