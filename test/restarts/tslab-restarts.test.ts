// `npm run test:restarts` (slow, not in `npm test`): the tslab kernel started once and restarted 60
// times through jupyter_client, the library the Jupyter server restarts kernels with, each start
// answering the cell queued the moment it was restarted. Before af-lab's patch to tslab
// (patches/tslab+1.0.22.patch) about one start in 30 hung in a browser. Needs Debian's jupyter-client.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, test } from 'node:test';
import { tempDir } from '../helpers/tmp.js';

const root = resolve(import.meta.dirname, '..', '..');
const python = process.env.AF_LAB_PYTHON ?? '/usr/bin/python3';
const RESTARTS = Number(process.env.AF_LAB_RESTARTS ?? 60);
// Generous: a start takes about 2.5 s on 2 idle cores, and these machines are shared.
const START_TIMEOUT_S = 120;

const missing = spawnSync(python, ['-c', 'import jupyter_client'], { encoding: 'utf8' }).status !== 0
  ? `${python} cannot import jupyter_client (Debian: apt-get install jupyter-client)`
  : false;

const jupyterPath = tempDir('af-lab-kernelspec-');
after(() => rmSync(jupyterPath, { recursive: true, force: true }));

interface StartLine {
  start: number;
  ok: boolean;
  error?: string;
  seconds: number;
}

test(`the tslab kernel answers after each of ${RESTARTS} restarts`, { skip: missing }, async () => {
  // A kernelspec of our own, so the test needs no `tslab install` and runs this checkout's tslab.
  const specDir = join(jupyterPath, 'kernels', 'af-lab-tslab-restarts');
  mkdirSync(specDir, { recursive: true });
  const tslab = join(root, 'node_modules', '.bin', 'tslab');
  const argv = [tslab, 'kernel', '--config-path', '{connection_file}'];
  writeFileSync(join(specDir, 'kernel.json'), JSON.stringify({ argv, display_name: 'tslab', language: 'typescript' }));

  const driver = spawn(
    python,
    [join(import.meta.dirname, 'restart-kernel.py'), '--restarts', String(RESTARTS), '--timeout', String(START_TIMEOUT_S),
      '--kernel-name', 'af-lab-tslab-restarts', '--cwd', join(root, 'notebooks')],
    { env: { ...process.env, JUPYTER_PATH: jupyterPath, PYDEVD_DISABLE_FILE_VALIDATION: '1' } },
  );
  const lines: StartLine[] = [];
  let stdout = '';
  let stderr = '';
  driver.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    const complete = stdout.split('\n');
    stdout = complete.pop() ?? '';
    for (const line of complete.filter(Boolean)) lines.push(JSON.parse(line) as StartLine);
  });
  driver.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const code = await new Promise<number | null>((done) => driver.on('close', done));
  assert.equal(code, 0, `the restart driver failed:\n${stderr}`);

  const hung = lines.filter((line) => !line.ok);
  assert.equal(lines.length, RESTARTS + 1, 'one line per start');
  assert.deepEqual(hung, [], `starts without an answer:\n${stderr}`);
  const seconds = lines.map((line) => line.seconds).sort((a, b) => a - b);
  console.log(`${lines.length} starts, none hung; median ${seconds[seconds.length >> 1]} s, slowest ${seconds.at(-1)} s`);
});
