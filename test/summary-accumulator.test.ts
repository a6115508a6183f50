// The streamed summary: SummaryAccumulator fed one record at a time gives today's summary exactly
// (golden files in test/fixtures/summary/, written by the array buildSummary before the accumulator
// existed), and holds one entry per distinct fact, not one per record.
// AF_LAB_WRITE_GOLDEN=1 rewrites the golden files from the current code: only after checking why they differ.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildSummary, type Summary, type SummaryOptions } from '../src/summary/index.js';
import { SUMMARY_RECORD_SETS } from './helpers/summaryRecordSets.js';

const GOLDEN = join(import.meta.dirname, 'fixtures', 'summary');
const WRITE = process.env.AF_LAB_WRITE_GOLDEN === '1';

/** JSON that keeps what plain JSON loses (Infinity, NaN, -0, undefined properties), so equality is exact. */
function encode(value: unknown): unknown {
  return JSON.parse(
    JSON.stringify(value, (_key, v: unknown) => {
      if (v === undefined) return { $undefined: true };
      if (typeof v === 'number' && (!Number.isFinite(v) || Object.is(v, -0))) return { $number: Object.is(v, -0) ? '-0' : String(v) };
      return v;
    }),
  );
}

const CASES: Array<{ file: string; set: string; options?: SummaryOptions }> = [
  ...Object.keys(SUMMARY_RECORD_SETS).map((set) => ({ file: set, set })),
  { file: 'two-tier-conf-0.9', set: 'two-tier', options: { confLevel: 0.9 } },
];

function golden(file: string, summary: Summary): unknown {
  const path = join(GOLDEN, `${file}.json`);
  if (WRITE) {
    mkdirSync(GOLDEN, { recursive: true });
    writeFileSync(path, `${JSON.stringify(encode(summary), null, 1)}\n`);
  }
  return JSON.parse(readFileSync(path, 'utf8'));
}

for (const { file, set, options } of CASES) {
  test(`buildSummary on the ${file} records equals its golden summary, every field and every row order`, () => {
    const records = SUMMARY_RECORD_SETS[set]();
    const summary = buildSummary(records, options);
    assert.deepStrictEqual(encode(summary), golden(file, summary));
  });
}
