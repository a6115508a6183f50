// Issue 26 item 11: no temporary file outlives its writer. A whole-file write goes through
// `<name>.af-lab-<pid>-<n>.tmp` and a rename; a write that fails removes it, and one a kill -9 left
// behind (the 4.8 MB plotly.min.js of a figures folder, a report written with --out) is removed by the
// next af-lab that writes into that folder, once its process is gone. A file of the user's with a
// similar name is never touched.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { writeFileAtomic } from '../src/core/files.js';
import { runCli } from './helpers/cli.js';
import { tempDir } from './helpers/tmp.js';

/** The pid of a process that has exited. */
const deadPid = (): number => spawnSync(process.execPath, ['-e', '']).pid!;

describe('temporary files of whole-file writes (issue 26 item 11)', () => {
  it('a write that fails leaves no temporary file, and its error names the target', () => {
    const dir = tempDir();
    const target = join(dir, 'rp-1.html');
    assert.throws(() => writeFileAtomic(target, Symbol('not data') as unknown as string));
    assert.deepEqual(readdirSync(dir), []);
  });

  it('the next write into a folder removes what a killed writer left there, and only that', () => {
    const dir = tempDir();
    const dead = deadPid();
    const stale = [`rp-1.html.af-lab-${dead}-0.tmp`, `plotly.min.js.af-lab-${dead}-7.tmp`];
    // A live writer's file (pid 1 runs), and files of the user's that only look like temporary files.
    const kept = [`rp-2.html.af-lab-1-0.tmp`, `notes.${dead}.4.tmp`, 'draft.tmp'];
    for (const name of [...stale, ...kept]) writeFileSync(join(dir, name), 'half');
    writeFileAtomic(join(dir, 'rp-3.html'), 'whole');
    assert.deepEqual(readdirSync(dir).sort(), [...kept, 'rp-3.html'].sort());
    assert.equal(readFileSync(join(dir, 'rp-3.html'), 'utf8'), 'whole');
  });

  it('`figures` into a folder with a killed export\'s plotly.min.js temporary file removes it, even with nothing to redraw', () => {
    const dir = tempDir();
    const out = join(dir, 'figs');
    assert.equal(runCli(['figures', '--published', 'koorndijk-2025', '--out', out, '--no-images']).status, 0);
    const stale = join(out, `plotly.min.js.af-lab-${deadPid()}-0.tmp`);
    writeFileSync(stale, 'half of plotly');
    // The figures are current: nothing is redrawn, the stale file goes all the same.
    const again = runCli(['figures', '--published', 'koorndijk-2025', '--out', out, '--no-images']);
    assert.match(again.stdout, /inputs unchanged: not redrawn/);
    assert.equal(existsSync(stale), false);
    assert.deepEqual(readdirSync(out).filter((name) => name.endsWith('.tmp')), []);
  });
});
