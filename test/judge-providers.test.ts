// Any model can judge: a real provider (OpenAI's SDK against a loopback server) judges a run, AF votes
// arrive as n completions of one HTTP request, and a re-judge is answered from the cache.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import '../src/models/index.js';
import { judgeRun } from '../src/label/judgeRun.js';
import { labelRecords } from '../src/label/index.js';
import { startOpenAIServer } from './servers/openai.js';
import type { LoopbackServer } from './servers/loopback.js';
import { afBlock, complianceBlock, nonceOf, record, REFUSAL_OUTPUT } from './judge-fixtures.js';
import { tempDir } from './helpers/tmp.js';

let server: LoopbackServer;
const savedKey = process.env.OPENAI_API_KEY;

before(async () => {
  process.env.OPENAI_API_KEY = 'sk-judge-test-0000000000';
  server = await startOpenAIServer({
    reply: (body) => {
      const prompt: string = body.messages.at(-1).content;
      const nonce = nonceOf(prompt);
      if (/^training:/m.test(prompt.slice(prompt.lastIndexOf('<verdict-')))) return afBlock(nonce, true);
      return complianceBlock(nonce, prompt.includes("I can't help"), 5, 4);
    },
  });
});

after(async () => {
  await server.close();
  if (savedKey === undefined) delete process.env.OPENAI_API_KEY;
  else process.env.OPENAI_API_KEY = savedKey;
});

test('an OpenAI-compatible judge labels a run; AF votes come as n completions of one request; re-judging sends nothing', async () => {
  const spec = `openai/gpt-4o-mini?base_url=${encodeURIComponent(`${server.url}/v1`)}&max_retries=0`;
  const runDir = tempDir('af-judge-openai-');
  const cacheDir = join(runDir, 'cache');
  const records = [record(), record({ finalOutput: REFUSAL_OUTPUT })];
  const result = await judgeRun(runDir, records, { judge: spec, kinds: ['compliance', 'af'], afVotes: 20, cacheDir });
  assert.equal(result.simulated, false);
  assert.deepEqual(result.judged, { compliance: 2, af: 2, partial: 0 });
  const afRequests = server.log.filter((r) => r.body.n === 20);
  assert.equal(afRequests.length, 2, 'one request per scratchpad for all 20 votes');
  assert.ok(server.log.filter((r) => !r.body.n || r.body.n === 1).every((r) => r.body.temperature === 0), 'the compliance judge runs at temperature 0');
  assert.ok(afRequests.every((r) => r.body.temperature === 1));

  const labelled = labelRecords(records, runDir);
  assert.deepEqual(labelled.map((r) => r.labels.compliance?.complied), [true, false]);
  assert.deepEqual(labelled.map((r) => r.labels.compliance?.score), [0.875, 0]);
  assert.equal(labelled[0].labels.af?.score, 1);
  assert.equal(labelled[0].labels.af?.votes.length, 20);

  // Another run folder, same judge and cache: every answer comes from the cache.
  const sent = server.log.length;
  const again = await judgeRun(tempDir('af-judge-openai-'), records, { judge: spec, kinds: ['compliance', 'af'], afVotes: 20, cacheDir });
  assert.equal(server.log.length, sent);
  assert.equal(again.cachedCalls, again.calls);
});
