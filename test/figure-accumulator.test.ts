// The figures of a streaming run (issue 17): a FigureAccumulator fed one record at a time gives the
// figure inputs and figures that figureInputs drew from the whole array before it streamed (golden
// JSON in test/fixtures/figures/, written by that code), holding only counts; a RecordsDigest fed
// the same records hashes as the array; and figures written from inputs are those writeFigures writes.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { RecordsDigest, recordsDigest } from '../src/core/inputsHash.js';
import { sha256 } from '../src/core/hash.js';
import type { SampleRecord } from '../src/core/types.js';
import { buildSummary } from '../src/summary/build.js';
import {
  buildFigures,
  FigureAccumulator,
  figureInputs,
  figuresFromInputs,
  writeFigures,
  writeFiguresFromInputs,
  type AfScorePoint,
  type FigureInputs,
  type WriteFiguresOptions,
} from '../src/plots/index.js';
import { figureRecordSets } from './figure-record-sets.js';
import { syntheticRecords } from './plots-records.js';
import { tempDir } from './helpers/tmp.js';

const GOLDEN = join(import.meta.dirname, 'fixtures', 'figures');
const sets = figureRecordSets();

interface Golden {
  /** afScores as drawn before streaming: one point per scratchpad, without `count`. */
  inputs: Omit<FigureInputs, 'afScores'> & { afScores: Array<Omit<AfScorePoint, 'count'>> };
  figures: unknown[];
}

const golden = (name: string): Golden => JSON.parse(readFileSync(join(GOLDEN, `${name}.json`), 'utf8')) as Golden;
/** As the golden files hold values: through JSON (undefined fields dropped). */
const asJson = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

/** One point per scratchpad merged into points with a count, in first-seen order: what the accumulator keeps. */
function merged(points: Array<Omit<AfScorePoint, 'count'>>): AfScorePoint[] {
  const byKey = new Map<string, AfScorePoint>();
  for (const p of points) {
    const key = JSON.stringify([p.model, p.variant, p.tier, p.score, p.label, p.votes]);
    const seen = byKey.get(key);
    if (seen) seen.count++;
    else byKey.set(key, { ...p, count: 1 });
  }
  return [...byKey.values()];
}

function fedOneByOne(records: SampleRecord[]): FigureAccumulator {
  const accumulator = new FigureAccumulator();
  for (const record of records) accumulator.add(record);
  return accumulator;
}

test('the golden record sets cover every set of figure-record-sets.ts, and no file is left without one', () => {
  const files = readdirSync(GOLDEN).filter((f) => f.endsWith('.json')).map((f) => f.replace(/\.json$/, '')).sort();
  assert.deepEqual(files, Object.keys(sets).sort());
});

for (const [name, records] of Object.entries(sets)) {
  test(`${name}: records fed one at a time give the inputs figureInputs gave on the array, AF scores merged with counts`, () => {
    const expected = golden(name).inputs;
    const streamed = fedOneByOne(records).inputs({ summary: buildSummary(records) });
    const { afScores, ...rest } = asJson(streamed) as FigureInputs;
    const { afScores: goldenScores, ...goldenRest } = expected;
    assert.deepEqual(rest, goldenRest);
    assert.deepEqual(afScores, asJson(merged(goldenScores)));
    assert.equal(afScores.reduce((n, p) => n + p.count, 0), goldenScores.length, 'every scored scratchpad is counted once');
    // The array form is the accumulator: the same inputs.
    assert.deepEqual(asJson(figureInputs(records)), asJson(streamed));
  });

  test(`${name}: the figures drawn from the streamed inputs are the figures drawn before streaming`, () => {
    const streamed = fedOneByOne(records).inputs({ summary: buildSummary(records) });
    assert.deepEqual(asJson(figuresFromInputs(streamed)), golden(name).figures);
    assert.deepEqual(asJson(buildFigures(records)), golden(name).figures);
  });
}

test('RecordsDigest fed one record at a time equals the sha256 of the JSON array, empty and one-record lists included', () => {
  const lists: unknown[][] = [[], [sets.one[0]], sets['judged-simulated'], sets['three-tier'], [1, 'two', null, { a: [3] }], [undefined, () => 1]];
  for (const list of lists) {
    const digest = new RecordsDigest();
    for (const item of list) digest.add(item);
    const expected = sha256(JSON.stringify(list));
    assert.equal(digest.digest(), expected);
    assert.equal(digest.digest(), expected, 'asked again, the same digest');
    assert.equal(recordsDigest([...list]), expected);
  }
  assert.equal(new RecordsDigest().digest(), sha256('[]'));
  const done = new RecordsDigest();
  done.digest();
  assert.throws(() => done.add({}), /after digest/);
});

test('20,000 records leave the accumulator holding counts per condition, model and AF score point, not per record', () => {
  // 2 models x 2 variants x CoT/no-CoT x 2 tiers x 1,250 requests.
  const records = syntheticRecords({ requests: 1250, scratchpadChars: 0 });
  assert.equal(records.length, 20000);
  const accumulator = fedOneByOne(records);
  // 16 condition-tier tallies, 2 models, and at most one AF point per model, variant, tier and vote share k/20.
  const bound = 16 + 2 + 2 * 2 * 2 * 21;
  assert.ok(accumulator.cells <= bound, `${accumulator.cells} cells held, more than the ${bound} the design allows`);
  const small = fedOneByOne(syntheticRecords({ requests: 50, scratchpadChars: 0 }));
  assert.ok(accumulator.cells < 2 * small.cells, `${accumulator.cells} cells for 20,000 records against ${small.cells} for 800: they grow with the records`);
  const inputs = accumulator.inputs({ summary: buildSummary(records) });
  assert.equal(inputs.outcomes.reduce((n, bar) => n + bar.total + bar.unlabelled, 0), 20000);
  assert.equal(inputs.afScores.reduce((n, p) => n + p.count, 0), records.filter((r) => r.labels.af?.score != null).length);
});

for (const options of [{ images: false }, { images: false, only: ['af-scores', 'outcomes'], power: { alpha: 0.01 } }] as WriteFiguresOptions[]) {
  test(`writeFiguresFromInputs writes and hashes what writeFigures writes, so either finds the other's figures unchanged (${JSON.stringify(options)})`, async () => {
    const records = sets['judged-simulated'];
    const accumulator = new FigureAccumulator();
    const digest = new RecordsDigest();
    for (const record of records) {
      accumulator.add(record);
      digest.add(record);
    }
    const inputs = accumulator.inputs({ summary: buildSummary(records), power: options.power });

    const fromRecords = tempDir();
    const fromInputs = tempDir();
    const a = await writeFigures(records, fromRecords, options);
    const b = await writeFiguresFromInputs(inputs, digest.digest(), fromInputs, options);
    assert.notEqual(a.unchanged, true);
    assert.notEqual(b.unchanged, true);
    assert.deepEqual(b.figures.map((f) => f.name), a.figures.map((f) => f.name));
    if (options.only) assert.deepEqual(a.figures.map((f) => f.name).sort(), [...options.only].sort());
    for (const file of readdirSync(fromRecords)) assert.equal(readFileSync(join(fromInputs, file), 'utf8'), readFileSync(join(fromRecords, file), 'utf8'), file);

    assert.equal((await writeFiguresFromInputs(inputs, digest.digest(), fromRecords, options)).unchanged, true);
    assert.equal((await writeFigures(records, fromInputs, options)).unchanged, true);
    // Other records: another digest, redrawn.
    assert.notEqual((await writeFiguresFromInputs(inputs, recordsDigest(sets['proxy-only']), fromRecords, options)).unchanged, true);
  });
}
