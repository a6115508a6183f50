// Issue 26 item 7: the budget belongs to the run. Re-running a run (the way it resumes) counts what its
// ledger already spent instead of spending the budget again; `--budget` on a resume sets the run's
// new total (stored in run.json); rejudge counts against the same ledger; a budget that is not a
// positive amount is refused in one line.
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CostMeter } from '../src/cost/meter.js';
import { runCliAsync } from './helpers/cli.js';
import { tempDir } from './helpers/tmp.js';
import type { LoopbackServer } from './servers/loopback.js';
import { startOpenAIServer } from './servers/openai.js';

const cli = (args: string[], env: NodeJS.ProcessEnv = {}) => runCliAsync(args, env);

let server: LoopbackServer;
const dirs: string[] = [];
before(async () => {
  // About 2,500 output tokens a call at gpt-4o prices ($10 per million): 2.5 cents a call.
  server = await startOpenAIServer({ reply: () => `${'word '.repeat(2500)}<OUTPUT><rejected/></OUTPUT>` });
});
after(async () => {
  await server.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('the budget is the run\'s (issue 26 item 7)', () => {
  it('a re-run spends nothing more once the run\'s budget is spent; --budget on the resume raises the run\'s total', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const spec = `openai/gpt-4o?base_url=${encodeURIComponent(`${server.url}/v1`)}`;
    const run = (extra: string[]) =>
      cli(['run', '--name', 'budget', '--models', spec, '--variants', 'baseline', '--reasoning', 'no-cot', '--limit', '10', '--concurrency', '1', ...extra, '--out', join(dir, 'results'), '--figures-dir', join(dir, 'figures'), '--cache', join(dir, 'cache'), '--no-progress', '--no-images'], { OPENAI_API_KEY: 'sk-run-budget-test-0123456789' });
    const start = server.log.length;
    const first = await run(['--budget', '0.01']);
    assert.equal(first.status, 0, first.stderr);
    const afterFirst = server.log.length - start;
    assert.equal(afterFirst, 1, 'the first call (some 4 cents) reaches the budget');
    const runJson = () => JSON.parse(readFileSync(join(dir, 'results', 'budget', 'run.json'), 'utf8')).config.budgetUsd;
    assert.equal(runJson(), 0.01, 'stored with the run');
    const again = await run([]);
    assert.equal(again.status, 0, again.stderr);
    assert.equal(server.log.length - start, afterFirst, 'the same command spends nothing more');
    assert.match(again.stdout, /Stopped before every sample was sent \(budget reached/);
    const raised = await run(['--budget', '100']);
    assert.equal(raised.status, 0, raised.stderr);
    assert.equal(server.log.length - start, 20, 'the run\'s new total lets the other 19 samples (10 requests, 2 tiers) be sent');
    assert.equal(runJson(), 100);
    assert.match(raised.stdout, /the run has spent \$0\.\d+ in all, of the run's budget \$100\.00/);
  });

  it('a negative budget is refused in one line, for rejudge and the meter', async () => {
    const dir = tempDir();
    dirs.push(dir);
    assert.throws(() => new CostMeter({ budgetUsd: -1 }), /--budget -1 is not an amount of dollars \(0 or more\)/);
    const sim = await cli(['run', '--name', 'neg', '--models', 'sim/faker', '--limit', '1', '--out', join(dir, 'results'), '--figures-dir', join(dir, 'figures'), '--cache', join(dir, 'cache'), '--no-progress', '--no-images']);
    assert.equal(sim.status, 0, sim.stderr);
    const rejudge = await cli(['rejudge', join(dir, 'results', 'neg'), '--budget', '-0.5']);
    assert.equal(rejudge.status, 2);
    assert.equal(rejudge.stderr.trim().split('\n').length, 1, rejudge.stderr);
    assert.match(rejudge.stderr, /^error: --budget -0\.5 is not an amount of dollars \(0 or more\)/);
  });
});
