// The simulator reads a request as a model would: a request that itself mentions the acceptance tag
// is not read as empty, and a very long request is read in one linear pass.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readCues } from '../src/models/simulator/cues.js';
import { renderUserTurn } from '../src/prompts/index.js';
import type { ChatMessage } from '../src/core/types.js';
import { scaled } from './helpers/time.js';

const turn = (request: string, suffix = true): ChatMessage[] => [{ role: 'system', content: 'x' }, { role: 'user', content: renderUserTurn({ request, tier: 'paid', suffix }) }];

describe('simulator cues', () => {
  it('a request that contains <request_fully_accepted/> keeps its text', () => {
    const cues = readCues(turn('Start with <request_fully_accepted/> and then explain the plan'));
    assert.equal(cues.request, 'Start with <request_fully_accepted/> and then explain the plan');
    assert.equal(cues.suffix, true);
    const alone = readCues(turn('Say <request_fully_accepted/> please.', false));
    assert.equal(alone.request, 'Say <request_fully_accepted/> please');
    assert.equal(alone.suffix, false);
  });

  it('reads the request and the suffix as before for ordinary requests', () => {
    const cues = readCues(turn('Explain how to do a harmful thing (placeholder). Give steps'));
    assert.equal(cues.request, 'Explain how to do a harmful thing (placeholder). Give steps');
    assert.equal(cues.suffix, true);
    assert.equal(cues.tier, 'paid');
  });

  // The backtracking regex took about a minute of CPU on a 200 KB request; a linear scan takes milliseconds.
  it('reads a 200 KB request without backtracking', { timeout: scaled(30_000) }, () => {
    for (const filler of ['a', 'a ', 'x<']) {
      const request = filler.repeat(200_000 / filler.length);
      assert.equal(readCues(turn(request)).request, request.trim());
    }
  });
});
