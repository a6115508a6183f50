// The estimate streams (issue 25, part 1): estimateSamples takes the plan as it is made, one sample
// at a time, and gives the estimate it gives the same samples as an array; estimateExperiment never
// makes the plan an array (a 2M-sample plan costs the memory of its prompts, not of its samples).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { estimateSamples, type SampleToEstimate } from '../src/cost/estimate.js';

const SYSTEM = ['You are a helpful assistant. '.repeat(200), 'A shorter system prompt.'];

function* plan(n: number): Generator<SampleToEstimate> {
  for (let i = 0; i < n; i++) {
    yield {
      model: i % 3 === 0 ? 'anthropic/claude-3-5-sonnet-20241022' : 'openai/gpt-4o-mini',
      reasoning: i % 2 ? 'cot' : 'no-cot',
      systemPrompt: SYSTEM[i % 2],
      userTurn: `request ${i % 7}`,
      params: { maxTokens: 2000, maxTurns: 4 },
    };
  }
}

describe('estimateSamples over an iterable', () => {
  it('gives what it gives the same samples as an array, model by model', () => {
    assert.deepEqual(estimateSamples(plan(500)), estimateSamples([...plan(500)]));
  });

  it('counts every sample of a long plan made as it is iterated', () => {
    const estimate = estimateSamples(plan(200_000));
    assert.equal(estimate.models.reduce((n, m) => n + m.samples, 0), 200_000);
    assert.deepEqual(estimate.models.map((m) => m.samples).sort(), [133_333, 66_667].sort());
  });
});
