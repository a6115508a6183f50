// summaryFrame: the summary as a danfojs DataFrame for notebooks. Its cost is loading danfojs (which
// brings TensorFlow.js: seconds of CPU, most of this file's time), so that cost is what is pinned: paid
// on the first frame only, never by building a summary, and not again for a second frame. Its own file,
// so that nothing else in the process has loaded danfojs before.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { buildSummary, summaryFrame, SUMMARY_COLUMNS } from '../src/summary/index.js';
import { tierRecords } from './helpers/records.js';

const modules = createRequire(import.meta.url).cache;
const loaded = () => Object.keys(modules);
const danfoModules = () => loaded().filter((path) => path.includes('/node_modules/danfojs/')).length;

test('summaryFrame is a danfojs DataFrame with one row per summary row; danfojs is loaded once, by the first frame', (t) => {
  const summary = buildSummary([
    ...tierRecords({ tier: 'free', complied: 15, refused: 83, model: 'real/model', simulated: false }),
    ...tierRecords({ tier: 'paid', complied: 4, refused: 91, model: 'real/model', simulated: false }),
  ]);
  assert.equal(danfoModules(), 0, 'building a summary loads no danfojs');

  const before = loaded().length;
  const cpu = process.cpuUsage();
  const frame = summaryFrame(summary);
  const spent = process.cpuUsage(cpu);
  const first = loaded().length - before;
  assert.ok(danfoModules() > 0, 'the first frame loads danfojs');
  t.diagnostic(`first frame: ${first} modules loaded, ${((spent.user + spent.system) / 1e6).toFixed(2)} s CPU; the time is printed, not asserted`);

  assert.deepEqual(frame.shape, [summary.rows.length, SUMMARY_COLUMNS.length]);
  assert.deepEqual(frame.columns, [...SUMMARY_COLUMNS]);
  assert.equal(frame.column('free_complied').values[0], 15);

  const settled = loaded().length;
  const again = summaryFrame(summary);
  assert.equal(loaded().length, settled, 'a second frame loads no module');
  assert.deepEqual(again.shape, frame.shape);
});
