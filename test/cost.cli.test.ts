// The command line with real (loopback) providers: `af-lab estimate` prints tokens and dollars per
// model before any call; `af-lab run --budget` stops sending once the budget is spent and prints
// estimate against actual.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCliAsync } from './helpers/cli.js';
import { tempDir } from './helpers/tmp.js';
import type { LoopbackServer } from './servers/loopback.js';
import { startOpenAIServer } from './servers/openai.js';

const cli = (args: string[], env: NodeJS.ProcessEnv = {}) => runCliAsync(args, env);

let server: LoopbackServer;
before(async () => {
  // Long answers: about 2,500 output tokens a call at gpt-4o prices ($10 per million) is 2.5 cents.
  server = await startOpenAIServer({ reply: () => `${'word '.repeat(2500)}<OUTPUT><rejected/></OUTPUT>` });
});
after(() => server.close());

describe('af-lab estimate', () => {
  it('prints input/output tokens and dollars per model, with the prices date, without calling any model', async () => {
    const result = await cli(['estimate', '--models', 'openai/gpt-4o-mini,anthropic/claude-3-opus-20240229,sim/faker', '--limit', '10']);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /openai\/gpt-4o-mini .*o200k_base \(gpt-tokenizer\)/);
    assert.match(result.stdout, /anthropic\/claude-3-opus-20240229 .*approximation/);
    assert.match(result.stdout, /total: \$\d+\.\d+ expected, \$\d+\.\d+ worst case \(prices of \d{4}-\d{2}-\d{2}/);
    assert.equal(server.log.length, 0);
  });
});

describe('af-lab run --budget', () => {
  it('stops sending new samples once the budget is spent, keeps what finished, and prints estimate against actual', async () => {
    const dir = tempDir();
    const spec = `openai/gpt-4o?base_url=${encodeURIComponent(`${server.url}/v1`)}`;
    const result = await cli(
      ['run', '--models', spec, '--variants', 'baseline', '--reasoning', 'no-cot', '--limit', '10', '--concurrency', '1', '--budget', '0.06', '--out', join(dir, 'results'), '--figures-dir', join(dir, 'figures'), '--cache', join(dir, 'cache'), '--no-progress'],
      { OPENAI_API_KEY: 'sk-cli-budget-test-0123456789' },
    );
    assert.equal(result.status, 0, result.stderr);
    assert.ok(server.log.length >= 2 && server.log.length <= 4, `${server.log.length} requests`);
    assert.match(result.stdout, /estimated in \/ out/);
    assert.match(result.stdout, /budget \$0\.06 \(reached/);
    assert.match(result.stdout, /Stopped before every sample was sent/);
  });
});
