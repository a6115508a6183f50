// A failure in a notebook step ends its cell with that error, in one line: a UserError prints as its
// message and fix (no stack), as the tslab kernel prints a failed cell (console.error of the error);
// a promise rejection nobody handles, which the kernel only logs and goes on, stops the step and fails
// the cell instead of leaving it waiting with its progress box frozen.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { format, inspect } from 'node:util';
import { ROOT } from './helpers/cli.js';
import { UserError } from '../src/core/errors.js';
import { surfaceFailures } from '../src/notebook/steps.js';
import { notebookView } from '../src/notebook/view.js';
import { scaled } from './helpers/time.js';


describe('failures in notebook cells', () => {
  test('a UserError prints as one line, its message and fix, with no stack', () => {
    const err = new UserError('the statement "x" is empty', 'write a statement or remove its entry');
    assert.equal(inspect(err), 'error: the statement "x" is empty. Fix: write a statement or remove its entry.');
    // What tslab does with a failed cell's error: console.error(err).
    assert.equal(format(err), inspect(err));
    assert.doesNotMatch(format(err), /\n|at .*\(/);
  });

  test('a rejection nobody handles while a step runs fails the step, and aborts its signal', () => {
    // In a process of its own, as in the kernel: the test runner counts any such rejection as a failure.
    const script = `
      import { surfaceFailures } from './src/notebook/steps.ts';
      let seen;
      const step = surfaceFailures(async (signal) => {
        seen = signal;
        // A part of the step fails where nobody awaits it; the step itself would wait forever.
        Promise.reject(new Error('the judge queue lost a task'));
        await new Promise(() => {});
      });
      step.then(() => console.log('resolved'), (err) => {
        console.log(JSON.stringify({ message: err.message, aborted: seen.aborted, listeners: process.listenerCount('unhandledRejection') }));
        process.exit(0);
      });`;
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8', timeout: scaled(120_000) });
    assert.equal(child.status, 0, child.stderr);
    assert.deepEqual(JSON.parse(child.stdout.trim()), { message: 'the judge queue lost a task', aborted: true, listeners: 0 });
  });

  test('a step that throws fails with its own error; one that succeeds returns its value', async () => {
    await assert.rejects(surfaceFailures(async () => { throw new UserError('bad', 'fix it'); }), /bad/);
    assert.equal(await surfaceFailures(async () => 42), 42);
  });

  test('the progress box of a failed step says failed, and why, instead of freezing mid-way', () => {
    const shown: string[] = [];
    const display = { html: (html: string) => shown.push(html), markdown: () => undefined, text: () => undefined, png: () => undefined };
    const view = notebookView({ display, newDisplay: () => display }, { rendererIdleMs: 0 });
    const live = view.progress('Statements of duty', { simulated: true });
    live.onJudgeProgress({ done: 1901, total: 2589, kind: 'af' });
    live.fail('error: the judge stopped. Fix: re-run the cell.');
    assert.match(shown.at(-1)!, /Statements of duty<\/b> · failed/);
    assert.match(shown.at(-1)!, /failed:<\/b> error: the judge stopped\. Fix: re-run the cell\./);
  });
});
