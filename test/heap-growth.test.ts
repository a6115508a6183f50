// The command line's heap growth setting (src/cli/heapGrowth.ts): af-lab sets V8's
// --heap-growing-percent unless the user gave node one of their own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HEAP_GROWING_PERCENT, heapGrowthFlag } from '../src/cli/heapGrowth.js';

test('the heap growth flag is set where the user gave node none', () => {
  assert.equal(heapGrowthFlag([]), `--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  assert.equal(heapGrowthFlag(['--max-old-space-size=512', '--import', 'tsx', '--max-semi-space-size=8']), `--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  // A flag that only starts the same way is not the flag.
  assert.equal(heapGrowthFlag(['--heap-growing-percentage=3']), `--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
});

test("the user's own heap growth flag stands, in either spelling", () => {
  assert.equal(heapGrowthFlag(['--heap-growing-percent=200']), undefined);
  assert.equal(heapGrowthFlag(['--import', 'tsx', '--heap_growing_percent=10']), undefined);
});
