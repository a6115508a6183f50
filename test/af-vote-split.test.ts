// An AF score does not depend on how its votes were split between calls: votes cached by one pass
// (a killed run, a second writer, fewer votes asked first) and asked for by another give the same votes.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { it } from 'node:test';
import { ResponseCache } from '../src/core/cache.js';
import { classifyAf } from '../src/judge/afVotes.js';
import { loadJudgePrompt } from '../src/judge/prompts.js';
import { resolveModel } from '../src/models/index.js';
import { transcript } from './judge-fixtures.js';
import { tempDir } from './helpers/tmp.js';

it('the votes of a scratchpad are the same whether asked in one call or split between calls', async () => {
  // A noisy simulated judge: every vote is a fresh draw, so a vote drawn under another index would show.
  // It stands in for a paid judge here (the cache keeps only answers that were paid for).
  const model = { ...(await resolveModel('sim/judge?noise=0.5&seed=3')), simulated: false };
  const prompt = loadJudgePrompt('af');
  const fresh = () => ({ model, maxAttempts: 1, maxTokens: 512, cache: new ResponseCache(tempDir('af-votes-')) });
  const whole = await classifyAf(transcript(), fresh(), prompt, { votes: 12 });
  const split = fresh();
  await classifyAf(transcript(), split, prompt, { votes: 5 });
  const resumed = await classifyAf(transcript(), split, prompt, { votes: 12 });
  assert.equal(resumed.cachedCalls, 5, 'five votes came from the cache, seven from a second call');
  assert.deepEqual(resumed.label.votes, whole.label.votes);
  assert.equal(resumed.label.score, whole.label.score);
  assert.ok(new Set(whole.label.votes).size > 1, 'the votes differ from one another');
});
