// The command line's heap growth setting (src/cli/heapGrowth.ts): af-lab sets V8's
// --heap-growing-percent unless the user set it, on node's command line or in NODE_OPTIONS.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HEAP_GROWING_PERCENT, heapGrowthFlag } from '../src/cli/heapGrowth.js';

test('the heap growth flag is set where the user set none', () => {
  assert.equal(heapGrowthFlag([]), `--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  assert.equal(heapGrowthFlag(['--max-old-space-size=512', '--import', 'tsx'], '--max-semi-space-size=8'), `--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  // A flag that only starts the same way is not the flag.
  assert.equal(heapGrowthFlag(['--heap-growing-percentage=3']), `--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
});

test("the user's own heap growth flag stands, in either spelling and either place", () => {
  assert.equal(heapGrowthFlag(['--heap-growing-percent=200']), undefined);
  assert.equal(heapGrowthFlag(['--heap_growing_percent=10']), undefined);
  assert.equal(heapGrowthFlag([], '--max-old-space-size=512 --heap-growing-percent=80'), undefined);
  assert.equal(heapGrowthFlag(['--heap-growing-percent', '80']), undefined);
});
