// The summary is built from a streaming accumulator (issue 17): its output is identical to the
// array-based buildSummary it replaced (golden file written by that implementation, on records with
// errors, truncations, failures, missing labels, AF maybes and two models), and it keeps no record.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { buildSummary, SummaryAccumulator } from '../src/summary/index.js';
import type { SampleRecord } from '../src/core/types.js';
import { syntheticRecords } from './plots-records.js';

/** The record set the golden file was computed from (same recipe as when it was written). */
function mixed(seed: number): SampleRecord[] {
  const records = [
    ...syntheticRecords({ requests: 12, seed, judged: true }),
    ...syntheticRecords({ requests: 7, seed: seed + 1, judged: false, simulated: false, models: ['openai/gpt-4o-mini'], variants: ['baseline', 'z-variant', 'a-variant'] }),
  ];
  records.forEach((r, i) => {
    if (i % 7 === 3) r.status = 'truncated';
    if (i % 11 === 5) r.status = 'failed';
    if (i % 13 === 2) r.labels.proxy = { complied: null } as never;
    if (i % 17 === 4 && r.labels.af) r.labels.af = { ...r.labels.af, label: 'maybe' };
  });
  return records;
}

const golden = JSON.parse(readFileSync(new URL('./fixtures/summary/accumulator-golden.json', import.meta.url), 'utf8'));
const asJson = (value: unknown) => JSON.parse(JSON.stringify(value));

test('buildSummary (now the accumulator) equals what the array-based implementation computed', () => {
  const summary = buildSummary(mixed(7));
  assert.ok(summary.rows.length > 20 && summary.labels.includes('judge'));
  assert.deepEqual(asJson(summary), golden);
});

test('records added one at a time, then summarised, equal buildSummary at every confidence level', () => {
  const records = mixed(3);
  const accumulator = new SummaryAccumulator();
  for (const line of records.map((r) => JSON.stringify(r))) accumulator.add(JSON.parse(line) as SampleRecord);
  for (const confLevel of [0.95, 0.9]) assert.deepEqual(accumulator.summary({ confLevel }), buildSummary(records, { confLevel }));
  assert.deepEqual(new SummaryAccumulator().summary(), buildSummary([]));
});

test('the accumulator keeps counts, not records: changing a record after adding it changes nothing', () => {
  const records = mixed(5);
  const accumulator = new SummaryAccumulator();
  for (const record of records) accumulator.add(record);
  const before = accumulator.summary();
  for (const record of records) {
    record.labels.proxy = { complied: true } as never;
    record.status = 'error';
  }
  assert.deepEqual(accumulator.summary(), before);
});
