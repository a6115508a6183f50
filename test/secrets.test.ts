// Keys never reach a file: a fake key is planted in a .env file (and another in the environment),
// a small experiment runs against loopback servers that echo the key back in error messages, and
// every file the run wrote (records, calls, judgements, summary, report, figures, cache) is searched.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { parseExperiment } from '../src/core/config.js';
import { CostMeter } from '../src/cost/index.js';
import { runExperiment } from '../src/pipeline/experiment.js';
import { builtinRequests } from '../src/requests/index.js';
import { startAnthropicServer } from './servers/anthropic.js';
import type { LoopbackServer } from './servers/loopback.js';
import { startOpenAIServer } from './servers/openai.js';
import { tempDir } from './helpers/tmp.js';

const OPENAI_KEY = 'sk-planted-OPENAI-7f3e9a1c5b2d4e6f8a0b';
const ANTHROPIC_KEY = 'sk-ant-planted-ANTHROPIC-c4d2e8f1a3b5';
const dir = tempDir('af-lab-secrets-');
const originalCwd = process.cwd();
let openai: LoopbackServer;
let anthropic: LoopbackServer;

function filesUnder(root: string): string[] {
  return readdirSync(root).flatMap((name) => {
    const path = join(root, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

before(async () => {
  const [first, second] = builtinRequests().map((r) => r.text);
  const echo = (key: string) => (i: number, body: any) => {
    const text = JSON.stringify(body?.messages ?? []);
    // Servers that echo the key: a 401 for one request (recorded on the sample), a 500 now and then (retried).
    if (text.includes(first)) return { kind: 'status' as const, status: 401, message: `Incorrect API key provided: ${key}` };
    if (text.includes(second) && i % 2 === 0) return { kind: 'status' as const, status: 500, message: `upstream failed for key ${key}` };
    return undefined;
  };
  openai = await startOpenAIServer({ script: echo(OPENAI_KEY), reply: () => '<SCRATCHPAD_REASONING>no</SCRATCHPAD_REASONING><OUTPUT><rejected/></OUTPUT>' });
  anthropic = await startAnthropicServer({ script: echo(ANTHROPIC_KEY), reply: () => 'SCRATCHPAD_REASONING>no</SCRATCHPAD_REASONING><OUTPUT><rejected/></OUTPUT>' });
  // The OpenAI key comes from a .env file in the working directory; the Anthropic key from the environment.
  delete process.env.OPENAI_API_KEY;
  writeFileSync(join(dir, '.env'), `OPENAI_API_KEY=${OPENAI_KEY}\n`);
  process.env.ANTHROPIC_API_KEY = ANTHROPIC_KEY;
  process.chdir(dir);
});

after(async () => {
  process.chdir(originalCwd);
  await openai.close();
  await anthropic.close();
});

it('no file written by a run contains a key, even when servers echo it in errors', async () => {
  const openaiSpec = `openai/gpt-4o-mini?base_url=${encodeURIComponent(`${openai.url}/v1`)}&backoff_ms=1`;
  const config = parseExperiment({
    name: 'secrets',
    models: [openaiSpec, `anthropic/claude-3-5-sonnet-latest?base_url=${encodeURIComponent(anthropic.url)}&backoff_ms=1`],
    variants: ['baseline'],
    reasoning: ['cot', 'no-cot'],
    requests: { source: 'builtin', limit: 3 },
    judge: openaiSpec,
    afVotes: 2,
    limits: { anthropic: { requestsPerMinute: 1e6, tokensPerMinute: 1e9 }, openai: { requestsPerMinute: 1e6 } },
    outDir: join(dir, 'results'),
    figuresDir: join(dir, 'figures'),
    cacheDir: join(dir, 'cache'),
  });
  const result = await runExperiment(config, { costMeter: new CostMeter(), figures: { images: false } });
  assert.ok(openai.log.length > 0 && anthropic.log.length > 0);
  assert.equal(openai.log[0].headers.authorization, `Bearer ${OPENAI_KEY}`, 'the key from .env was used');

  const errors = result.records.filter((r) => r.status === 'error');
  assert.ok(errors.length >= 2, 'the 401s were recorded on their samples');
  assert.ok(errors.every((r) => r.error?.kind === 'auth' && r.error.message.includes('[redacted key]')));

  const files = filesUnder(dir).filter((f) => !f.endsWith('.env'));
  assert.ok(files.some((f) => f.endsWith('records.jsonl')) && files.some((f) => f.includes('cache')) && files.some((f) => f.endsWith('.html')), files.join('\n'));
  for (const file of files) {
    const text = readFileSync(file, 'latin1');
    for (const key of [OPENAI_KEY, ANTHROPIC_KEY]) {
      assert.ok(!text.includes(key), `${file} contains a key`);
      assert.ok(!text.includes(key.slice(-12)), `${file} contains the end of a key`);
    }
  }
});
