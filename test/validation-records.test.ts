// What `labels compare` keeps for the AF validation plots (label/validationRecords.ts) and the
// reservoir it samples simulated transcripts with (core/random.ts): bounded, uniform, seeded, and said.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Reservoir, seededRandom } from '../src/core/random.js';
import { ValidationRecords } from '../src/label/validationRecords.js';
import type { SampleRecord } from '../src/core/types.js';

test('a reservoir holds at most its size, keeps offer order, and is the same for the same seed', () => {
  const draw = (seed: number) => {
    const reservoir = new Reservoir<number>(10, seededRandom('t', seed));
    for (let i = 0; i < 1_000; i++) reservoir.offer(i);
    return reservoir;
  };
  const sample = draw(1).items();
  assert.equal(sample.length, 10);
  assert.deepEqual(sample, [...sample].sort((x, y) => x - y));
  assert.deepEqual(draw(1).items(), sample);
  assert.notDeepEqual(draw(2).items(), sample);
  assert.equal(draw(1).offered, 1_000);
  const few = new Reservoir<number>(10, seededRandom('t'));
  [3, 1, 2].forEach((n) => few.offer(n));
  assert.deepEqual(few.items(), [3, 1, 2]);
  assert.throws(() => new Reservoir(0, seededRandom('t')), RangeError);
});

test('every item is in the reservoir with probability size / n (the first, the middle and the last alike)', () => {
  const n = 50;
  const size = 5;
  const times = 4_000;
  const counts = new Array<number>(n).fill(0);
  for (let trial = 0; trial < times; trial++) {
    const reservoir = new Reservoir<number>(size, seededRandom('uniform', trial));
    for (let i = 0; i < n; i++) reservoir.offer(i);
    for (const i of reservoir.items()) counts[i]++;
  }
  // Expected 400 each; binomial sd about 19: 5 sd either side.
  for (const [i, count] of counts.entries()) assert.ok(Math.abs(count - (times * size) / n) < 95, `item ${i}: ${count} of ${times}`);
});

const record = (i: number, af: boolean): SampleRecord =>
  ({ key: `k${i}`, tier: i % 2 ? 'free' : 'paid', simulated: true, truth: { complied: true, afReasoning: i % 3 === 0, partial: false }, labels: af ? { af: { judge: 'sim/judge', votes: [true, false] } } : {}, scratchpad: 'long text' }) as unknown as SampleRecord;

test('without human labels: records with truth and AF votes, slim, at most the sample size, and the sample is said', () => {
  const kept = new ValidationRecords([], { seed: 3, truthSample: 7 });
  for (let i = 0; i < 5; i++) kept.add(record(i, i !== 2));
  assert.deepEqual(kept.records().map((r) => r.key), ['k0', 'k1', 'k3', 'k4']);
  assert.equal(kept.sampleNote(), '');
  assert.equal('scratchpad' in kept.records()[0], false);
  for (let i = 5; i < 100; i++) kept.add(record(i, true));
  assert.equal(kept.records().length, 7);
  assert.equal(kept.truths, 100);
  assert.equal(kept.sampleNote(), ' (a seeded sample of the 99 with simulator truth and AF votes; --seed draws another)');
});

test('with human labels: exactly the labelled records, none sampled', () => {
  const kept = new ValidationRecords([{ key: 'k4' }, { key: 'k9' }] as never, { truthSample: 1 });
  for (let i = 0; i < 20; i++) kept.add(record(i, true));
  assert.deepEqual(kept.records().map((r) => r.key), ['k4', 'k9']);
  assert.equal(kept.sampleNote(), '');
});
