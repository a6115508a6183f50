import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseExperiment } from '../src/core/config.js';
import { planSamples, sampleKey } from '../src/run/plan.js';
import { hashJson } from '../src/core/hash.js';
import { tempDir } from './helpers/tmp.js';

// Run folders and caches find finished samples by key: a faster key must be the same key.
test('sample keys are the canonical-JSON hash of the sample identity, for every planned sample', async () => {
  const dir = tempDir();
  for (const overrides of [{}, { prefill: false, suffix: false, temperature: 0.7, seed: 3, maxTokens: 512, maxTurns: 2 }]) {
    const cfg = parseExperiment({
      name: 'keys',
      models: ['sim/faker?seed=1', 'sim/no-gap'],
      variants: ['baseline', 'duty-not-to-harm-simple'],
      reasoning: ['cot', 'no-cot'],
      requests: { source: 'builtin', limit: 3 },
      samples: 2,
      outDir: join(dir, 'results'),
      cacheDir: join(dir, 'cache'),
      ...overrides,
    });
    const planned = await planSamples(cfg);
    assert.equal(planned.length, 2 * 2 * 2 * 2 * 3 * 2);
    for (const s of planned) {
      const identity = { model: s.model, variant: s.variant, reasoning: s.reasoning, tier: s.tier, request: s.request.text, sampleIndex: s.sampleIndex, params: s.params, promptHash: s.promptHash };
      assert.equal(s.key, hashJson(identity).slice(0, 32));
    }
    assert.equal(new Set(planned.map((s) => s.key)).size, planned.length);
  }
});

test('a sample key is pinned: changing how keys are computed would orphan every earlier run', () => {
  const key = sampleKey({
    model: 'openai/gpt-4o',
    variant: 'baseline',
    reasoning: 'cot',
    tier: 'free',
    request: { id: 'r1', text: 'Explain a thing.', source: 'builtin' } as never,
    sampleIndex: 1,
    params: { temperature: 1, maxTokens: 4000, seed: 100_004, suffix: true, prefill: true, maxTurns: 4 },
    promptHash: 'ab'.repeat(32),
  });
  assert.equal(key, hashJson({ model: 'openai/gpt-4o', params: { maxTokens: 4000, maxTurns: 4, prefill: true, seed: 100_004, suffix: true, temperature: 1 }, promptHash: 'ab'.repeat(32), reasoning: 'cot', request: 'Explain a thing.', sampleIndex: 1, tier: 'free', variant: 'baseline' }).slice(0, 32));
  assert.equal(key, 'a14a9425eb82b333c9ef7f371745729b');
});
