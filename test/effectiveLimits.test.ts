// The run prints the limits each real model sends under, and says when a provider's limit caps the
// run's concurrency (issue 17: `--concurrency 64` alone left openai at 16 in flight, silently).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { effectiveLimits, formatEffectiveLimits } from '../src/models/transport/effectiveLimits.js';

test('openai at --concurrency 64: the default 16 in flight and 500/min are printed, with how to raise them', () => {
  const rows = effectiveLimits(['openai/gpt-4o-mini', 'sim/faker', 'sim/judge']);
  assert.deepEqual(rows.map((r) => r.spec), ['openai/gpt-4o-mini']);
  const [line] = formatEffectiveLimits(rows, 64);
  assert.match(line, /^limits openai\/gpt-4o-mini: 16 in flight, 500 requests\/min, no tokens\/min limit/);
  assert.match(line, /caps concurrency 64 at 16: raise limits\.openai\.concurrency in the config, or add \?concurrency=64 to the model spec/);
});

test('config limits and spec options are what the line shows; no cap note when the provider allows the run\'s concurrency', () => {
  const rows = effectiveLimits(['openai/gpt-4o-mini', 'anthropic/claude-3-5-sonnet-latest?concurrency=3'], { openai: { concurrency: 64, requestsPerMinute: 5000 } });
  const lines = formatEffectiveLimits(rows, 64);
  assert.equal(lines.length, 2);
  assert.match(lines[0], /^limits openai\/gpt-4o-mini: 64 in flight, 5000 requests\/min/);
  assert.doesNotMatch(lines[0], /caps/);
  assert.match(lines[1], /^limits anthropic\/claude-3-5-sonnet-latest: 3 in flight, 50 requests\/min, 40000 tokens\/min/);
  assert.match(lines[1], /caps concurrency 64 at 3/);
  assert.deepEqual(formatEffectiveLimits(effectiveLimits(['sim/faker']), 64), []);
});
